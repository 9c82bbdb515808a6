import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { SMTPServer } from 'smtp-server';
import sasl from 'smtp-server/lib/sasl.js';
import type { Clock } from '../../src/server/clock.js';
import { testCertificates } from './test-ca.js';

/**
 * A stand-in Google for tests: a real OAuth 2.0 / OpenID Connect server (oidc-provider) made to
 * behave like accounts.google.com, and a real SMTP server that speaks XOAUTH2 like
 * smtp.gmail.com and accepts only live access tokens of that provider for the right account.
 *
 *   const google = await startStandInGoogle({ clock, redirectUri: `${publicUrl}/oauth/google/callback` });
 *   google.signInAs('owner@example.jp');            // the account the "browser" picks at Google
 *   const url = … authorizationUrl from the app …;
 *   const callback = await google.consent(url);     // the app's callback URL with code and state
 *   google.refreshes                                // refresh-token grants the provider answered
 *   await google.revokeAccess('owner@example.jp');   // the user removes the app's access
 *
 * Like Google: PKCE required, `access_type=offline` (and only then) gives a refresh token, no
 * refresh-token rotation unless `rotateRefreshTokens`, `email` / `email_verified` in the ID
 * token, revocation ends the whole grant, Google's error bodies. Access tokens live
 * `accessTokenSeconds` by the test's clock (not by wall time), so a test moves time to expire
 * them, and the SMTP side refuses an expired one.
 */

export const GMAIL_SCOPE = 'https://mail.google.com/';

export interface StandInAccount {
  email: string;
  emailVerified?: boolean;
  /** The account may not use Gmail: its fresh tokens are refused at SMTP like a disabled Gmail. */
  gmailDisabled?: boolean;
}

