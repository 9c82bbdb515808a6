import { Writable } from 'node:stream';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevMailbox } from '../src/server/dev-mailbox/dev-mailbox.server.js';
import { createContext } from '../src/server/bootstrap.js';
import { runHousekeeping } from '../src/server/housekeeping.js';
import { createLogger } from '../src/server/logger.js';
import { buildApp } from '../src/server/app.js';
import { outgoingMessageSchema } from '../src/contracts/mail.js';
import { parseOrThrow } from '../src/server/errors.js';
import { createMailApi, outboxRowsFor } from '../src/server/outbox/enqueue.js';
import type { DB } from '../src/server/db/schema.js';
import { followUpFor, partialDeliveryNote } from '../src/server/outbox/deferred-recipients.js';
import { claimDueMails, idempotencyKeyLookup, insertOutboxRowsIfCurrent, markSent, markSentWithFollowUp, type OutboxRow } from '../src/server/outbox/outbox.repository.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { readMailSettings } from '../src/server/settings/mail-settings.record.js';
import { type Client, createTestApp, login, type TestApp } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { freePort } from './support/cli.js';
import { closedPort, type SmtpSink, startHangUpServer, startRawReplyServer, startSmtpSink } from './support/smtp-sink.js';

const japaneseMail = {
  to: 'tanaka@example.jp',
  subject: '【重要】ご注文ありがとうございます',
  text: '田中様\nご注文を承りました。',
  html: '<p>田中様</p><p>ご注文を承りました。</p>',
  attachments: [{ filename: '見積書.txt', contentType: 'text/plain', content: Buffer.from('見積').toString('base64') }],
};

