import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { type GmailAuthorizeRequest, gmailAuthorizeRequestSchema, type GmailCallbackRefusal, googleErrorCode } from '../../contracts/mail-settings.js';
import { type Actor, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, type FieldProblem, parseOrThrow, validationError } from '../errors.js';
import { purposeOf } from '../security/secret-columns.js';
import { saveGmailClient, senderFollowsGmailAccount } from '../settings/mail-settings.service.js';
import { GMAIL_CLIENT_SECRET_PURPOSE, type MailSettingsRecord, readMailSettings } from '../settings/mail-settings.record.js';
import { accessTokenColumns, REFRESH_TOKEN_PURPOSE } from '../transports/oauth-access-token.js';
import { buildAuthorizationUrl, exchangeCode, type OAuthClientCredentials, OAuthError } from './oauth-client.js';
import { findAuthorisation, savePendingFlow, takePendingFlow, updateAuthorisation } from './oauth-authorisation.repository.js';
import { gmailProvider, type OAuthMailProvider, registrationValues } from './oauth-mail-provider.js';
import { requestPromptDelivery } from '../outbox/transport-state.repository.js';

/**
 * [認証情報を取得] and the return from Google (SPEC §1.3 steps 3–6): the client is saved and
 * locked, the authorisation-code flow runs with a state bound to the admin's session and PKCE
 * S256, and the callback stores the refresh token and the account. A refused callback changes
 * nothing but the used-up state.
 */

const CODE_VERIFIER_PURPOSE = purposeOf({ table: 'oauth_authorisations', column: 'pending_code_verifier' });

/** Long enough to sign in at Google and pick the account; a state older than this is refused. */
const PENDING_FLOW_MS = 15 * 60_000;

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

export async function startGmailAuthorisation(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  body: unknown,
): Promise<{ authorizationUrl: string }> {
  if (ctx.config.managedRelay) throw new AppError('gmail.managed_mode', 409);
  const request = parseOrThrow(gmailAuthorizeRequestSchema, body);
  const provider = gmailProvider(ctx.config);
  const client = clientToUse(ctx, await readMailSettings(ctx.db), request);
  const state = oidc.randomState();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const { redirectUri } = registrationValues(ctx.config, provider);
  // Before anything is stored: an unreachable issuer leaves the settings as they were.
  const authorizationUrl = await issuerCall(() => buildAuthorizationUrl(provider, client.credentials, { redirectUri, state, codeVerifier }));

  await ctx.db.transaction().execute(async (trx) => {
    const record = await readMailSettings(trx);
    const current = clientToUse(ctx, record, request);
    if (current.changed) await saveGmailClient(trx, ctx, actor, record, current.credentials.clientId, current.secretCiphertext);
    await savePendingFlow(trx, provider.key, {
      pending_state_hash: hashState(state),
      pending_code_verifier: ctx.secrets.encrypt(codeVerifier, CODE_VERIFIER_PURPOSE),
      pending_session_id: sessionId,
      pending_started_at: ctx.clock.now().toISOString(),
    });
  });
  return { authorizationUrl };
}

interface ClientToUse {
  credentials: OAuthClientCredentials;
  secretCiphertext: string;
  /** The client differs from the stored one (and is not locked): it is saved. */
  changed: boolean;
}

/**
 * The client of the request, or the stored one when the request leaves it out. Once locked, only
 * the stored client is used: a different one is refused until 既定 is saved (SPEC §1.3 step 4).
 */
function clientToUse(ctx: AppContext, record: MailSettingsRecord, request: GmailAuthorizeRequest): ClientToUse {
  const storedId = record.settings.gmail.clientId;
  const storedSecret = record.gmailClientSecretCiphertext;
  const decryptStored = () => (storedSecret ? ctx.secrets.decrypt(storedSecret, GMAIL_CLIENT_SECRET_PURPOSE) : null);
  if (record.gmail.locked) {
    const problems: FieldProblem[] = [];
    if (request.clientId !== undefined && request.clientId !== storedId) problems.push({ path: 'clientId', code: 'settings.gmail_locked' });
    if (request.clientSecret !== undefined && request.clientSecret !== decryptStored()) problems.push({ path: 'clientSecret', code: 'settings.gmail_locked' });
    if (problems.length > 0) throw validationError(problems);
  }
  const clientId = request.clientId ?? storedId;
  // A stored secret belongs to its client ID, like a password to its server.
  const secret = request.clientSecret ?? (clientId === storedId ? decryptStored() : null);
  const problems: FieldProblem[] = [];
  if (!clientId) problems.push({ path: 'clientId', code: 'validation.required' });
  if (!secret) problems.push({ path: 'clientSecret', code: 'validation.required' });
  if (!clientId || !secret) throw validationError(problems);
  const changed = clientId !== storedId || request.clientSecret !== undefined;
  return {
    credentials: { clientId, clientSecret: secret },
    secretCiphertext: changed ? ctx.secrets.encrypt(secret, GMAIL_CLIENT_SECRET_PURPOSE) : storedSecret!,
    changed: changed && !record.gmail.locked,
  };
}

async function issuerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OAuthError) throw new AppError('gmail.issuer_unreachable', 502, { detail: issuerProblemOf(error) });
    throw error;
  }
}

