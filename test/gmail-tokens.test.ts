import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext } from '../src/server/bootstrap.js';
import type { AppContext } from '../src/server/context.js';
import { gmailProvider } from '../src/server/google/oauth-mail-provider.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { readMailSettings } from '../src/server/settings/mail-settings.record.js';
import { resolveDeliveryTarget, type SmtpTarget } from '../src/server/transports/delivery-target.js';
import { currentAccessToken, REFRESH_TOKEN_PURPOSE, reportReauthorisationRequired } from '../src/server/transports/oauth-access-token.js';
import { createSmtpTransport } from '../src/server/transports/smtp-transport.js';
import type { Client, TestApp } from './support/app.js';
import type { TestClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { ACCOUNT, authoriseGmail, expectNoIssuedSecret, type GmailTestbed, saveGmailSettings, startGmailTestbed } from './support/gmail.js';
import type { StandInGoogle } from './support/stand-in-google.js';

/** The stand-in's tokens live an hour, like Google's; Tayori renews them 5 minutes before. */
const PAST_RENEWAL_MS = 56 * 60_000;

describe.each(dialects())('Gmail access tokens on $name', (dialect) => {
  let bed: GmailTestbed;
  let t: TestApp;
  let clock: TestClock;
  let google: StandInGoogle;
  let admin: Client;
  const workers: OutboxWorker[] = [];

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    bed = await startGmailTestbed(dialect, { TAYORI_OUTBOX_RETRY_BASE_MS: '1000', TAYORI_OUTBOX_RETRY_MAX_MS: '1000' });
    ({ t, clock, google, admin } = bed);
  });
  afterEach(async () => {
    if (dialect.skip) return;
    for (const worker of workers.splice(0)) await worker.stop();
    await expectNoIssuedSecret(bed, []);
    await bed?.close();
  });

  const enqueue = (subject: string) => createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'customer@example.jp', subject, text: '本文' });
  const subjects = () => google.messages.map((m) => m.subject);
  const deliveries = async (query = '') => (await admin.request('GET', `/api/mail/deliveries${query}`)).json().deliveries;
  const health = async () => (await admin.request('GET', '/api/health')).json();
  const auditCount = async (action: string) => (await t.ctx.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length;

  /** A worker pass on new connections, as after the pool's idle timeout: every send logs in again. */
  async function passWithNewConnections(ctx: AppContext = t.ctx) {
    const worker = new OutboxWorker(ctx);
    workers.push(worker);
    for (let pass = 0; pass < 10 && (await worker.deliverDueMails()) > 0; pass++);
    await worker.stop();
  }

  async function authorisedAndSaved() {
    expect(await authoriseGmail(t, admin, google)).toBe('/settings/mail?gmail=authorised');
    await saveGmailSettings(admin, ACCOUNT);
  }

  async function gmailTarget(): Promise<SmtpTarget> {
    const resolution = resolveDeliveryTarget(t.ctx, await readMailSettings(t.ctx.db));
    if (!resolution.ok) throw new Error(`no Gmail target: ${resolution.fault.code}`);
    return resolution.target;
  }

  /** Sends at once from each context, holding Google's token endpoint until every send has connected. */
  async function concurrentSends(senders: AppContext[], target: SmtpTarget) {
    const connectionsBefore = google.smtpConnections;
    const tokenEndpoint = google.holdTokenRequests();
    const sends = senders.map((ctx, i) => {
      const transport = createSmtpTransport(ctx, target, { pool: false });
      return transport.sendMail({ from: target.from, to: 'customer@example.jp', subject: `同時送信 ${i}`, text: 'x' }).finally(() => transport.close());
    });
    // Every send is connected and waiting for a token while the one refresh is held at Google.
    await vi.waitFor(() => {
      expect(google.smtpConnections - connectionsBefore).toBe(senders.length);
      expect(tokenEndpoint.waiting).toBeGreaterThanOrEqual(1);
    }, { timeout: 30_000, interval: 20 });
    tokenEndpoint.release();
    return Promise.all(sends);
  }

  it('refreshes shortly before expiry, once per expiry, never with an expired token at Gmail', async () => {
    await authorisedAndSaved();
    await enqueue('一通目');
    await passWithNewConnections();
    expect(google.refreshes).toBe(0);

    for (const [round, subject] of [[1, '二通目'], [2, '三通目']] as const) {
      clock.advance(PAST_RENEWAL_MS);
      await enqueue(subject);
      await passWithNewConnections();
      expect(google.refreshes).toBe(round);
    }
    expect(subjects()).toEqual(['一通目', '二通目', '三通目']);
    expect(new Set(google.acceptedAccessTokens).size).toBe(3);
    // The keys are fetched to check the ID token the code came with; a refresh needs none of them.
    expect(google.keyFetches).toBe(1);
    // Renewed before use: Gmail never had to refuse an expired token first.
    expect(google.refusedLogins).toBe(0);
    expect(google.refusedRefreshes).toBe(0);
  });

  it('shares one refresh among 20 concurrent sends', async () => {
    await authorisedAndSaved();
    const target = await gmailTarget();
    clock.advance(PAST_RENEWAL_MS);
    await concurrentSends(Array.from({ length: 20 }, () => t.ctx), target);
    expect(google.refreshes).toBe(1);
    expect(google.messages).toHaveLength(20);
    expect(new Set(google.acceptedAccessTokens).size).toBe(1);
  });

  it('shares one refresh between two instances on one database', async () => {
    await authorisedAndSaved();
    const target = await gmailTarget();
    const other = createContext(t.ctx.config, { clock, log: t.ctx.log });
    try {
      clock.advance(PAST_RENEWAL_MS);
      await concurrentSends([...Array(10).fill(t.ctx), ...Array(10).fill(other)], target);
    } finally {
      await other.database.close();
    }
    expect(google.refreshes).toBe(1);
    expect(google.messages).toHaveLength(20);
  });

  it('stores and uses the new refresh token when the provider rotates them', async () => {
    google.rotateRefreshTokens(true);
    await authorisedAndSaved();
    const storedRefreshToken = async () => {
      const row = await t.ctx.db.selectFrom('oauth_authorisations').select('refresh_token').executeTakeFirstOrThrow();
      return t.ctx.secrets.decrypt(row.refresh_token!, REFRESH_TOKEN_PURPOSE);
    };
    const first = await storedRefreshToken();
    const provider = gmailProvider(t.ctx.config);
    clock.advance(PAST_RENEWAL_MS);
    await currentAccessToken(t.ctx, provider);
    const second = await storedRefreshToken();
    expect(second).not.toBe(first);
    clock.advance(PAST_RENEWAL_MS);
    await currentAccessToken(t.ctx, provider);
    expect(google.refreshes).toBe(2);
    expect(google.refusedRefreshes).toBe(0);
    expect(await storedRefreshToken()).not.toBe(second);
  });

  it('a revoked authorisation: 再認証が必要 at once, mail waits, one alert; authorising again delivers it once', async () => {
    await authorisedAndSaved();
    await google.revokeAccess(ACCOUNT);
    clock.advance(PAST_RENEWAL_MS);
    await enqueue('待機するメール');
    await passWithNewConnections();

    const settings = await admin.request('GET', '/api/settings/mail');
    expect(settings.statusCode).toBe(200);
    expect(settings.json().settings.gmail).toMatchObject({ state: 'reauth_required', accountEmail: ACCOUNT, locked: true });
    expect((await health()).transport).toMatchObject({ state: 'failing', banner: true });
    expect((await health()).transport.reason.message).toContain('再認証');
    expect((await deliveries('?kind=app'))[0].state).toBe('queued');
    clock.advance(60_000);
    await passWithNewConnections();
    expect(await deliveries('?kind=alert')).toHaveLength(1);
    expect(await auditCount('gmail.reauth_required')).toBe(1);
    expect(google.refusedRefreshes).toBe(1);

    expect(await authoriseGmail(t, admin, google, {})).toBe('/settings/mail?gmail=authorised');
    expect((await admin.request('GET', '/api/settings/mail')).json().settings.gmail.state).toBe('authorised');
    // Authorising again ends the workers' back-off: the waiting mail leaves at the next pass.
    await passWithNewConnections();
    expect(subjects().filter((s) => s?.includes('待機するメール'))).toHaveLength(1);
    expect((await deliveries('?kind=app'))[0].state).toBe('sent');
    expect((await health()).transport).toMatchObject({ state: 'ok', banner: false });
  });

  it('a deleted OAuth client: the banner at once, saying to choose 既定 and set Gmail up again (再認証 cannot help)', async () => {
    await authorisedAndSaved();
    google.deleteClient();
    clock.advance(PAST_RENEWAL_MS);
    await enqueue('クライアント削除後のメール');
    await passWithNewConnections();
    const { transport } = await health();
    expect(transport).toMatchObject({ state: 'failing', banner: true, reason: { code: 'gmail.refresh_invalid_client' } });
    expect(transport.reason.message).toContain('deleted_client');
    expect(transport.reason.message).toContain('「既定のメールサーバーを使用する」');
    expect((await deliveries('?kind=app'))[0]).toMatchObject({ state: 'queued', attempts: 0 });
  });

  describe('an authorisation completed while an older one was failing or refreshing stands', () => {
    const NEW_ACCOUNT = 'new-owner@example.jp';
    const gmailView = async () => (await admin.request('GET', '/api/settings/mail')).json().settings;

    /** Starts a refresh of the stored authorisation and holds Google's answer until the admin has authorised again. */
    async function authoriseAgainDuringRefresh(account: string) {
      const refreshAnswers = google.holdTokenAnswers('refresh_token');
      const token = currentAccessToken(t.ctx, gmailProvider(t.ctx.config)).catch((error: unknown) => error);
      await vi.waitFor(() => expect(refreshAnswers.waiting).toBe(1), { timeout: 30_000, interval: 20 });
      google.signInAs(account);
      expect(await authoriseGmail(t, admin, google, {})).toBe('/settings/mail?gmail=authorised');
      refreshAnswers.release();
      return token;
    }

    it('the old refresh token’s invalid_grant, answered after 再認証, does not undo it', async () => {
      await authorisedAndSaved();
      await google.revokeAccess(ACCOUNT);
      clock.advance(PAST_RENEWAL_MS);
      expect(typeof (await authoriseAgainDuringRefresh(ACCOUNT))).toBe('string');
      expect(google.refusedRefreshes).toBe(1);
      expect((await gmailView()).gmail.state).toBe('authorised');
      expect(await auditCount('gmail.reauth_required')).toBe(0);
      await enqueue('再認証の後のメール');
      await passWithNewConnections();
      expect(subjects()).toEqual(['再認証の後のメール']);
    });

    it('authorised again as another account: its tokens are not overwritten by the old account’s refresh, and the sender follows it', async () => {
      await authorisedAndSaved();
      clock.advance(PAST_RENEWAL_MS);
      expect(typeof (await authoriseAgainDuringRefresh(NEW_ACCOUNT))).toBe('string');
      expect(google.refreshes).toBe(1);
      expect(await gmailView()).toMatchObject({ gmail: { state: 'authorised', accountEmail: NEW_ACCOUNT }, senderAddress: NEW_ACCOUNT });
      await enqueue('新しいアカウントから');
      await passWithNewConnections();
      expect(google.messages).toMatchObject([{ from: NEW_ACCOUNT, user: NEW_ACCOUNT, subject: '新しいアカウントから' }]);
      expect(google.refusedLogins).toBe(0);
      const audits = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'settings.mail.update').execute();
      expect(audits.map((entry) => JSON.parse(entry.details!).reason)).toContain('gmail_account_changed');
    });

    it('a token Gmail refused that is no longer the stored one marks nothing; the stored one’s refusal does', async () => {
      await authorisedAndSaved();
      const provider = gmailProvider(t.ctx.config);
      const refused = (accessToken: string) => reportReauthorisationRequired(t.ctx, provider, 'fresh_token_refused', '535-5.7.8 refused', { accessToken });
      const older = await currentAccessToken(t.ctx, provider);
      expect(await authoriseGmail(t, admin, google, {})).toBe('/settings/mail?gmail=authorised');
      expect(await refused(older)).toBe(false);
      expect((await gmailView()).gmail.state).toBe('authorised');
      expect(await refused(await currentAccessToken(t.ctx, provider))).toBe(true);
      expect((await gmailView()).gmail.state).toBe('reauth_required');
      expect(await auditCount('gmail.reauth_required')).toBe(1);
    });
  });

  it('Gmail refusing a fresh token: 再認証が必要 after one refresh, with Gmail’s reply in the reason', async () => {
    google.signInAs({ email: ACCOUNT, gmailDisabled: true });
    await authorisedAndSaved();
    await enqueue('届かないメール');
    await passWithNewConnections();
    expect(google.refreshes).toBe(1);
    expect(google.messages).toHaveLength(0);
    expect((await admin.request('GET', '/api/settings/mail')).json().settings.gmail.state).toBe('reauth_required');
    const transport = (await health()).transport;
    expect(transport).toMatchObject({ state: 'failing', banner: true });
    expect(transport.reason.reply).toContain('535');
    expect(await auditCount('gmail.reauth_required')).toBe(1);
  });

  it('[接続テスト] and [テストメール送信] use the stored tokens: the test sends nothing, the test mail arrives', async () => {
    await authorisedAndSaved();
    const check = await admin.request('POST', '/api/settings/mail/test-connection', { server: 'gmail' });
    expect(check.json()).toMatchObject({ ok: true });
    expect(google.messages).toHaveLength(0);
    expect(google.acceptedAccessTokens).toHaveLength(1);
    const mail = await admin.request('POST', '/api/settings/mail/test-mail', { server: 'gmail', to: 'admin@example.jp' });
    expect(mail.json()).toMatchObject({ ok: true, recipient: 'admin@example.jp' });
    expect(google.messages).toHaveLength(1);
    expect(google.messages[0]).toMatchObject({ from: ACCOUNT, to: ['admin@example.jp'] });
  });
});