describe.each(dialects())('the outbox on $name', (dialect) => {
  let t: TestApp;
  let clock: TestClock;
  let sink: SmtpSink;
  let admin: Client;
  let worker: OutboxWorker;
  let token: string;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    clock = testClock();
    sink = await startSmtpSink({ tls: 'none' });
    t = await createTestApp(dialect, {
      clock,
      env: { TAYORI_OUTBOX_RETRY_BASE_MS: '1000', TAYORI_OUTBOX_RETRY_MAX_MS: '60000', TAYORI_TRANSPORT_ALERT_AFTER_MS: '300000' },
    });
    admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(sink.port));
    worker = new OutboxWorker(t.ctx);
    token = (await admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json().token.token;
  });
  afterEach(async () => {
    await worker?.stop();
    await t?.close();
    await sink?.close();
  });

  const submit = (body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/mail/messages', payload: body as object, headers: { authorization: `Bearer ${token}`, ...headers } });

  const deliveries = async (query = '') => (await admin.request('GET', `/api/mail/deliveries${query}`)).json().deliveries;

  /** The 422's field problems of a submitted mail, as [path, code]. */
  const refusedFields = async (body: unknown) => {
    const response = await submit(body);
    expect(response.statusCode).toBe(422);
    return response.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code]);
  };

  /** Runs the worker until nothing is due; the pause after a transport fault is real time, so wait it out. */
  async function deliverDue() {
    for (let pass = 0; pass < 20; pass++) {
      if ((await worker.deliverDueMails()) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if ((await worker.deliverDueMails()) === 0) return;
      }
    }
  }

  it('delivers application mail with the configured sender, a fixed Message-ID and Japanese intact', async () => {
    const response = await submit(japaneseMail);
    expect(response.statusCode).toBe(202);
    const { delivery } = response.json();
    expect(delivery.state).toBe('queued');

    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    expect(mail.from).toBe('sender@example.jp');
    expect(mail.envelope.to).toEqual(['tanaka@example.jp']);
    expect(mail.subject).toBe('【重要】ご注文ありがとうございます');
    expect(mail.text?.trim()).toBe('田中様\nご注文を承りました。');
    expect(mail.html).toContain('ご注文を承りました。');
    expect(mail.messageId).toBe(delivery.messageId);
    expect(mail.raw.toString()).toContain('=?UTF-8?');

    const [logged] = await deliveries();
    expect(logged).toMatchObject({ id: delivery.id, state: 'sent', kind: 'app', attempts: 1, to: 'tanaka@example.jp' });
  });

  it('sends the text with CRLF line breaks whatever the caller used, also when Japanese puts it in base64', async () => {
    await submit({ to: 'tanaka@example.jp', subject: '改行', text: '一行目\r\n二行目\n三行目\r四行目' });
    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    const raw = mail.raw.toString();
    expect(raw).toContain('Content-Transfer-Encoding: base64');
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(Buffer.from(body, 'base64').toString()).toBe('一行目\r\n二行目\r\n三行目\r\n四行目');
    expect(mail.headers.get('auto-submitted')).toBeUndefined();
  });

  it('enqueues a retried request with the same idempotency key once', async () => {
    const first = await submit(japaneseMail, { 'idempotency-key': 'order-1001' });
    const second = await submit(japaneseMail, { 'idempotency-key': 'order-1001' });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    expect(second.json().delivery.id).toBe(first.json().delivery.id);
    const different = await submit({ ...japaneseMail, subject: '別の件名' }, { 'idempotency-key': 'order-1001' });
    expect(different.statusCode).toBe(409);
    await deliverDue();
    await sink.waitForMessages(1);
    expect(await deliveries()).toHaveLength(1);
    expect(sink.messages).toHaveLength(1);
  });

  it('finds the mail of a retried request through the idempotency index, which holds only mails sent with a key', async () => {
    for (let i = 0; i < 3; i++) expect((await submit({ ...japaneseMail, subject: `鍵なし${i}` })).statusCode).toBe(202);
    expect((await submit(japaneseMail, { 'idempotency-key': 'order-4004' })).statusCode).toBe(202);
    const tokenId = (await t.ctx.db.selectFrom('service_tokens').select('id').executeTakeFirstOrThrow()).id;
    const lookup = idempotencyKeyLookup(t.ctx.db, tokenId, 'order-4004').compile();
    const plan = await t.ctx.db.transaction().execute(async (trx) => {
      // A table this small would be scanned whatever the indexes; the question is whether the index can serve.
      if (dialect.name === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
      const explain = dialect.name === 'postgres' ? 'explain ' : 'explain query plan ';
      return (await trx.executeQuery(CompiledQuery.raw(explain + lookup.sql, [...lookup.parameters]))).rows;
    });
    expect(JSON.stringify(plan)).toMatch(/mail_outbox_idempotency/);
    const definition =
      dialect.name === 'postgres'
        ? sql<{ text: string }>`select pg_get_indexdef('mail_outbox_idempotency'::regclass) as text`
        : sql<{ text: string }>`select sql as text from sqlite_master where name = 'mail_outbox_idempotency'`;
    expect((await definition.execute(t.ctx.db)).rows[0].text).toMatch(/where .*idempotency_key.* is not null/i);
  });

  /** What a burst on a new installation meets: thousands of mails and no statistics yet (PostgreSQL). */
  async function fillOutboxWithoutStatistics(mails: number) {
    const settings = await readMailSettings(t.ctx.db);
    for (let group = 0; group < mails / 200; group++) {
      const rows = outboxRowsFor(t.ctx, settings, Array.from({ length: 200 }, (_, i) => ({ message: parseOrThrow(outgoingMessageSchema, { ...japaneseMail, subject: `一斉${group}-${i}` }) })));
      await insertOutboxRowsIfCurrent(t.ctx.db, 'postgres', rows, { version: settings.version, gmailAccount: null });
      clock.advance(1000);
    }
    const nowIso = clock.now().toISOString();
    return { owner: 'worker-a', nowIso, leaseExpiresAt: new Date(clock.now().getTime() + 60_000).toISOString(), takeOverAbandoned: false };
  }

  /** How much `counter`, one of this transaction's statistics counts (pg_stat_xact_…), grows while `act` runs. */
  async function growthOf(counter: ReturnType<typeof sql<{ n: string }>>, act: (trx: Transaction<DB>) => Promise<unknown>) {
    return t.ctx.db.transaction().execute(async (trx) => {
      const read = async () => Number((await counter.execute(trx)).rows[0]?.n ?? 0);
      const before = await read();
      await act(trx);
      return (await read()) - before;
    });
  }

  it.skipIf(dialect.name !== 'postgres')('records sent mails through the primary key, not a scan of the outbox, while it holds thousands of mails', async () => {
    const claim = await fillOutboxWithoutStatistics(3000);
    const claimed = await claimDueMails(t.ctx.db, 'postgres', { ...claim, limit: 2 });
    const seqScans = sql<{ n: string }>`select seq_scan as n from pg_stat_xact_user_tables where relname = 'mail_outbox'`;
    expect(await growthOf(seqScans, (trx) => markSent(trx, 'postgres', { ids: claimed.map((row) => row.id), owner: 'worker-a' }, claim.nowIso))).toBe(0);
    const states = await t.ctx.db.selectFrom('mail_outbox').select(['state', 'lease_owner']).where('id', 'in', claimed.map((row) => row.id)).execute();
    expect(states).toEqual([{ state: 'sent', lease_owner: null }, { state: 'sent', lease_owner: null }]);
  });

  it.skipIf(dialect.name !== 'postgres')('claims the oldest mails by walking the due index, not by sorting every queued mail, while thousands wait', async () => {
    const claim = await fillOutboxWithoutStatistics(3000);
    const oldest = await t.ctx.db.selectFrom('mail_outbox').select('id').orderBy('next_attempt_at').orderBy('id').limit(200).execute();
    let claimed: OutboxRow[] = [];
    const dueIndexEntriesRead = sql<{ n: string }>`select pg_stat_get_xact_tuples_returned('mail_outbox_due'::regclass) as n`;
    const entriesRead = await growthOf(dueIndexEntriesRead, async (trx) => {
      claimed = await claimDueMails(trx, 'postgres', { ...claim, limit: 20 });
    });
    expect(claimed).toHaveLength(20);
    expect(oldest.map((row) => row.id)).toEqual(expect.arrayContaining(claimed.map((row) => row.id)));
    expect(entriesRead).toBeLessThan(100);
  });

  it('writes a burst of requests together, each answered with its own mail, and a key sent twice at once only once', async () => {
    const burst = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => submit({ ...japaneseMail, subject: `一斉${i}` })),
      submit({ ...japaneseMail, subject: '重複' }, { 'idempotency-key': 'order-2002' }),
      submit({ ...japaneseMail, subject: '重複' }, { 'idempotency-key': 'order-2002' }),
    ]);
    expect(burst.map((r) => r.statusCode).sort()).toEqual([...Array(31).fill(202), 200].sort());
    const answered = burst.map((r) => r.json().delivery);
    expect(answered.slice(0, 30).map((d: { subject: string }) => d.subject)).toEqual(Array.from({ length: 30 }, (_, i) => `一斉${i}`));
    expect(answered[30].id).toBe(answered[31].id);
    const logged = await deliveries('?limit=100');
    expect(logged).toHaveLength(31);
    expect(new Set(logged.map((d: { id: string }) => d.id))).toEqual(new Set(answered.map((d: { id: string }) => d.id)));
  });

  it('takes mail of the largest size allowed, twice in a row (once wrapped as MIME tools write base64), and delivers it byte for byte', async () => {
    const tenMegabytes = Buffer.alloc(10 * 1024 * 1024 - 1024, 7);
    const base64 = tenMegabytes.toString('base64');
    // Wrapped at 76 with CRLF the text is 2.6 % longer; only the data counts toward the 10 MB.
    for (const content of [base64, base64.replace(/.{76}/g, '$&\r\n')]) {
      const largest = { to: 'tanaka@example.jp', subject: '大きな添付', text: '資料です。', attachments: [{ filename: '資料.bin', content }] };
      expect((await submit(largest)).statusCode).toBe(202);
    }
    await deliverDue();
    const received = await sink.waitForMessages(2);
    for (const mail of received) {
      const [attachment] = (await simpleParser(mail.raw)).attachments;
      expect(attachment.filename).toBe('資料.bin');
      expect(attachment.content.equals(tenMegabytes)).toBe(true);
    }
  });

  it('refuses bad mail with field errors and enqueues nothing', async () => {
    const response = await submit({
      to: 'a@example.jp;Taro <t@example.jp>',
      cc: 'x@-bad.jp',
      subject: '件名\r\nBcc: victim@example.jp',
      text: 'ok',
      attachments: [{ filename: 'big.bin', content: 'A'.repeat(14_000_000) }],
    });
    expect(response.statusCode).toBe(422);
    const fields = response.json().error.fields.map((f: { path: string; message: string }) => [f.path, f.message]);
    expect(fields.map(([path]: string[]) => path)).toEqual(expect.arrayContaining(['to', 'cc', 'subject', 'attachments']));
    expect(fields.filter(([path]: string[]) => path.startsWith('attachments'))).toEqual([['attachments', '添付ファイルは合計10 MBまでです。']]);
    const halfOfTooMuch = Buffer.alloc(5_500_000, 1).toString('base64');
    const tooMuch = await submit({
      to: 'a@example.jp',
      subject: '添付が多すぎる',
      text: 'x',
      attachments: [
        { filename: 'a.bin', content: halfOfTooMuch },
        { filename: 'b.bin', content: halfOfTooMuch },
      ],
    });
    expect(tooMuch.json().error.fields).toEqual([
      expect.objectContaining({ path: 'attachments', message: '添付ファイルは合計10 MBまでです。' }),
    ]);
    expect(await submit({ subject: '宛先なし', text: 'x' }).then((r) => r.json().error.fields[0].path)).toBe('to');
    // Two padded chunks joined: Node's decoder would stop at the first "=", and the file arrive cut short.
    const attachment = (file: { contentType?: string; content: string }) =>
      submit({ to: 'a@example.jp', subject: '添付', text: 'x', attachments: [{ filename: '請求書.pdf', ...file }] }).then((r) => r.json().error.fields);
    expect(await attachment({ content: 'QQ==QkM=' })).toEqual([
      expect.objectContaining({ path: 'attachments.0.content', message: expect.stringContaining('base64として正しくありません') }),
    ]);
    expect(await attachment({ content: 'QUJD', contentType: 'multipart/alternative' })).toEqual([
      expect.objectContaining({ path: 'attachments.0.contentType', code: 'mail.attachment_container_type' }),
    ]);
    expect(await deliveries()).toHaveLength(0);
  });

  it('sends an attachment as the type its name says when none is given, and a charset when one is', async () => {
    const content = Buffer.from('請求').toString('base64');
    const response = await submit({
      to: 'tanaka@example.jp',
      subject: '添付',
      text: 'x',
      attachments: [
        { filename: '請求書.xlsx', content },
        { filename: '一覧.csv', contentType: 'text/csv; charset=Shift_JIS', content },
      ],
    });
    expect(response.statusCode, response.body).toBe(202);
    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    const types = [...mail.raw.toString().matchAll(/Content-Type:\s*([^;\r\n]+(?:;\s*charset=[^;\r\n]+)?)/g)].map((match) => match[1]);
    expect(types).toEqual(
      expect.arrayContaining(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv; charset=Shift_JIS']),
    );
    const refused = await submit({ to: 'a@example.jp', subject: 'x', text: 'x', attachments: [{ filename: 'a.csv', contentType: 'text/csv; charset', content }] });
    expect(refused.json().error.fields).toEqual([expect.objectContaining({ path: 'attachments.0.contentType', code: 'validation.invalid' })]);
  });

  it('accepts only live service tokens, the Bearer scheme in any case, and says a refused token is the token', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/mail/messages', payload: japaneseMail });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error).toMatchObject({ code: 'error.token_refused', message: expect.stringContaining('Authorization: Bearer') });
    expect((await submit(japaneseMail, { authorization: `bearer ${token}` })).statusCode).toBe(202);
    const [created] = (await admin.request('GET', '/api/mail/tokens')).json().tokens;
    expect(JSON.stringify(created)).not.toContain(token);
    expect((await admin.request('DELETE', `/api/mail/tokens/${created.id}`)).statusCode).toBe(200);
    expect((await submit(japaneseMail)).statusCode).toBe(401);
  });

  it('records mail as suppressed while sending is disabled and never sends it later', async () => {
    const queuedBefore = await submit(japaneseMail);
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { sendingEnabled: false }));
    const whileDisabled = await submit(japaneseMail);
    expect(whileDisabled.json().delivery.state).toBe('suppressed');
    await deliverDue();
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { sendingEnabled: true }));
    await deliverDue();
    expect(sink.messages).toHaveLength(0);
    const states = (await deliveries()).map((d: { id: string; state: string }) => [d.id, d.state]);
    expect(states).toEqual(
      expect.arrayContaining([
        [queuedBefore.json().delivery.id, 'suppressed'],
        [whileDisabled.json().delivery.id, 'suppressed'],
      ]),
    );
    expect((await deliveries('?state=suppressed'))[0].lastError.message).toBe('メール送信が無効のため、送信しませんでした。');
  });

  it('retries a 451 at RCPT with back-off and delivers it later', async () => {
    sink.failNext(1, 'rcpt', '451 4.7.1 Greylisted, try again later');
    await submit(japaneseMail);
    await deliverDue();
    let [row] = await deliveries();
    expect(row).toMatchObject({ state: 'queued', attempts: 1 });
    expect(row.lastError.reply).toContain('451 4.7.1 Greylisted');
    expect(sink.messages).toHaveLength(0);

    clock.advance(2_000);
    await deliverDue();
    await sink.waitForMessages(1);
    [row] = await deliveries();
    expect(row).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('keeps a hostile server reply as text to read: no terminal codes or direction controls, and not a megabyte of it', async () => {
    const hostile = await startRawReplyServer('RCPT', `550 5.1.1 \u001b[31mUser\u001b[0m \u202eunknown\u202c\u0007 ${'x'.repeat(100_000)} end`);
    try {
      await saveMailSettings(admin, smtpSettingsForm(hostile.port));
      await submit(japaneseMail);
      await deliverDue();
    } finally {
      await hostile.close();
    }
    const [row] = await deliveries();
    expect(row.state).toBe('failed');
    const { reply, message } = row.lastError;
    expect(reply.startsWith('550 5.1.1 User unknown x')).toBe(true);
    expect(reply.endsWith('x end')).toBe(true);
    expect(reply.length).toBeLessThanOrEqual(1000);
    for (const shown of [reply, message]) expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  });

  it('sends a subject of the longest length allowed, with no space to fold at, in header lines a strict server takes', async () => {
    await submit({ to: 'tanaka@example.jp', subject: 'x'.repeat(990), text: '本文' });
    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    expect(mail.subject).toBe('x'.repeat(990));
    const longest = Math.max(...mail.raw.toString().split('\r\n').map((line) => Buffer.byteLength(line)));
    expect(longest).toBeLessThanOrEqual(998);
    expect((await submit({ to: 'tanaka@example.jp', subject: 'x'.repeat(991), text: '本文' })).json().error.fields).toEqual([
      { path: 'subject', code: 'validation.too_long', message: '990文字以内で入力してください。' },
    ]);
  });

  it('fails a mail at once on 550 5.1.1 for its recipient, recording the reply, and sends the others', async () => {
    sink.rejectRecipient('nobody@example.jp', '550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown');
    const bad = await submit({ ...japaneseMail, to: 'nobody@example.jp' });
    const good = await submit(japaneseMail);
    await deliverDue();
    await sink.waitForMessages(1);
    const byId = Object.fromEntries((await deliveries()).map((d: { id: string }) => [d.id, d]));
    expect(byId[bad.json().delivery.id]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(byId[bad.json().delivery.id].lastError.reply).toContain('550 5.1.1');
    expect(byId[good.json().delivery.id].state).toBe('sent');
  });

  it('counts a mail accepted for only some of its recipients as sent, naming the refused ones and the reply', async () => {
    sink.rejectRecipient('nobody@example.jp', '550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown');
    const mail = await submit({ ...japaneseMail, to: ['tanaka@example.jp', 'nobody@example.jp'] });
    await deliverDue();
    await sink.waitForMessages(1);
    const [delivery] = (await deliveries()).filter((d: { id: string }) => d.id === mail.json().delivery.id);
    expect(delivery).toMatchObject({ state: 'sent', attempts: 1 });
    expect(delivery.lastError.message).toContain('nobody@example.jp');
    expect(delivery.lastError.reply).toContain('550 5.1.1');
  });

  it('sends the mail again, to them alone, to the recipients a server put off with a 4xx while it took the others', async () => {
    sink.failNext(1, 'rcpt', '452 4.2.2 Mailbox full, try again later');
    const mail = await submit({ ...japaneseMail, to: ['suzuki@example.jp', 'tanaka@example.jp'], cc: [{ name: '山田', address: 'yamada@example.jp' }] });
    await deliverDue();
    const [first] = await sink.waitForMessages(1);
    expect(first.envelope.to).toEqual(['tanaka@example.jp', 'yamada@example.jp']);

    const [followUp, original] = await deliveries();
    expect(original).toMatchObject({ id: mail.json().delivery.id, state: 'sent', attempts: 1 });
    expect(original.lastError.message).toBe(
      '一部の宛先はサーバーが一時的に受け付けなかったため、その宛先にだけ後で送り直します(配信ログに別の行で表示します): suzuki@example.jp',
    );
    expect(original.lastError.reply).toContain('452 4.2.2');
    expect(followUp).toMatchObject({ state: 'queued', attempts: 1, to: 'suzuki@example.jp', cc: '', messageId: original.messageId });
    expect(followUp.lastError.reply).toContain('452 4.2.2');
    expect(followUp.lastError.message).toBe('SMTPサーバが宛先を一時的に受け付けませんでした(サーバーの応答: 452 4.2.2 Mailbox full, try again later)。後で再送します。');

    clock.advance(60_000);
    await deliverDue();
    const [, second] = await sink.waitForMessages(2);
    expect(second.envelope.to).toEqual(['suzuki@example.jp']);
    expect(second.messageId).toBe(first.messageId);
    expect(second.to).toEqual(['suzuki@example.jp', 'tanaka@example.jp']);
    expect(second.subject).toBe(japaneseMail.subject);
    expect(sink.messages).toHaveLength(2);
    expect((await deliveries()).map((d: { state: string }) => d.state)).toEqual(['sent', 'sent']);
  });

  it('names refused and put-off recipients apart, and sends again only to those put off', async () => {
    sink.rejectRecipient('nobody@example.jp', '550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown');
    sink.failNext(1, 'rcpt', '451 4.7.1 Greylisted, please try again');
    await submit({ ...japaneseMail, to: ['suzuki@example.jp', 'nobody@example.jp', 'tanaka@example.jp'], bcc: 'sato@example.jp' });
    await deliverDue();
    const [followUp, original] = await deliveries();
    expect(original.lastError.message).toBe(
      '一部の宛先がサーバーに拒否されました: nobody@example.jp。一時的に受け付けなかった宛先には、後で送り直します(配信ログに別の行で表示します): suzuki@example.jp',
    );
    expect(followUp).toMatchObject({ state: 'queued', to: 'suzuki@example.jp', bcc: '' });

    // Put off again: the follow-up is retried as any mail whose recipient was put off, its attempts counted on.
    sink.failNext(1, 'rcpt', '451 4.7.1 Greylisted, please try again');
    clock.advance(60_000);
    await deliverDue();
    expect((await deliveries())[0]).toMatchObject({ id: followUp.id, state: 'queued', attempts: 2 });
    clock.advance(60_000);
    await deliverDue();
    const arrived = await sink.waitForMessages(2);
    expect(arrived.map((m) => m.envelope.to)).toEqual([['tanaka@example.jp', 'sato@example.jp'], ['suzuki@example.jp']]);
    expect((await deliveries())[0]).toMatchObject({ id: followUp.id, state: 'sent', attempts: 3 });
  });

  it('queues nothing for put-off recipients when another worker took the mail over meanwhile (it sends it whole)', async () => {
    await submit({ ...japaneseMail, to: ['suzuki@example.jp', 'tanaka@example.jp'] });
    const nowIso = clock.now().toISOString();
    const [row] = await claimDueMails(t.ctx.db, dialect.name, {
      owner: 'worker-a',
      nowIso,
      leaseExpiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
      limit: 5,
      takeOverAbandoned: false,
    });
    const deferred = [{ recipient: 'suzuki@example.jp', reply: '452 4.2.2 Mailbox full', temporary: true }];
    const followUp = followUpFor(row, deferred, { nowIso, nextAttemptAt: nowIso });
    const note = partialDeliveryNote([], deferred);
    await markSentWithFollowUp(t.ctx.db, dialect.name, { id: row.id, owner: 'worker-b' }, nowIso, note, followUp);
    expect((await deliveries()).map((d: { id: string; state: string }) => [d.id, d.state])).toEqual([[row.id, 'sending']]);
    await markSentWithFollowUp(t.ctx.db, dialect.name, { id: row.id, owner: 'worker-a' }, nowIso, note, followUp);
    expect((await deliveries()).map((d: { id: string; state: string }) => [d.id, d.state])).toEqual([
      [followUp.id, 'queued'],
      [row.id, 'sent'],
    ]);
  });

  it('keeps delivering new mail on its other connections while one send takes long', async () => {
    const release = sink.holdDataReplyTo('slow@example.jp');
    await submit({ ...japaneseMail, to: 'slow@example.jp', subject: '大きな添付' });
    const pass = deliverDue();
    await sink.waitForMessages(1); // the slow mail has arrived; its answer is held
    await submit({ ...japaneseMail, subject: '後から1' });
    await submit({ ...japaneseMail, subject: '後から2' });
    // Before, the new mails waited for the next pass, which began only when the slow send ended.
    const arrived = await sink.waitForMessages(3);
    expect(arrived.map((mail) => mail.subject).slice(1).sort()).toEqual(['後から1', '後から2']);
    release();
    await pass;
    expect((await deliveries()).map((row: { state: string }) => row.state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('retries a mail whose connection dropped mid-DATA', async () => {
    sink.dropNextMessages(1);
    await submit(japaneseMail);
    await deliverDue();
    expect((await deliveries())[0].state).toBe('queued');
    clock.advance(2_000);
    await deliverDue();
    await sink.waitForMessages(1);
    expect((await deliveries())[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it.each([
    ['before its greeting', () => startHangUpServer()],
    ['at DATA, before any of the message', () => startRawReplyServer('DATA', null)],
  ])('counts a server that hangs up %s as the transport failing: mail stays queued, no attempt counted', async (_when, start) => {
    const hangingUp = await start();
    try {
      await saveMailSettings(admin, smtpSettingsForm(hangingUp.port));
      for (let i = 0; i < 3; i++) await submit({ ...japaneseMail, subject: `件名${i}` });
      await deliverDue();
    } finally {
      await hangingUp.close();
    }
    const rows = await deliveries();
    expect(rows.map((row: { state: string; attempts: number }) => [row.state, row.attempts])).toEqual([['queued', 0], ['queued', 0], ['queued', 0]]);
    expect((await admin.request('GET', '/api/health')).json().transport).toMatchObject({ state: 'failing' });
  });

  it('keeps mail queued while the server refuses connections, raises the banner and one alert, then delivers everything', async () => {
    const deadPort = await closedPort();
    await saveMailSettings(admin, smtpSettingsForm(deadPort));
    for (let i = 0; i < 3; i++) await submit({ ...japaneseMail, subject: `件名${i}` });
    await deliverDue();
    let rows = await deliveries();
    expect(rows.map((r: { state: string }) => r.state)).toEqual(['queued', 'queued', 'queued']);
    expect(rows.every((r: { attempts: number }) => r.attempts === 0)).toBe(true);

    let health = (await admin.request('GET', '/api/health')).json();
    expect(health.transport).toMatchObject({ state: 'failing', banner: false });
    expect(health.transport.reason.message).toBeTruthy();

    clock.advance(6 * 60_000);
    await deliverDue();
    clock.advance(60_000);
    await deliverDue();
    health = (await admin.request('GET', '/api/health')).json();
    expect(health.transport.banner).toBe(true);
    const alerts = await deliveries('?kind=alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].to).toBe('ops@example.jp');
    expect(alerts[0].subject).toBe('【Tayori】メールを送信できない状態が続いています');

    await saveMailSettings(admin, smtpSettingsForm(sink.port));
    clock.advance(60 * 60_000);
    await deliverDue();
    await sink.waitForMessages(4);
    const automatic = sink.messages.map((mail) => [mail.subject, mail.headers.get('auto-submitted') ?? null]);
    expect(automatic).toContainEqual(['【Tayori】メールを送信できない状態が続いています', 'auto-generated']);
    expect(automatic.filter(([, header]) => header !== null)).toHaveLength(1);
    rows = await deliveries();
    expect(rows.every((r: { state: string }) => r.state === 'sent')).toBe(true);
    health = (await admin.request('GET', '/api/health')).json();
    expect(health.transport).toMatchObject({ state: 'ok', banner: false });
    expect(health.transport.lastSuccessAt).toBeTruthy();
  });

  it('shows the banner and alerts at once when Gmail needs re-authorising', async () => {
    const { settings } = await readMailSettings(t.ctx.db);
    const gmail = { ...settings, server: 'gmail', gmail: { clientId: 'client' } };
    await t.ctx.db.updateTable('mail_settings').set({ document: JSON.stringify(gmail) }).execute();
    await t.ctx.db
      .insertInto('oauth_authorisations')
      .values({ id: 'google', state: 'reauth_required', account_email: 'admin@example.jp', updated_at: '2026-04-01T00:00:00.000Z' })
      .execute();
    await submit(japaneseMail);
    await deliverDue();
    const health = (await admin.request('GET', '/api/health')).json();
    expect(health.transport).toMatchObject({ state: 'failing', banner: true });
    expect(health.transport.reason.message).toContain('再認証');
    expect(await deliveries('?kind=alert')).toHaveLength(1);
    expect((await deliveries('?kind=app'))[0].state).toBe('queued');
  });

  it('sends the alert through the dev mailbox while the configured server is down, once for the incident', async () => {
    const devMailboxPort = await freePort();
    const withDevMailbox = await createTestApp(dialect, {
      clock,
      env: { TAYORI_DEV_MAILBOX: '1', TAYORI_DEV_MAILBOX_PORT: String(devMailboxPort), TAYORI_TRANSPORT_ALERT_AFTER_MS: '0' },
    });
    const devMailbox = await startDevMailbox(withDevMailbox.ctx);
    const other = new OutboxWorker(withDevMailbox.ctx);
    try {
      const otherAdmin = await login(withDevMailbox.app);
      await saveMailSettings(otherAdmin, smtpSettingsForm(await closedPort()));
      await createMailApi(withDevMailbox.ctx).enqueue(withDevMailbox.ctx.db, { to: 'a@example.jp', subject: '業務メール', text: 'x' });
      await other.deliverDueMails();
      const listed = (await otherAdmin.request('GET', '/api/dev-mailbox')).json();
      expect(listed.messages).toHaveLength(1);
      const alert = (await otherAdmin.request('GET', `/api/dev-mailbox/${listed.messages[0].id}`)).json().message;
      expect(alert.subject).toBe('【Tayori】メールを送信できない状態が続いています');
      expect(alert.to).toEqual(['ops@example.jp']);
      expect(alert.from).toBe('sender@example.jp');
      expect(alert.text).toContain('原因:');

      // The alert leaving through the dev mailbox is not the configured server working again: the
      // incident, its banner and its one alert go on through every later failed try.
      for (let pass = 0; pass < 4; pass++) {
        clock.advance(10 * 60_000);
        await other.deliverDueMails();
      }
      expect((await otherAdmin.request('GET', '/api/dev-mailbox')).json().messages).toHaveLength(1);
      expect((await otherAdmin.request('GET', '/api/health')).json().transport).toMatchObject({ state: 'failing', banner: true, lastSuccessAt: null });
    } finally {
      await other.stop();
      await devMailbox?.stop();
      await withDevMailbox.close();
    }
  });

  it('treats a rejected login and a 421 as transport faults: nothing fails, nothing is lost', async () => {
    const guarded = await startSmtpSink({ tls: 'none', auth: { user: 'mailer', password: 'right-password' } });
    try {
      await saveMailSettings(
        admin,
        smtpSettingsForm(guarded.port, { smtp: { authEnabled: true, username: 'mailer', password: 'wrong-password' } }),
      );
      await submit(japaneseMail);
      await deliverDue();
      expect((await deliveries())[0]).toMatchObject({ state: 'queued', attempts: 0 });
      expect((await admin.request('GET', '/api/health')).json().transport.state).toBe('failing');

      await saveMailSettings(admin, smtpSettingsForm(sink.port));
      sink.replyOnConnect('421 4.3.2 Service not available, closing transmission channel');
      clock.advance(60_000);
      await deliverDue();
      expect((await deliveries())[0]).toMatchObject({ state: 'queued', attempts: 0 });

      sink.replyOnConnect(null);
      clock.advance(60 * 60_000);
      await deliverDue();
      await sink.waitForMessages(1);
      expect((await deliveries())[0].state).toBe('sent');
    } finally {
      await guarded.close();
    }
  });

  it('gives up on a mail only when its 24-hour window has passed', async () => {
    sink.failNext(1000, 'rcpt', '452 4.2.2 Mailbox full');
    await submit(japaneseMail);
    for (let hour = 0; hour < 24; hour++) {
      await deliverDue();
      clock.advance(60 * 60_000 - (hour === 23 ? 1_000 : 0));
    }
    await deliverDue();
    admin = await login(t.app); // the earlier session ended with the clock 24 hours on
    expect((await deliveries())[0]).toMatchObject({ state: 'queued' });
    clock.advance(1_000);
    await deliverDue();
    const [row] = await deliveries();
    expect(row.state).toBe('failed');
    expect(row.lastError.code).toBe('mail.expired');
    expect(row.lastError.message).toContain('24時間以内に送信できなかった');
    expect(row.attempts).toBeGreaterThan(5);
  });

  it('says why a mail expired in words when the server never answered, not as a code', async () => {
    await saveMailSettings(admin, smtpSettingsForm(await closedPort()));
    await submit(japaneseMail);
    await deliverDue();
    clock.advance(24 * 60 * 60_000 + 1_000);
    admin = await login(t.app);
    await deliverDue();
    const [row] = await deliveries('?kind=app');
    expect(row).toMatchObject({ state: 'failed', lastError: { code: 'mail.expired', reply: null } });
    expect(row.lastError.message).toBe(
      '24時間以内に送信できなかったため、送信を中止しました。最後のエラー: SMTPサーバに接続を拒否されました。[SMTPサーバアドレス]と[ポート番号]が正しいか、サーバーが起動しているかを確認してください。',
    );
  });

  it('enqueues in-process mail inside the caller transaction: a rollback leaves no mail', async () => {
    const mail = createMailApi(t.ctx);
    await t.ctx.db
      .transaction()
      .execute(async (trx) => {
        await mail.enqueue(trx, { to: 'a@example.jp', subject: '取り消されるメール', text: 'x' });
        throw new Error('the business change failed');
      })
      .catch(() => {});
    await t.ctx.db.transaction().execute((trx) => mail.enqueue(trx, { to: ['b@例え.jp'], subject: '確定したメール', text: 'y' }));
    const rows = await deliveries();
    expect(rows.map((r: { subject: string }) => r.subject)).toEqual(['確定したメール']);
    await deliverDue();
    const [received] = await sink.waitForMessages(1);
    expect(received.envelope.to).toEqual(['b@例え.jp']);
  });

  it('sends internationalised domains as punycode to a server without SMTPUTF8', async () => {
    const asciiOnly = await startSmtpSink({ tls: 'none', smtpUtf8: false });
    try {
      await saveMailSettings(admin, smtpSettingsForm(asciiOnly.port));
      await submit({ to: 'b@例え.jp', subject: 'IDN', text: 'y' });
      await deliverDue();
      const [received] = await asciiOnly.waitForMessages(1);
      expect(received.raw.toString()).toMatch(/^To: b@xn--r8jz45g\.jp\r?$/m);
    } finally {
      await asciiOnly.close();
    }
  });

  it('lists the delivery log newest first, filtered and paginated, and purges old finished rows', async () => {
    for (let i = 0; i < 5; i++) {
      await submit({ ...japaneseMail, subject: `通知${i}` });
      clock.advance(1_000);
    }
    await deliverDue();
    const page1 = (await admin.request('GET', '/api/mail/deliveries?limit=2')).json();
    expect(page1.deliveries.map((d: { subject: string }) => d.subject)).toEqual(['通知4', '通知3']);
    const page2 = (await admin.request('GET', `/api/mail/deliveries?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2.deliveries.map((d: { subject: string }) => d.subject)).toEqual(['通知2', '通知1']);
    expect(await deliveries('?state=failed')).toHaveLength(0);
    expect(await deliveries('?kind=app&state=sent')).toHaveLength(5);

    clock.advance(89 * 86_400_000);
    await runHousekeeping(t.ctx);
    admin = await login(t.app);
    expect(await deliveries()).toHaveLength(5);
    clock.advance(2 * 86_400_000);
    await runHousekeeping(t.ctx);
    admin = await login(t.app);
    expect(await deliveries()).toHaveLength(0);
  });

  it('delivers at once after a save that fixes the settings, on every instance, without waiting out the back-off', async () => {
    const deadPort = await closedPort();
    await saveMailSettings(admin, smtpSettingsForm(deadPort));
    const otherInstance = createContext(t.ctx.config, { clock, log: t.ctx.log });
    const otherWorker = new OutboxWorker(otherInstance);
    try {
      for (let i = 0; i < 3; i++) await submit({ ...japaneseMail, subject: `待機${i}` });
      await worker.deliverDueMails();
      await otherWorker.deliverDueMails();
      expect((await admin.request('GET', '/api/health')).json().transport.state).toBe('failing');
      // Both workers now back off (30 s and more on this clock, which does not move).
      expect(await worker.deliverDueMails()).toBe(0);
      expect(await otherWorker.deliverDueMails()).toBe(0);

      await saveMailSettings(admin, smtpSettingsForm(sink.port));
      await submit({ ...japaneseMail, subject: '保存後' });
      expect(await otherWorker.deliverDueMails()).toBe(4);
      await sink.waitForMessages(4);
      expect((await deliveries()).every((d: { state: string }) => d.state === 'sent')).toBe(true);
    } finally {
      await otherWorker.stop();
      await otherInstance.database.close();
    }
  });

  it('makes each mail with the settings saved last, also when another instance saved them', async () => {
    const otherInstance = createContext(t.ctx.config, { clock, log: t.ctx.log });
    const otherApp = await buildApp(otherInstance);
    try {
      expect((await submit(japaneseMail)).json().delivery.messageId).toMatch(/@example\.jp>$/);
      const otherAdmin = await login(otherApp);
      await saveMailSettings(otherAdmin, smtpSettingsForm(sink.port, { senderAddress: 'info@例え.jp' }));
      expect((await submit(japaneseMail)).json().delivery.messageId).toMatch(/@xn--r8jz45g\.jp>$/);
      await saveMailSettings(otherAdmin, { ...smtpSettingsForm(sink.port), sendingEnabled: false });
      expect((await submit(japaneseMail)).json().delivery.state).toBe('suppressed');
    } finally {
      await otherApp.close();
      await otherInstance.database.close();
    }
  });

  it('inserts a group only while the settings are as its rows were made from, and only the mail of live tokens', async () => {
    await t.ctx.db
      .insertInto('oauth_authorisations')
      .values({ id: 'google', state: 'authorised', account_email: 'eigyo@example.jp', updated_at: clock.now().toISOString() })
      .execute();
    const settings = await readMailSettings(t.ctx.db);
    const version = settings.version;
    const tokenIds: string[] = [];
    for (const name of ['live', 'revoked']) tokenIds.push((await admin.request('POST', '/api/mail/tokens', { name })).json().token.id);
    await admin.request('DELETE', `/api/mail/tokens/${tokenIds[1]}`);
    const insert = async (subject: string, seen: { version: number; gmailAccount: string | null }) => {
      const mails = tokenIds.map((serviceTokenId) => ({ message: parseOrThrow(outgoingMessageSchema, { ...japaneseMail, subject }), options: { serviceTokenId } }));
      return (await insertOutboxRowsIfCurrent(t.ctx.db, dialect.name, outboxRowsFor(t.ctx, settings, mails), seen)).size;
    };

    expect(await insert('同じ設定', { version, gmailAccount: 'eigyo@example.jp' })).toBe(1);
    expect(await insert('古い版', { version: version - 1, gmailAccount: 'eigyo@example.jp' })).toBe(0);
    expect(await insert('別のアカウント', { version, gmailAccount: 'sales@example.jp' })).toBe(0);
    expect((await deliveries()).map((d: { subject: string }) => d.subject)).toEqual(['同じ設定']);
  });

  it('refuses at once the mail of a token revoked on another instance, though this one still keeps the token', async () => {
    const otherInstance = createContext(t.ctx.config, { clock, log: t.ctx.log });
    const otherApp = await buildApp(otherInstance);
    try {
      expect((await submit(japaneseMail, { 'idempotency-key': 'order-3003' })).statusCode).toBe(202);
      const otherAdmin = await login(otherApp);
      const [{ id }] = (await otherAdmin.request('GET', '/api/mail/tokens')).json().tokens;
      expect((await otherAdmin.request('DELETE', `/api/mail/tokens/${id}`)).statusCode).toBe(200);

      const after = await submit(japaneseMail);
      expect(after.statusCode, after.body).toBe(401);
      expect(after.json().error.code).toBe('error.token_refused');
      expect((await submit(japaneseMail, { 'idempotency-key': 'order-3003' })).statusCode).toBe(401);
      expect(await deliveries()).toHaveLength(1);
    } finally {
      await otherApp.close();
      await otherInstance.database.close();
    }
  });

  it('ends the back-off with [設定完了] even when nothing in the form changed', async () => {
    sink.replyOnConnect('421 4.3.2 Service not available, closing transmission channel');
    await submit(japaneseMail);
    await worker.deliverDueMails();
    expect(await worker.deliverDueMails()).toBe(0);
    sink.replyOnConnect(null);
    await saveMailSettings(admin, smtpSettingsForm(sink.port));
    expect(await worker.deliverDueMails()).toBe(1);
    await sink.waitForMessages(1);
  });

  it('ends the back-off when a connection test gets through, so mail waiting for a fixed server leaves at once', async () => {
    sink.replyOnConnect('421 4.3.2 Service not available, closing transmission channel');
    await submit(japaneseMail);
    await worker.deliverDueMails();
    expect(await worker.deliverDueMails()).toBe(0);

    sink.replyOnConnect(null);
    const check = await admin.request('POST', '/api/settings/mail/test-connection', smtpSettingsForm(sink.port));
    expect(check.json()).toMatchObject({ ok: true });
    expect(await worker.deliverDueMails()).toBe(1);
    await sink.waitForMessages(1);
  });

  it('takes the banner down with the first mail accepted after an outage, while the backlog is still draining', async () => {
    await saveMailSettings(admin, smtpSettingsForm(await closedPort(), { sendingEnabled: true }));
    for (let i = 0; i < 20; i++) await submit({ ...japaneseMail, subject: `滞留${i}` });
    await worker.deliverDueMails();
    clock.advance(6 * 60_000);
    await worker.deliverDueMails();
    expect((await admin.request('GET', '/api/health')).json().transport).toMatchObject({ state: 'failing', banner: true });

    sink.delayDataReply(100);
    await saveMailSettings(admin, smtpSettingsForm(sink.port));
    let drained = false;
    const draining = worker.deliverDueMails().finally(() => (drained = true));
    let seenWhileDraining: { transport: { state: string; banner: boolean }; waiting: number } | null = null;
    while (!seenWhileDraining && !drained) {
      const health = (await admin.request('GET', '/api/health')).json();
      if (health.transport.state === 'ok') seenWhileDraining = { transport: health.transport, waiting: await unsentCount() };
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await draining;
    expect(seenWhileDraining).toMatchObject({ transport: { state: 'ok', banner: false } });
    expect(seenWhileDraining!.waiting).toBeGreaterThan(0);
  });

  it('writes business mail with display names: named recipients, reply-to and a sender name, each header encoded and single', async () => {
    const response = await submit({
      to: [{ name: '山田 太郎 様', address: 'yamada@example.jp' }, 'suzuki@example.jp'],
      cc: [{ name: 'Sato, Hanako "営業"', address: 'sato@example.jp' }],
      bcc: [{ name: 'Hidden', address: 'audit@example.jp' }],
      replyTo: { name: '株式会社サンプル 営業部', address: 'sales@example.co.jp' },
      fromName: '株式会社サンプル 営業部',
      subject: 'お見積りのご案内',
      text: '山田様',
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().delivery).toMatchObject({
      to: '"山田 太郎 様" <yamada@example.jp>, suzuki@example.jp',
      cc: '"Sato, Hanako \\"営業\\"" <sato@example.jp>',
      bcc: '"Hidden" <audit@example.jp>',
    });
    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    expect(mail.envelope.to.sort()).toEqual(['audit@example.jp', 'sato@example.jp', 'suzuki@example.jp', 'yamada@example.jp']);
    const header = (name: string) => mail.headers.get(name) as { value: { name: string; address: string }[] };
    expect(header('from').value).toEqual([{ name: '株式会社サンプル 営業部', address: 'sender@example.jp' }]);
    expect(header('to').value).toEqual([
      { name: '山田 太郎 様', address: 'yamada@example.jp' },
      { name: '', address: 'suzuki@example.jp' },
    ]);
    expect(header('cc').value).toEqual([{ name: 'Sato, Hanako "営業"', address: 'sato@example.jp' }]);
    expect(header('reply-to').value).toEqual([{ name: '株式会社サンプル 営業部', address: 'sales@example.co.jp' }]);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.raw.toString()).toMatch(/^From: =\?UTF-8\?/m);
  });

  it('refuses a display name that would break a header, naming the field', async () => {
    const fields = await refusedFields({
      to: [{ name: '山田\r\nBcc: victim@example.jp', address: 'yamada@example.jp' }],
      replyTo: { name: 'x'.repeat(201), address: 'a@example.jp' },
      fromName: '営業部\u0000',
      subject: '件名',
      text: 'x',
    });
    expect(fields).toEqual([
      ['to.0.name', 'validation.control_chars'],
      ['replyTo.name', 'validation.too_long'],
      ['fromName', 'validation.control_chars'],
    ]);
    expect(await deliveries()).toHaveLength(0);
  });

  it('refuses the line breaks a mail client shows that are not CR or LF (NEL, U+2028, U+2029, C1) in one-line fields', async () => {
    const fields = await refusedFields({
      to: [{ name: '山田\u2028Bcc: victim@example.jp', address: 'yamada@example.jp' }],
      replyTo: { name: '営業\u0085X-Injected: 1', address: 'a@example.jp' },
      fromName: '総務\u2029部',
      subject: '請求書\u009b送付',
      text: '本文の\u2028改行はそのまま',
      attachments: [{ filename: 'a.csv', contentType: 'text/csv; name="a\u0000\u0085.csv"', content: 'QQ==' }],
    });
    expect(fields).toEqual([
      ['to.0.name', 'validation.control_chars'],
      ['replyTo.name', 'validation.control_chars'],
      ['fromName', 'validation.control_chars'],
      ['subject', 'validation.control_chars'],
      ['attachments.0.contentType', 'validation.invalid'],
    ]);
    expect(await deliveries()).toHaveLength(0);
  });

  it('takes a recipient given as {address} without a name, as nodemailer would', async () => {
    const response = await submit({ to: [{ address: 'yamada@example.jp' }], replyTo: { address: 'sales@example.co.jp' }, subject: '件名', text: 'x' });
    expect(response.statusCode).toBe(202);
    expect(response.json().delivery.to).toBe('yamada@example.jp');
    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    expect(mail.envelope.to).toEqual(['yamada@example.jp']);
    expect(mail.headers.get('reply-to')).toMatchObject({ value: [{ name: '', address: 'sales@example.co.jp' }] });
  });

  it('says how recipients are written when they have another shape, and queues nothing', async () => {
    const shapes = [[{ email: 'yamada@example.jp' }], [{ name: 5, address: 'yamada@example.jp' }], [42], 42, true];
    for (const to of shapes) {
      expect(await refusedFields({ to, replyTo: ['sales@example.co.jp'], subject: '件名', text: 'x' })).toEqual([
        ['to', 'mail.recipients_shape'],
        ['replyTo', 'mail.mailbox_shape'],
      ]);
    }
    const { fields } = (await submit({ to: [42], subject: '件名', text: 'x' })).json().error;
    expect(fields[0].message).toContain('"address"');
    expect(await deliveries()).toHaveLength(0);
  });

  it('takes a field sent as null as left out, as many JSON serialisers write an unset field', async () => {
    const leftOut = { cc: null, bcc: null, replyTo: null, fromName: null, html: null, attachments: null };
    const response = await submit({ to: ['yamada@example.jp'], subject: '件名', text: '本文', ...leftOut });
    expect(response.statusCode).toBe(202);
    expect(response.json().delivery).toMatchObject({ to: 'yamada@example.jp', cc: '', bcc: '' });
    await deliverDue();
    const [mail] = await sink.waitForMessages(1);
    expect(mail.envelope.to).toEqual(['yamada@example.jp']);
    expect(mail.headers.has('reply-to')).toBe(false);
    expect(mail.text?.trim()).toBe('本文');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
    expect(await refusedFields({ to: null, subject: '件名', text: null })).toEqual([
      ['to', 'mail.no_recipients'],
      ['text', 'mail.no_body'],
    ]);
  });

  it('lists the missing body and recipients in the same answer as the other fields’ problems', async () => {
    expect(await refusedFields({ to: 'yamada@', subject: '件名' })).toEqual([
      ['to', 'address.malformed'],
      ['text', 'mail.no_body'],
    ]);
    expect(await refusedFields({ subject: '件名\r\n', text: '本文\u0000' })).toEqual([
      ['subject', 'validation.control_chars'],
      ['to', 'mail.no_recipients'],
      ['text', 'validation.control_chars'],
    ]);
    expect(await deliveries()).toHaveLength(0);
  });

  it('takes the Message-ID domain from the sender, not localhost', async () => {
    const { delivery } = (await submit(japaneseMail)).json();
    expect(delivery.messageId).toMatch(/^<[0-9a-f]+@example\.jp>$/);
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { senderAddress: 'info@例え.jp' }));
    expect((await submit(japaneseMail)).json().delivery.messageId).toMatch(/@xn--r8jz45g\.jp>$/);
  });

  it('words the alert with the server reply once', async () => {
    sink.replyOnConnect('421 4.3.2 Service not available, closing transmission channel');
    await submit(japaneseMail);
    await deliverDue();
    clock.advance(6 * 60_000);
    await deliverDue();
    const [alert] = await deliveries('?kind=alert');
    const row = await t.ctx.db.selectFrom('mail_outbox').select('message').where('id', '=', alert.id).executeTakeFirstOrThrow();
    const text: string = JSON.parse(row.message).text;
    expect(text.split('421 4.3.2 Service not available').length - 1).toBe(1);
  });

  it('logs a transport going down and coming back at info, with the reason, and each mail only at debug without addresses or subjects', async () => {
    let lines = '';
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines += String(chunk);
        done();
      },
    });
    const logged = await createTestApp(dialect, { clock, log: createLogger('debug', capture) });
    const loggedWorker = new OutboxWorker(logged.ctx);
    try {
      const loggedAdmin = await login(logged.app);
      await saveMailSettings(loggedAdmin, smtpSettingsForm(await closedPort()));
      await createMailApi(logged.ctx).enqueue(logged.ctx.db, { to: 'kimura@example.jp', subject: '秘密の件名', text: 'x' });
      await loggedWorker.deliverDueMails();
      await saveMailSettings(loggedAdmin, smtpSettingsForm(sink.port));
      await loggedWorker.deliverDueMails();
      await sink.waitForMessages(1);
    } finally {
      await loggedWorker.stop();
      await logged.close();
    }
    const entries = lines.trim().split('\n').map((line) => JSON.parse(line));
    const info = entries.filter((entry) => entry.level >= 30);
    expect(info.find((entry) => entry.msg === 'mail transport failing')).toMatchObject({ reason: 'smtp.refused' });
    expect(info.some((entry) => entry.msg === 'mail transport recovered: a mail was accepted')).toBe(true);
    expect(JSON.stringify(info)).not.toMatch(/kimura@example\.jp|秘密の件名/);
    const perMail = entries.filter((entry) => entry.msg === 'outbox delivery');
    expect(perMail.map((entry) => [entry.level, entry.outcome])).toEqual([
      [20, 'smtp.refused'],
      [20, 'sent'],
    ]);
    expect(JSON.stringify(perMail)).not.toMatch(/kimura@example\.jp|秘密の件名/);
  });

  async function unsentCount() {
    const rows = await t.ctx.db.selectFrom('mail_outbox').select('id').where('state', 'in', ['queued', 'sending']).where('kind', '=', 'app').execute();
    return rows.length;
  }
});

describe.each(dialects())('the alert while the worker leaves a failing server alone, on $name', (dialect) => {
  let t: TestApp | undefined;
  let worker: OutboxWorker | undefined;
  afterEach(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('goes when the incident reaches TAYORI_TRANSPORT_ALERT_AFTER_MS, not at the next try the back-off allows', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    const clock = testClock();
    // After one failure the worker waits 10–20 minutes before trying the server again.
    t = await createTestApp(dialect, { clock, env: { TAYORI_OUTBOX_RETRY_BASE_MS: '1200000', TAYORI_TRANSPORT_ALERT_AFTER_MS: '300000' } });
    const admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(await closedPort()));
    await createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '件名', text: '本文' });
    worker = new OutboxWorker(t.ctx);
    await worker.deliverDueMails();
    const alerts = async () => (await admin.request('GET', '/api/mail/deliveries?kind=alert')).json().deliveries;
    expect(await alerts()).toEqual([]);

    clock.advance(5 * 60_000 + 1_000);
    await worker.deliverDueMails();
    expect((await admin.request('GET', '/api/health')).json().transport).toMatchObject({ state: 'failing', banner: true });
    const [alert] = await alerts();
    expect(alert).toMatchObject({ to: 'ops@example.jp', subject: '【Tayori】メールを送信できない状態が続いています' });
    expect((await admin.request('GET', '/api/mail/deliveries?kind=app')).json().deliveries[0]).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('goes through the dev mailbox as soon as it is written, not at the next try of the failing server', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    const clock = testClock();
    const devMailboxPort = await freePort();
    t = await createTestApp(dialect, {
      clock,
      env: { TAYORI_OUTBOX_RETRY_BASE_MS: '1200000', TAYORI_TRANSPORT_ALERT_AFTER_MS: '300000', TAYORI_DEV_MAILBOX: '1', TAYORI_DEV_MAILBOX_PORT: String(devMailboxPort) },
    });
    const devMailbox = await startDevMailbox(t.ctx);
    try {
      const admin = await login(t.app);
      await saveMailSettings(admin, smtpSettingsForm(await closedPort()));
      await createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '件名', text: '本文' });
      worker = new OutboxWorker(t.ctx);
      await worker.deliverDueMails();

      clock.advance(5 * 60_000 + 1_000);
      // Before, the alert waited in the outbox until the back-off let the worker try the server again (10–20 minutes).
      await worker.deliverDueMails();
      const [alert] = (await admin.request('GET', '/api/mail/deliveries?kind=alert')).json().deliveries;
      expect(alert).toMatchObject({ state: 'sent', attempts: 1 });
      expect((await admin.request('GET', '/api/dev-mailbox')).json().messages.map((mail: { subject: string }) => mail.subject)).toEqual([
        '【Tayori】メールを送信できない状態が続いています',
      ]);
    } finally {
      await worker?.stop();
      worker = undefined;
      await devMailbox?.stop();
    }
  });
});
