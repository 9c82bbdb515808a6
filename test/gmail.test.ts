import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { REFRESH_TOKEN_PURPOSE } from '../src/server/transports/oauth-access-token.js';
import { type Client, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import type { TestClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import {
  ACCOUNT,
  authoriseGmail,
  expectNoIssuedSecret,
  type GmailTestbed,
  PUBLIC_URL,
  REDIRECT_URI,
  returnFromGoogle,
  saveGmailSettings,
  startAuthorisation,
  startGmailTestbed,
} from './support/gmail.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { closedPort } from './support/smtp-sink.js';
import type { StandInGoogle } from './support/stand-in-google.js';

describe.each(dialects())('Gmailを使用する on $name', (dialect) => {
  let bed: GmailTestbed;
  let t: TestApp;
  let clock: TestClock;
  let google: StandInGoogle;
  let admin: Client;
  let worker: OutboxWorker;
  /** Every response body the tests saw, searched for secrets at the end of each test. */
  let responses: string[];

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    bed = await startGmailTestbed(dialect);
    ({ t, clock, google } = bed);
    responses = [];
    admin = recording(bed.admin);
    worker = new OutboxWorker(t.ctx);
  });
  afterEach(async () => {
    if (dialect.skip) return;
    await worker?.stop();
    await expectNoIssuedSecret(bed, responses);
    await bed?.close();
  });

  function recording(client: Client): Client {
    return {
      ...client,
      async request(...args) {
        const response = await client.request(...args);
        responses.push(response.body);
        return response;
      },
    };
  }

  const view = async () => (await admin.request('GET', '/api/settings/mail')).json();
  const authorisationRow = () => t.ctx.db.selectFrom('oauth_authorisations').selectAll().executeTakeFirst();
  const settingsRow = () => t.ctx.db.selectFrom('mail_settings').selectAll().executeTakeFirst();
  const auditActions = async () =>
    (await t.ctx.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action).filter((action) => action !== 'user.create');

  async function deliverDue() {
    for (let pass = 0; pass < 10 && (await worker.deliverDueMails()) > 0; pass++);
  }

  it('shows what to register at Google', async () => {
    expect((await view()).gmailRegistration).toEqual({
      javascriptOrigin: PUBLIC_URL,
      redirectUri: `${PUBLIC_URL}/oauth/google/callback`,
      consoleUrl: 'https://console.cloud.google.com/apis/credentials',
    });
  });

  it('authorises over HTTP with cookies, and a mail through the outbox arrives from the authorised account', async () => {
    const authorizationUrl = new URL(await startAuthorisation(admin, { clientId: google.clientId, clientSecret: google.clientSecret }));
    expect(authorizationUrl.origin).toBe(google.issuer);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: google.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'https://mail.google.com/ openid email',
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    });
    const locked = await view();
    expect(locked.settings.gmail).toMatchObject({ clientId: google.clientId, clientSecretSet: true, locked: true, state: 'unauthorised' });

    const returnUrl = await google.consent(authorizationUrl.href);
    const callback = await returnFromGoogle(t, returnUrl, admin.cookie);
    expect(bed.log()).not.toContain(returnUrl.searchParams.get('code'));
    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe('/settings/mail?gmail=authorised');
    const authorised = await view();
    expect(authorised.settings.gmail).toMatchObject({ state: 'authorised', accountEmail: ACCOUNT, authorisedAt: clock.now().toISOString(), locked: true });
    // The callback is runtime state: an admin's open form keeps its version.
    expect(authorised.version).toBe(locked.version);

    await saveGmailSettings(admin, ACCOUNT);
    await createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'customer@example.jp', subject: 'ご注文の確認', text: '本文' });
    await deliverDue();
    expect(google.messages).toHaveLength(1);
    expect(google.messages[0]).toMatchObject({ from: ACCOUNT, to: ['customer@example.jp'], user: ACCOUNT });
    expect(google.messages[0].raw).toContain(`From: ${ACCOUNT}`);
    expect(google.refreshes).toBe(0);
    expect(await auditActions()).toEqual(['settings.mail.update', 'gmail.authorised', 'settings.mail.update']);
  });

  describe('refuses, with its reason and nothing changed', () => {
    /** Everything but the used-up pending flow: state, account, tokens, the settings row. */
    async function storedState() {
      const row = await authorisationRow();
      const { pending_state_hash: _h, pending_code_verifier: _v, pending_session_id: _s, pending_started_at: _a, ...rest } = row ?? ({} as never);
      return { authorisation: row ? rest : null, settings: await settingsRow() };
    }

    async function expectRefused(callback: URL, reason: string, cookie = admin.cookie) {
      const before = await storedState();
      const response = await returnFromGoogle(t, callback, cookie);
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(`/settings/mail?gmail=error&reason=${reason}`);
      expect(await storedState()).toEqual(before);
    }

    const consentAgain = async (body: Record<string, unknown> = {}) => google.consent(await startAuthorisation(admin, body));

    it('a tampered state', async () => {
      const callback = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
      await expectRefused(callback, 'state');
    });

    it('a state of another administrator’s session, and a callback without a session', async () => {
      const callback = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      const other = await createUserAndLogin(t.app, admin, { loginId: 'other-admin', role: 'admin' });
      await expectRefused(callback, 'state', other.cookie);
      await expectRefused(callback, 'session', '');
      // The admin's own flow was not used up by those attempts.
      expect((await returnFromGoogle(t, callback, admin.cookie)).headers.location).toBe('/settings/mail?gmail=authorised');
    });

    it('consent denied at Google', async () => {
      google.denyNextConsent();
      const callback = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      expect(callback.searchParams.get('error')).toBe('access_denied');
      await expectRefused(callback, 'access_denied');
    });

    // Before, every error but access_denied said to wait and try again; a client set up wrongly at Google never mends by waiting.
    it.for([
      { error: 'invalid_scope', reason: 'request_refused' },
      { error: 'unauthorized_client', reason: 'request_refused' },
      { error: 'temporarily_unavailable', reason: 'google_unavailable' },
      { error: 'server_error', reason: 'google_unavailable' },
    ])('Google answers $error: $reason, with Google’s code', async ({ error, reason }) => {
      google.failNextConsent(error);
      const callback = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      expect(callback.searchParams.get('error')).toBe(error);
      await expectRefused(callback, `${reason}&error=${error}`);
    });

    it('an error code from Google that is not an OAuth code is not carried to the screen', async () => {
      google.failNextConsent('access_denied');
      const callback = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      callback.searchParams.set('error', '<script>x</script>');
      await expectRefused(callback, 'request_refused');
    });

    it('a reused state and a replayed code', async () => {
      const first = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      expect((await returnFromGoogle(t, first, admin.cookie)).headers.location).toBe('/settings/mail?gmail=authorised');
      await expectRefused(first, 'state');
      const second = await consentAgain();
      second.searchParams.set('code', first.searchParams.get('code')!);
      await expectRefused(second, 'code');
    });

    it('a code exchanged with another flow’s PKCE verifier', async () => {
      const first = await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret });
      const second = await consentAgain();
      second.searchParams.set('code', first.searchParams.get('code')!);
      await expectRefused(second, 'code');
    });

    it('an account whose e-mail is not verified', async () => {
      google.signInAs({ email: 'unverified@example.jp', emailVerified: false });
      await expectRefused(await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret }), 'email_unverified');
      expect((await view()).settings.gmail).toMatchObject({ state: 'unauthorised', accountEmail: null });
    });

    it('Gmail left unticked on Google’s consent screen: the tokens could never send', async () => {
      google.untickGmailAtNextConsent();
      await expectRefused(await consentAgain({ clientId: google.clientId, clientSecret: google.clientSecret }), 'scope');
      expect((await view()).settings.gmail).toMatchObject({ state: 'unauthorised', accountEmail: null });
    });

    it('a different client while the client is locked, with a message that says to select 既定 first', async () => {
      await authoriseGmail(t, admin, google);
      const before = await storedState();
      const response = await admin.request('POST', '/api/settings/mail/gmail/authorize', { clientId: 'another.apps.googleusercontent.com', clientSecret: 'another' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toEqual([
        expect.objectContaining({ path: 'clientId', code: 'settings.gmail_locked', message: expect.stringContaining('既定のメールサーバーを使用する') }),
        expect.objectContaining({ path: 'clientSecret', code: 'settings.gmail_locked' }),
      ]);
      expect(await storedState()).toEqual(before);
    });

    it('a sender other than the authorised account', async () => {
      await authoriseGmail(t, admin, google);
      const { smtp: _smtp, ...form } = smtpSettingsForm(587);
      const response = await admin.request('PUT', '/api/settings/mail', { ...form, server: 'gmail', senderAddress: 'someone@example.jp' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toEqual([
        expect.objectContaining({ path: 'senderAddress', code: 'settings.gmail_sender_mismatch', message: expect.stringContaining(ACCOUNT) }),
      ]);
    });

    it('bad input to [認証情報を取得], with field paths', async () => {
      for (const [body, path, code] of [
        [{}, 'clientId', 'validation.required'],
        [{ clientId: 'a\r\nb', clientSecret: 's' }, 'clientId', 'validation.control_chars'],
        [{ clientId: 'x', clientSecret: 's\u0000' }, 'clientSecret', 'validation.control_chars'],
        [{ clientId: 42, clientSecret: 's' }, 'clientId', 'validation.expected_text'],
        [{ clientId: 'x'.repeat(600), clientSecret: 's' }, 'clientId', 'validation.too_long'],
        [{ clientId: 'x', clientSecret: 's', extra: 1 }, 'extra', 'validation.unknown_field'],
      ] as const) {
        const response = await admin.request('POST', '/api/settings/mail/gmail/authorize', body);
        expect(response.statusCode, JSON.stringify(body)).toBe(422);
        expect(response.json().error.fields).toContainEqual(expect.objectContaining({ path, code }));
      }
      expect(await authorisationRow()).toBeUndefined();
      expect((await view()).version).toBe(0);
    });
  });

  it('takes a client secret pasted with spaces around it as the secret itself', async () => {
    const pasted = { clientId: ` ${google.clientId} `, clientSecret: `  ${google.clientSecret} ` };
    expect(await authoriseGmail(t, admin, google, pasted)).toBe('/settings/mail?gmail=authorised');
    const blank = await admin.request('POST', '/api/settings/mail/gmail/authorize', { clientId: 'x', clientSecret: '   ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().error.fields).toContainEqual(expect.objectContaining({ path: 'clientSecret' }));
  });

  /** Asks Google for an access token with this refresh token, as anyone holding a copy of it could. */
  async function refreshAtGoogle(refreshToken: string) {
    const response = await fetch(`${google.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${google.clientId}:${google.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return { status: response.status, error: ((await response.json()) as { error?: string }).error };
  }

  it('deletes the client, tokens and account when 既定 is saved, in the same transaction, audited, and ends the grant at Google', async () => {
    await authoriseGmail(t, admin, google);
    await saveGmailSettings(admin, ACCOUNT);
    const refreshToken = t.ctx.secrets.decrypt((await authorisationRow())!.refresh_token!, REFRESH_TOKEN_PURPOSE);
    await saveMailSettings(admin, smtpSettingsForm(2525));
    // After the save has answered: the revocation does not hold it while Google is slow or away.
    await vi.waitFor(() => expect(bed.log()).toContain('revoked at Google'), { timeout: 30_000, interval: 20 });
    // Before, a copy of the token (an old backup) still read and sent the account's mail.
    expect(await refreshAtGoogle(refreshToken)).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await authorisationRow()).toBeUndefined();
    expect((await settingsRow())!.gmail_client_secret).toBeNull();
    expect((await view()).settings.gmail).toEqual({ clientId: null, clientSecretSet: false, state: 'unauthorised', locked: false, accountEmail: null, authorisedAt: null });
    const audit = (await admin.request('GET', '/api/audit?action=settings.mail.update')).json().entries[0];
    expect(audit.details.gmailCredentialsDeleted).toBe(true);
  });
});

describe.each(dialects())('a provider that takes the client secret only in the request body, on $name', (dialect) => {
  let bed: GmailTestbed;

  afterEach(async () => {
    await bed?.close();
  });

  it('authorises and sends: the client authenticates as discovery says (HTTP Basic elsewhere, the stand-in’s default)', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    bed = await startGmailTestbed(dialect, {}, { clientAuthMethod: 'client_secret_post' });
    expect(await authoriseGmail(bed.t, bed.admin, bed.google)).toBe('/settings/mail?gmail=authorised');
    await saveGmailSettings(bed.admin, ACCOUNT);
    await createMailApi(bed.t.ctx).enqueue(bed.t.ctx.db, { to: 'customer@example.jp', subject: '本文で認証', text: '本文' });
    const worker = new OutboxWorker(bed.t.ctx);
    await worker.deliverDueMails();
    await worker.stop();
    expect(bed.google.messages.map((m) => m.subject)).toEqual(['本文で認証']);
  });
});

describe.each(dialects())('Google out of reach at [認証情報を取得], on $name', (dialect) => {
  it('says so with the network’s own words, not an internal code, and stores nothing', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    const t = await createTestApp(dialect, { env: { TAYORI_GOOGLE_ISSUER: `http://127.0.0.1:${await closedPort()}`, TAYORI_PUBLIC_URL: PUBLIC_URL } });
    try {
      const admin = await login(t.app);
      const before = (await admin.request('GET', '/api/settings/mail')).json();
      const response = await admin.request('POST', '/api/settings/mail/gmail/authorize', { clientId: 'client.apps.googleusercontent.com', clientSecret: 'a-client-secret' });
      expect(response.statusCode).toBe(502);
      // Before: 「…接続できませんでした(unreachable)。」
      expect(response.json().error.message).toMatch(/^Googleの認証サーバーに接続できませんでした\(connect ECONNREFUSED 127\.0\.0\.1:\d+\)。/);
      expect((await admin.request('GET', '/api/settings/mail')).json()).toEqual(before);
    } finally {
      await t.close();
    }
  });
});
