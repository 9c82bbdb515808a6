import * as oidc from 'openid-client';
import type { OAuthMailProvider } from './oauth-mail-provider.js';

/**
 * The thin client around openid-client (ARCHITECTURE.md convention 9): discovery, the
 * authorisation URL, the code exchange and the refresh. TLS to the issuer is Node's (system CAs,
 * NODE_EXTRA_CA_CERTS); plain http is allowed only because the configuration accepts it on a
 * loopback host alone (tests).
 */

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The provider's answer, by its OAuth error code (`invalid_grant`, `invalid_client`, …) or one of ours. */
export class OAuthError extends Error {
  constructor(
    /** OAuth's `error`, or `unreachable` (no answer), `id_token` (verification failed), `invalid_response`. */
    readonly error: string,
    readonly description: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(description ? `${error}: ${description}` : error, options);
    this.name = 'OAuthError';
  }
}

export interface TokenSet {
  accessToken: string;
  /** Seconds, as the provider said. */
  expiresIn: number;
  /** Google sends one with the code (offline access) and, unlike rotating providers, not on refresh. */
  refreshToken: string | undefined;
  /** The scopes granted, when the provider says (RFC 6749 §5.1: absent means those asked for). */
  scope: string | undefined;
}

const discoveries = new Map<string, Promise<oidc.ServerMetadata>>();

/** The issuer's metadata is the same for every client: discovered once per process and issuer. */
function serverMetadata(provider: OAuthMailProvider, credentials: OAuthClientCredentials): Promise<oidc.ServerMetadata> {
  let metadata = discoveries.get(provider.issuer);
  if (!metadata) {
    metadata = oidc
      .discovery(new URL(provider.issuer), credentials.clientId, undefined, oidc.None(), {
        execute: isPlainHttp(provider) ? [oidc.allowInsecureRequests] : [],
      })
      .then((configuration) => configuration.serverMetadata());
    discoveries.set(provider.issuer, metadata);
    metadata.catch(() => discoveries.delete(provider.issuer));
  }
  return metadata;
}

const isPlainHttp = (provider: OAuthMailProvider) => new URL(provider.issuer).protocol === 'http:';

/**
 * The client authenticates at the token endpoint as the issuer says it may: HTTP Basic, the
 * default when it says nothing (RFC 8414), unless it offers only the secret in the body. Always
 * sending it in the body, as before, was refused by a provider that takes Basic alone.
 */
function clientAuthentication(metadata: oidc.ServerMetadata, clientSecret: string): oidc.ClientAuth {
  const offered = metadata.token_endpoint_auth_methods_supported;
  const bodyOnly = offered !== undefined && !offered.includes('client_secret_basic') && offered.includes('client_secret_post');
  return bodyOnly ? oidc.ClientSecretPost(clientSecret) : oidc.ClientSecretBasic(clientSecret);
}

/**
 * `signedIdToken`: the ID token's signature is checked against the issuer's keys, not only its
 * claims. Only the code exchange asks for it, where the account is read from the token; a
 * refresh ignores the ID token Google sends along, and fetching the keys at each one made every
 * refresh fail whenever they could not be fetched.
 */
async function configurationFor(
  provider: OAuthMailProvider,
  credentials: OAuthClientCredentials,
  { signedIdToken }: { signedIdToken: boolean } = { signedIdToken: false },
): Promise<oidc.Configuration> {
  const metadata = await translated(() => serverMetadata(provider, credentials));
  const configuration = new oidc.Configuration(metadata, credentials.clientId, undefined, clientAuthentication(metadata, credentials.clientSecret));
  if (isPlainHttp(provider)) oidc.allowInsecureRequests(configuration);
  if (signedIdToken) oidc.enableNonRepudiationChecks(configuration);
  return configuration;
}

/** Authorisation-code flow with PKCE S256, the provider's scopes and extra parameters. */
export async function buildAuthorizationUrl(
  provider: OAuthMailProvider,
  credentials: OAuthClientCredentials,
  request: { redirectUri: string; state: string; codeVerifier: string },
): Promise<string> {
  const configuration = await configurationFor(provider, credentials);
  return oidc
    .buildAuthorizationUrl(configuration, {
      response_type: 'code',
      redirect_uri: request.redirectUri,
      scope: provider.scopes.join(' '),
      state: request.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
      ...provider.authorizationParams,
    })
    .toString();
}

/** Exchanges the code of the callback URL; the ID token is verified and its claims returned. */
export async function exchangeCode(
  provider: OAuthMailProvider,
  credentials: OAuthClientCredentials,
  callback: { url: URL; state: string; codeVerifier: string },
): Promise<TokenSet & { claims: Record<string, unknown> }> {
  const configuration = await configurationFor(provider, credentials, { signedIdToken: true });
  const tokens = await translated(() =>
    oidc.authorizationCodeGrant(configuration, callback.url, {
      expectedState: callback.state,
      pkceCodeVerifier: callback.codeVerifier,
      idTokenExpected: true,
    }),
  );
  const claims = tokens.claims();
  if (!claims) throw new OAuthError('id_token', 'no ID token');
  return { ...tokenSetOf(tokens), claims };
}

export async function refreshAccessToken(
  provider: OAuthMailProvider,
  credentials: OAuthClientCredentials,
  refreshToken: string,
): Promise<TokenSet> {
  const configuration = await configurationFor(provider, credentials);
  return tokenSetOf(await translated(() => oidc.refreshTokenGrant(configuration, refreshToken)));
}

/** Revokes a refresh token, and with it at Google the whole grant; a slow issuer is given 10 s. */
export async function revokeToken(provider: OAuthMailProvider, credentials: OAuthClientCredentials, refreshToken: string): Promise<void> {
  const configuration = await configurationFor(provider, credentials);
  configuration.timeout = 10;
  await translated(() => oidc.tokenRevocation(configuration, refreshToken, { token_type_hint: 'refresh_token' }));
}

function tokenSetOf(tokens: oidc.TokenEndpointResponse): TokenSet {
  return { accessToken: tokens.access_token, expiresIn: tokens.expires_in ?? 3600, refreshToken: tokens.refresh_token, scope: tokens.scope };
}

/** openid-client's many error types, as one OAuthError with the code the messages are keyed by. */
async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asOAuthError(error);
  }
}

function asOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    return new OAuthError(error.error, error.error_description, { cause: error });
  }
  const code = (error as { code?: string }).code ?? '';
  // openid-client's and jose's codes for a token that fails verification: OAUTH_JWT_*, ERR_JWS_*, ERR_JWT_*…
  if (code.includes('JW')) return new OAuthError('id_token', (error as Error).message, { cause: error });
  if (error instanceof TypeError || code === 'OAUTH_TIMEOUT' || code === 'ECONNREFUSED') {
    return new OAuthError('unreachable', (error as Error).message, { cause: error });
  }
  return new OAuthError('invalid_response', (error as Error)?.message, { cause: error });
}
