import type { LightMyRequestResponse } from 'fastify';
import type { Client, TestApp } from './app.js';
import { saveMailSettings, smtpSettingsForm } from './mail-settings.js';
import type { StandInGoogle } from './stand-in-google.js';

/** The app's environment that points Gmail at the stand-in Google (its SMTP side trusted through the test CA). */
export function gmailEnv(google: StandInGoogle, caFile: string): Record<string, string> {
  return {
    TAYORI_PUBLIC_URL: PUBLIC_URL,
    TAYORI_GOOGLE_ISSUER: google.issuer,
    TAYORI_GMAIL_SMTP_HOST: google.smtp.host,
    TAYORI_GMAIL_SMTP_PORT: String(google.smtp.port),
    TAYORI_SMTP_CA_FILE: caFile,
  };
}

export const PUBLIC_URL = 'http://localhost:3000';
export const REDIRECT_URI = `${PUBLIC_URL}/oauth/google/callback`;

/** [認証情報を取得]: the authorisation URL the screen would send the browser to. */
export async function startAuthorisation(admin: Client, body: Record<string, unknown>): Promise<string> {
  const response = await admin.request('POST', '/api/settings/mail/gmail/authorize', body);
  if (response.statusCode !== 200) throw new Error(`authorize failed: ${response.statusCode} ${response.body}`);
  return response.json().authorizationUrl;
}

/** The browser arriving back from Google at the callback, with the admin's cookie. */
export function returnFromGoogle(t: TestApp, callback: URL, cookie: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie } });
}

/** The whole flow: client entered, consent at Google, back at the callback; returns the redirect's Location. */
export async function authoriseGmail(t: TestApp, admin: Client, google: StandInGoogle, body?: Record<string, unknown>): Promise<string> {
  const url = await startAuthorisation(admin, body ?? { clientId: google.clientId, clientSecret: google.clientSecret });
  const back = await returnFromGoogle(t, await google.consent(url), admin.cookie);
  return String(back.headers.location);
}

/** [設定完了] with Gmail chosen and the sender given. */
export async function saveGmailSettings(admin: Client, senderAddress: string): Promise<void> {
  const { smtp: _smtp, ...form } = smtpSettingsForm(587);
  await saveMailSettings(admin, { ...form, server: 'gmail', senderAddress });
}