/**
 * What went wrong on the way to Google, as an operator can look it up: the network's own words
 * (`connect ECONNREFUSED …`, `getaddrinfo ENOTFOUND accounts.google.com`), or Google's error code.
 * It said `unreachable`, Tayori's own name for all of them.
 */
function issuerProblemOf(error: OAuthError): string {
  if (error.error !== 'unreachable') return error.error;
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  if (cause instanceof AggregateError && cause.errors[0] instanceof Error) cause = cause.errors[0];
  return (cause instanceof Error && cause.message.split('\n')[0].slice(0, 200)) || error.error;
}

/** A refusal carries Google's error code when Google's own answer is the reason. */
export type CallbackOutcome = { authorised: true } | { authorised: false; reason: GmailCallbackRefusal; googleError?: string };

const refused = (reason: GmailCallbackRefusal, googleError?: string): CallbackOutcome => ({ authorised: false, reason, googleError: googleErrorCode(googleError) });

/** Google's answers that say to try again later (RFC 6749 §4.1.2.1); other errors say the request is wrong. */
const GOOGLE_UNAVAILABLE = new Set(['server_error', 'temporarily_unavailable']);
/** Token endpoint errors (RFC 6749 §5.2) that come from how the client is set up at Google. */
const REQUEST_REFUSED = new Set(['invalid_request', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/**
 * GET /oauth/google/callback in the session that started the flow: state (once, this session,
 * not expired), Google's own error, the code exchange with PKCE, the ID token and
 * `email_verified`. Only a full success stores anything.
 */
export async function completeGmailAuthorisation(
  ctx: AppContext,
  session: { id: string; actor: Actor } | null,
  callbackUrl: URL,
): Promise<CallbackOutcome> {
  const provider = gmailProvider(ctx.config);
  if (!session) return refused('session');
  const state = callbackUrl.searchParams.get('state');
  const flow = state ? await takePendingFlow(ctx.db, provider.key, hashState(state), session.id) : undefined;
  if (!state || !flow?.pending_code_verifier || !flow.pending_started_at) return refused('state');
  if (ctx.clock.now().getTime() - new Date(flow.pending_started_at).getTime() > PENDING_FLOW_MS) return refused('state');
  const providerError = callbackUrl.searchParams.get('error');
  if (providerError === 'access_denied') return refused('access_denied');
  if (providerError) return refused(GOOGLE_UNAVAILABLE.has(providerError) ? 'google_unavailable' : 'request_refused', providerError);

  const record = await readMailSettings(ctx.db);
  const clientSecret = record.gmailClientSecretCiphertext && ctx.secrets.decrypt(record.gmailClientSecretCiphertext, GMAIL_CLIENT_SECRET_PURPOSE);
  if (!record.settings.gmail.clientId || !clientSecret) return refused('state');
  let tokens;
  try {
    tokens = await exchangeCode(provider, { clientId: record.settings.gmail.clientId, clientSecret }, {
      url: callbackUrl,
      state,
      codeVerifier: ctx.secrets.decrypt(flow.pending_code_verifier, CODE_VERIFIER_PURPOSE),
    });
  } catch (error) {
    return refusalOf(error);
  }
  if (tokens.claims.email_verified !== true) return refused('email_unverified');
  // Google's consent screen lets the user untick Gmail: the grant is then good for nothing here.
  if (tokens.scope !== undefined && !tokens.scope.split(' ').includes(provider.sendingScope)) return refused('scope');
  const account = tokens.claims[provider.accountClaim];
  if (typeof account !== 'string' || !tokens.refreshToken) return refused('token');
  await storeAuthorisation(ctx, provider, session.actor, { ...tokens, refreshToken: tokens.refreshToken, account });
  return { authorised: true };
}

function refusalOf(error: unknown): CallbackOutcome {
  if (!(error instanceof OAuthError)) throw error;
  if (error.error === 'invalid_grant') return refused('code');
  if (error.error === 'invalid_client' || error.error === 'redirect_uri_mismatch' || error.error === 'id_token') return refused(error.error);
  if (REQUEST_REFUSED.has(error.error)) return refused('request_refused', error.error);
  if (GOOGLE_UNAVAILABLE.has(error.error)) return refused('google_unavailable', error.error);
  return refused('token');
}

async function storeAuthorisation(
  ctx: AppContext,
  provider: OAuthMailProvider,
  actor: Actor,
  tokens: { accessToken: string; expiresIn: number; refreshToken: string; account: string },
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findAuthorisation(trx, provider.key);
    await updateAuthorisation(trx, provider.key, {
      state: 'authorised',
      account_email: tokens.account,
      authorised_at: now.toISOString(),
      refresh_token: ctx.secrets.encrypt(tokens.refreshToken, REFRESH_TOKEN_PURPOSE),
      ...accessTokenColumns(ctx, tokens, now),
      updated_at: now.toISOString(),
    });
    await recordAudit(trx, ctx.clock, actor, 'gmail.authorised', 'mail_settings', {
      provider: provider.key,
      account: tokens.account,
      previousState: before?.state ?? null,
      previousAccount: before?.account_email ?? null,
    });
    if (before?.account_email && before.account_email.toLowerCase() !== tokens.account.toLowerCase()) {
      await senderFollowsGmailAccount(trx, ctx, actor, before.account_email, tokens.account);
    }
    // Mail waiting through 再認証が必要 leaves at once, on every instance.
    await requestPromptDelivery(trx);
  });
}
