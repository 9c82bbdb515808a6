import type { Config } from '../config.js';

/**
 * An OAuth 2.0 provider whose mailboxes Tayori sends through with XOAUTH2. Everything that
 * differs between providers is here, so a second one (Microsoft 365) is another value of this
 * shape plus a choice on the screen, not new code.
 */
export interface OAuthMailProvider {
  /** Row of oauth_authorisations and name of its refresh lease. */
  key: string;
  /** OpenID Connect discovery (`<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  scopes: string[];
  /** The scope XOAUTH2 needs: a grant without it cannot send (Google lets the user untick it). */
  sendingScope: string;
  /** Extra parameters of the authorisation request. */
  authorizationParams: Record<string, string>;
  /** The ID-token claim that names the mailbox the tokens are for. */
  accountClaim: string;
  /** Where the redirect comes back to, under TAYORI_PUBLIC_URL; registered at the provider, so it never changes. */
  callbackPath: string;
  /** Where the admin creates the OAuth client. */
  consoleUrl: string;
  smtp: { host: string; port: number };
}

export const GMAIL_CALLBACK_PATH = '/oauth/google/callback';
export const GMAIL_PROVIDER_KEY = 'google';
const GMAIL_SENDING_SCOPE = 'https://mail.google.com/';

/** Gmail: Google's OpenID Connect issuer, the full-mail scope XOAUTH2 needs, smtp.gmail.com. */
export function gmailProvider(config: Pick<Config, 'google' | 'gmailSmtp'>): OAuthMailProvider {
  return {
    key: GMAIL_PROVIDER_KEY,
    issuer: config.google.issuer,
    scopes: [GMAIL_SENDING_SCOPE, 'openid', 'email'],
    sendingScope: GMAIL_SENDING_SCOPE,
    // offline: a refresh token; consent: asked every time, so Google issues a refresh token again on 再認証.
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
    accountClaim: 'email',
    callbackPath: GMAIL_CALLBACK_PATH,
    consoleUrl: 'https://console.cloud.google.com/apis/credentials',
    smtp: config.gmailSmtp,
  };
}

/** The values registered at the provider (SPEC §1.3 step 1). */
export function registrationValues(config: Pick<Config, 'publicUrl' | 'publicOrigin'>, provider: OAuthMailProvider) {
  return {
    javascriptOrigin: config.publicOrigin,
    redirectUri: `${config.publicUrl}${provider.callbackPath}`,
    consoleUrl: provider.consoleUrl,
  };
}
