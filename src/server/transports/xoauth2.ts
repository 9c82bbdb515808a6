import type SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { AppContext } from '../context.js';
import type { OAuthMailProvider } from '../google/oauth-mail-provider.js';
import { withoutCredentials } from './credential-echo.js';
import { TransportFaultError } from './faults.js';
import { AUTHORISATION_REPLACED_FAULT, currentAccessToken, REAUTHORISATION_FAULT, reportReauthorisationRequired } from './oauth-access-token.js';

type AuthContext = SMTPConnection.CustomAuthenticationContext;

/**
 * SASL XOAUTH2 as nodemailer's custom authentication, so every connection (a pooled one too)
 * asks the token source for a live token when it logs in, instead of nodemailer keeping a copy
 * that it would renew only after a refusal. A refused token is replaced by a fresh one once; a
 * fresh token refused as well means the authorisation itself is gone: 再認証が必要.
 */
export function xoauth2Login(ctx: AppContext, provider: OAuthMailProvider) {
  return async (auth: AuthContext): Promise<void> => {
    const user = auth.auth.credentials.user;
    const token = await currentAccessToken(ctx, provider);
    if ((await offerToken(auth, user, token)) === null) return;
    const fresh = await currentAccessToken(ctx, provider, { refused: token });
    const refusal = await offerToken(auth, user, fresh);
    if (refusal === null) return;
    const marked = await reportReauthorisationRequired(ctx, provider, 'fresh_token_refused', refusal, { accessToken: fresh });
    throw new TransportFaultError({ ...(marked ? REAUTHORISATION_FAULT : AUTHORISATION_REPLACED_FAULT), reply: refusal });
  };
}

/** AUTH XOAUTH2 with the token: null when accepted, else the server's final refusal. */
async function offerToken(auth: AuthContext, user: string, token: string): Promise<string | null> {
  const initial = Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
  let reply = await auth.sendCommand(`AUTH XOAUTH2 ${initial}`);
  // Gmail answers a token it refuses with 334 and an error document; the client sends an empty line to get the final reply.
  if (statusOf(reply) === 334) reply = await auth.sendCommand('');
  const status = statusOf(reply);
  if (status === 235) return null;
  // A server that quotes the command it refuses would put the token in the log and on the screen.
  const response = withoutCredentials(reply.response, [initial, token]);
  if (status >= 500) return response;
  // 4xx (e.g. 454 4.7.0, too many logins) is not about the token: reported as the server's reply.
  throw Object.assign(new Error(`AUTH XOAUTH2 failed: ${response}`), { response, responseCode: status });
}

/** nodemailer leaves `status` 0 for a multi-line reply (`535-5.7.8 …`); the first three digits say it. */
const statusOf = (reply: SMTPConnection.CustomAuthenticationResponse) => Number(/^\d{3}/.exec(reply.response)?.[0] ?? 0);