export interface StandInGoogleOptions {
  clock: Clock;
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of an access token, by the test clock (Google: 3600). */
  accessTokenSeconds?: number;
  /** Google keeps refresh tokens; the rotating mode returns a new one on every refresh. */
  rotateRefreshTokens?: boolean;
  /**
   * How the client must authenticate at the token endpoint, and the only way discovery offers:
   * HTTP Basic by default (RFC 6749's and oidc-provider's default; Google takes both).
   */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface StandInGoogle {
  issuer: string;
  clientId: string;
  clientSecret: string;
  smtp: { host: '127.0.0.1'; port: number };
  /** Refresh-token grants answered with new tokens (successful refreshes). */
  readonly refreshes: number;
  /** Refresh-token grants refused (invalid_grant and the like). */
  readonly refusedRefreshes: number;
  /** Fetches of its signing keys (jwks_uri). */
  readonly keyFetches: number;
  /** SMTP connections opened so far. */
  readonly smtpConnections: number;
  /**
   * Holds every token-endpoint request until released, so a test can line up concurrent
   * callers: `waiting` tells how many are held.
   */
  holdTokenRequests(): { readonly waiting: number; release(): void };
  /** Holds the answers of this grant type, decided by the provider but not yet sent, until released. */
  holdTokenAnswers(grantType: 'refresh_token' | 'authorization_code'): { readonly waiting: number; release(): void };
  /** Every access token the SMTP side accepted, in order. */
  readonly acceptedAccessTokens: string[];
  /** How many XOAUTH2 logins the SMTP side refused (expired, revoked, wrong account, Gmail disabled). */
  readonly refusedLogins: number;
  /** Every token and secret the provider issued, for tests that search logs for them. */
  readonly issuedSecrets: string[];
  /** The account the user signs in with at the next consent screen. */
  signInAs(account: StandInAccount | string): void;
  /** Refuse the next consent (the user presses キャンセル): the app receives access_denied. */
  denyNextConsent(): void;
  /** Google answers the next authorisation request with this OAuth error (`invalid_scope`, `server_error`, …). */
  failNextConsent(error: string): void;
  /**
   * At the next consent the user unticks Gmail on Google's granular consent screen: the grant
   * has only `openid email`, the token answer says so in `scope`, and Gmail refuses its tokens.
   */
  untickGmailAtNextConsent(): void;
  rotateRefreshTokens(on: boolean): void;
  /** Follows an authorisation URL like a browser until Google redirects back; returns that URL. */
  consent(authorizationUrl: string): Promise<URL>;
  /** The user removes the app's access to the account: every token of every grant dies. */
  revokeAccess(email: string): Promise<void>;
  /** The OAuth client is deleted in the console: Google answers every token request `401 deleted_client`. */
  deleteClient(): void;
  /** Messages that arrived through the Gmail SMTP side. */
  readonly messages: { from: string; to: string[]; user: string; subject: string | undefined; raw: string }[];
  close(): Promise<void>;
}

interface IssuedAccessToken {
  issuedAt: number;
}

/** Where held token requests wait until a test opens it. */
interface Gate {
  gate: Promise<void>;
  open: () => void;
  waiting: number;
}

function newGate(): Gate {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  return { gate, open: () => open(), waiting: 0 };
}

const controlsOf = (held: Gate, stopHolding: () => void) => ({
  get waiting() {
    return held.waiting;
  },
  release() {
    stopHolding();
    held.open();
  },
});

const SMTP_HOSTNAME = 'smtp.gmail.example';

export async function startStandInGoogle(options: StandInGoogleOptions): Promise<StandInGoogle> {
  const clientId = options.clientId ?? `${randomBytes(6).toString('hex')}-test.apps.googleusercontent.com`;
  const clientSecret = options.clientSecret ?? `GOCSPX-${randomBytes(18).toString('base64url')}`;
  const accessTokenSeconds = options.accessTokenSeconds ?? 3600;
  const accounts = new Map<string, StandInAccount>();
  const offlineGrants = new Set<string>();
  const grantsOf = new Map<string, string[]>();
  const accessTokens = new Map<string, IssuedAccessToken>();
  const issuedSecrets: string[] = [clientSecret];
  const acceptedAccessTokens: string[] = [];
  const messages: StandInGoogle['messages'] = [];
  let nextAccount: StandInAccount = { email: 'owner@example.jp', emailVerified: true };
  let nextConsentError: string | null = null;
  let untickGmailNext = false;
  /** Grants whose consent left Gmail unticked. */
  const grantsWithoutGmail = new Set<string>();
  let rotate = options.rotateRefreshTokens ?? false;
  let refreshes = 0;
  let refusedRefreshes = 0;
  let hold: Gate | null = null;
  let answerHold: (Gate & { grantType: string }) | null = null;
  const smtpCounter = { connections: 0, refusedLogins: 0 };

  const http = createServer();
  const port = await listen(http);
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    // Its own signing key, as Google has: without one oidc-provider warns of development keys.
    jwks: { keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: options.clientAuthMethod ?? 'client_secret_basic',
      },
    ],
    clientAuthMethods: [options.clientAuthMethod ?? 'client_secret_basic'],
    pkce: { required: () => true },
    scopes: ['openid', 'email', GMAIL_SCOPE],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // Google puts email and email_verified in the ID token itself.
    conformIdTokenClaims: false,
    extraParams: ['access_type'],
    findAccount: async (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.email, email_verified: account.emailVerified ?? true }),
      };
    },
    // Like Google: a refresh token only when the authorisation asked for access_type=offline.
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && offlineGrants.has(code.grantId!),
    rotateRefreshToken: () => rotate,
    ttl: { AccessToken: accessTokenSeconds, AuthorizationCode: 600, IdToken: 3600, Interaction: 3600, Session: 3600, Grant: 86400 * 365, RefreshToken: 86400 * 365 },
    features: {
      devInteractions: { enabled: false },
      // Only the client a token was issued to may revoke it.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      // The Gmail scope is a resource scope: it reaches the access token only through a resource indicator.
      resourceIndicators: {
        enabled: true,
        defaultResource: () => GMAIL_SCOPE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: GMAIL_SCOPE, accessTokenFormat: 'opaque', accessTokenTTL: accessTokenSeconds }),
      },
    },
    cookies: { keys: [randomBytes(16).toString('hex')] },
  });
  provider.on('server_error', () => {});
  provider.use(heldAnswers);
  provider.use(googleLikeTokenEndpoint);

  /** Counts refreshes, records what was issued, and answers errors with Google's bodies. */
  async function googleLikeTokenEndpoint(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
    await next();
    if (ctx.path !== '/token') return;
    const grantType = ctx.oidc?.params?.grant_type as string | undefined;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body) return;
    if (typeof body.error === 'string') {
      if (grantType === 'refresh_token') refusedRefreshes++;
      ctx.body = googleErrorBody(body.error, grantType);
      return;
    }
    if (grantType === 'refresh_token') {
      refreshes++;
      // Google answers a refresh without a refresh token; only the rotating mode sends a new one.
      if (!rotate) delete body.refresh_token;
    }
    for (const key of ['access_token', 'refresh_token', 'id_token'] as const) {
      if (typeof body[key] === 'string') issuedSecrets.push(body[key] as string);
    }
    if (typeof body.access_token === 'string') {
      accessTokens.set(body.access_token, { issuedAt: options.clock.now().getTime() });
      const token = await provider.AccessToken.find(body.access_token);
      // What Google answers for a grant whose Gmail box was unticked.
      if (token?.grantId && grantsWithoutGmail.has(token.grantId)) body.scope = 'openid https://www.googleapis.com/auth/userinfo.email';
    }
  }

  /** Holds answers of the grant type asked for: decided by the provider, not yet sent. */
  async function heldAnswers(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
    await next();
    const held = answerHold;
    if (!held || ctx.path !== '/token' || ctx.oidc?.params?.grant_type !== held.grantType) return;
    held.waiting++;
    await held.gate;
  }

  let keyFetches = 0;
  let clientDeleted = false;
  http.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/jwks') keyFetches++;
    if (req.url === '/token' && clientDeleted) {
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'deleted_client', error_description: 'The OAuth client was deleted.' }));
      return;
    }
    if (req.url === '/token' && hold) {
      const held = hold;
      held.waiting++;
      await held.gate;
    }
    if (req.url?.startsWith('/interaction/')) {
      finishInteraction(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    provider.callback()(req, res);
  });

  /** The Google sign-in and consent pages, answered at once for the account chosen by the test. */
  async function finishInteraction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (nextConsentError) {
      const error = nextConsentError;
      nextConsentError = null;
      await provider.interactionFinished(req, res, { error, error_description: `stand-in Google: ${error}` }, { mergeWithLastSubmission: false });
      return;
    }
    const account = nextAccount;
    const accountId = `sub-${Buffer.from(account.email).toString('hex')}`;
    accounts.set(accountId, account);
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
    // The consent screen grants what was asked: `https://mail.google.com/` is both a scope the
    // client asks for and the scope of the Gmail resource the access token is for.
    grant.addOIDCScope(['openid', 'email', GMAIL_SCOPE]);
    grant.addResourceScope(GMAIL_SCOPE, GMAIL_SCOPE);
    const grantId = await grant.save();
    if (details.params.access_type === 'offline') offlineGrants.add(grantId);
    if (untickGmailNext) grantsWithoutGmail.add(grantId);
    untickGmailNext = false;
    grantsOf.set(account.email, [...(grantsOf.get(account.email) ?? []), grantId]);
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  /** Accepts an access token only while it is live at the provider and by the test clock, for its own account. */
  async function accountOfLiveToken(accessToken: string): Promise<StandInAccount | null> {
    const issued = accessTokens.get(accessToken);
    if (!issued || options.clock.now().getTime() >= issued.issuedAt + accessTokenSeconds * 1000) return null;
    const token = await provider.AccessToken.find(accessToken);
    if (!token || !token.scopes.has(GMAIL_SCOPE) || grantsWithoutGmail.has(token.grantId!)) return null;
    return accounts.get(token.accountId) ?? null;
  }

  const smtp = gmailLikeSmtpServer({ accountOfLiveToken, acceptedAccessTokens, messages, counter: smtpCounter });
  smtp.on('error', () => {}); // a client hanging up mid-handshake is part of these tests
  const smtpPort = await listen(smtp.server as Server);

  const cookies = new Map<string, string>();
  return {
    issuer,
    clientId,
    clientSecret,
    smtp: { host: '127.0.0.1', port: smtpPort },
    get refreshes() {
      return refreshes;
    },
    get refusedRefreshes() {
      return refusedRefreshes;
    },
    get keyFetches() {
      return keyFetches;
    },
    get smtpConnections() {
      return smtpCounter.connections;
    },
    get refusedLogins() {
      return smtpCounter.refusedLogins;
    },
    holdTokenRequests() {
      hold = newGate();
      return controlsOf(hold, () => (hold = null));
    },
    holdTokenAnswers(grantType) {
      answerHold = { ...newGate(), grantType };
      return controlsOf(answerHold, () => (answerHold = null));
    },
    acceptedAccessTokens,
    issuedSecrets,
    messages,
    signInAs(account) {
      nextAccount = typeof account === 'string' ? { email: account, emailVerified: true } : account;
      // Another account is picked in a browser without the session of the one before.
      cookies.clear();
    },
    denyNextConsent() {
      nextConsentError = 'access_denied';
    },
    failNextConsent(error) {
      nextConsentError = error;
    },
    untickGmailAtNextConsent() {
      untickGmailNext = true;
    },
    rotateRefreshTokens(on) {
      rotate = on;
    },
    deleteClient() {
      clientDeleted = true;
    },
    async consent(authorizationUrl) {
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (url.origin !== issuer) return url;
        const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(cookies) } });
        for (const cookie of response.headers.getSetCookie()) rememberCookie(cookies, cookie);
        const location = response.headers.get('location');
        if (!location) throw new Error(`the stand-in Google answered ${response.status} without a redirect: ${await response.text()}`);
        url = new URL(location, url);
      }
      throw new Error('too many redirects at the stand-in Google');
    },
    async revokeAccess(email) {
      for (const grantId of grantsOf.get(email) ?? []) {
        await provider.AccessToken.adapter.revokeByGrantId(grantId);
        await provider.Grant.adapter.destroy(grantId);
      }
      grantsOf.delete(email);
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };

}

