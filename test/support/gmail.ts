import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { type Client, createTestApp, login, type TestApp } from './app.js';
import { type TestClock, testClock } from './clock.js';
import type { TestDialect } from './databases.js';
import { saveMailSettings, smtpSettingsForm } from './mail-settings.js';
import { type StandInGoogle, type StandInGoogleOptions, startStandInGoogle } from './stand-in-google.js';
import { writeTestCaFile } from './test-ca.js';

/** The Google account the stand-in signs in with unless a test picks another. */
export const ACCOUNT = 'owner@example.jp';

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

export interface GmailTestbed {
  t: TestApp;
  clock: TestClock;
  google: StandInGoogle;
  admin: Client;
  /** Everything the app logged, at trace level. */
  log(): string;
  close(): Promise<void>;
}

/** The app on a fresh database with Gmail pointing at a fresh stand-in Google, a test clock, and logs captured at trace level. */
export async function startGmailTestbed(
  dialect: TestDialect,
  env: Record<string, string> = {},
  googleOptions: Pick<StandInGoogleOptions, 'clientAuthMethod'> = {},
): Promise<GmailTestbed> {
  const clock = testClock();
  const google = await startStandInGoogle({ clock, redirectUri: REDIRECT_URI, ...googleOptions });
  google.signInAs(ACCOUNT);
  let log = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log += String(chunk);
      done();
    },
  });
  const t = await createTestApp(dialect, { clock, log: createLogger('trace', sink), env: { ...gmailEnv(google, writeTestCaFile()), ...env } });
  return {
    t,
    clock,
    google,
    admin: await login(t.app),
    log: () => log,
    async close() {
      await t.close();
      await google.close();
    },
  };
}

/** No secret or token the stand-in issued appears in these texts (responses, logs, the audit trail). */
export async function expectNoIssuedSecret(bed: GmailTestbed, responses: string[]): Promise<void> {
  const audit = (await bed.t.ctx.db.selectFrom('audit_log').select('details').execute()).map((row) => row.details).join('\n');
  const seen = [responses.join('\n'), bed.log(), audit].join('\n');
  // The capture really holds the requests, so the absences below mean something.
  expect(bed.log()).toContain('incoming request');
  for (const secret of bed.google.issuedSecrets) expect(seen).not.toContain(secret);
}