/** Google's token-endpoint error bodies (what its documentation and real answers show). */
function googleErrorBody(error: string, grantType: string | undefined) {
  if (error === 'invalid_grant' && grantType === 'refresh_token') return { error, error_description: 'Token has been expired or revoked.' };
  if (error === 'invalid_grant') return { error, error_description: 'Bad Request' };
  if (error === 'invalid_client') return { error, error_description: 'Unauthorized' };
  return { error, error_description: 'Bad Request' };
}

interface GmailSmtpSide {
  accountOfLiveToken(accessToken: string): Promise<StandInAccount | null>;
  acceptedAccessTokens: string[];
  messages: StandInGoogle['messages'];
  counter: { connections: number; refusedLogins: number };
}

// smtp-server answers the step after the XOAUTH2 challenge with a reply of its own; Gmail's is this one.
sasl.XOAUTH2_error = function (this: { send(code: number, lines: string[]): void }, _data: unknown, callback: () => void) {
  this.send(535, ['5.7.8 Username and Password not accepted. For more information, go to', '5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp']);
  callback();
};

/**
 * smtp.gmail.com as seen by a client on port 587 (tests cannot listen on 465): STARTTLS before
 * AUTH, AUTH XOAUTH2 only, Gmail's replies.
 */
function gmailLikeSmtpServer(side: GmailSmtpSide) {
  const certificate = testCertificates().trusted;
  return new SMTPServer({
    secure: false,
    allowInsecureAuth: false,
    name: SMTP_HOSTNAME,
    key: certificate.key,
    cert: certificate.cert,
    authMethods: ['XOAUTH2'],
    logger: false,
    disableReverseLookup: true,
    onConnect(_session, callback) {
      side.counter.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      side
        .accountOfLiveToken(auth.accessToken ?? '')
        .then((account) => {
          if (account && !account.gmailDisabled && account.email === auth.username) {
            side.acceptedAccessTokens.push(auth.accessToken!);
            return callback(null, { user: account.email });
          }
          // Gmail's challenge for a token it does not accept: 334 and this JSON in base64.
          side.counter.refusedLogins++;
          callback(null, { data: { status: '401', schemes: 'bearer', scope: GMAIL_SCOPE } } as never);
        })
        .catch((error) => callback(error));
    },
    onMailFrom(address, session, callback) {
      // Gmail sends only as the authorised account; this stand-in refuses any other sender outright.
      if (address.address !== session.user) {
        return callback(Object.assign(new Error('5.7.1 Sender address rejected: not owned by user - gsmtp'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        simpleParser(raw)
          .then((parsed) => {
            side.messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              user: String(session.user),
              subject: parsed.subject,
              raw,
            });
            callback(null);
          })
          .catch(callback);
      });
    },
  });
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

function rememberCookie(cookies: Map<string, string>, setCookie: string) {
  const [pair] = setCookie.split(';');
  const index = pair.indexOf('=');
  const name = pair.slice(0, index).trim();
  const value = pair.slice(index + 1).trim();
  if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie)) cookies.delete(name);
  else cookies.set(name, value);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
