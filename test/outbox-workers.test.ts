import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { freshAppEachTest, login } from './support/app.js';
import { spawnTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const MAILS = 300;
const CONCURRENCY = 5;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(dialects())('outbox workers as separate processes on $name', (dialect) => {
  let sink: SmtpSink;
  const contexts: AppContext[] = [];
  const t = freshAppEachTest(dialect);

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    await saveMailSettings(await login(t.app), smtpSettingsForm(sink.port));
  });
  afterEach(async () => {
    for (const ctx of contexts.splice(0)) await ctx.database.close();
    await sink?.close();
  });

  async function enqueueMails(count = MAILS) {
    const mail = createMailApi(t.ctx);
    await t.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < count; i++) {
        await mail.enqueue(trx, { to: `user${i}@example.jp`, subject: `お知らせ ${i}`, text: `本文 ${i}` });
      }
    });
  }

  const workerEnv = (leaseMs: number) => ({
    TAYORI_DATA_DIR: t.dataDir,
    TAYORI_DATABASE_URL: t.databaseUrl,
    TAYORI_LOG_LEVEL: 'warn',
    TAYORI_OUTBOX_LEASE_MS: String(leaseMs),
    TAYORI_OUTBOX_POLL_MS: '50',
    TAYORI_OUTBOX_CONCURRENCY: String(CONCURRENCY),
  });

  /** A second context on the test's database, for an in-process worker with its own settings. */
  function workerContext(env: Record<string, string>) {
    const config = loadConfig({ ...workerEnv(120_000), TAYORI_LOG_LEVEL: 'silent', ...env });
    const ctx = createContext(config);
    contexts.push(ctx);
    return ctx;
  }

  async function sentCount() {
    const row = await t.ctx.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('state', '=', 'sent')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  function arrivalsByMessageId() {
    const arrivals = new Map<string, number>();
    for (const received of sink.messages) arrivals.set(received.messageId!, (arrivals.get(received.messageId!) ?? 0) + 1);
    return arrivals;
  }

  it('never sends a mail twice when three workers share the outbox', async () => {
    await enqueueMails();
    const workers = [0, 1, 2].map(() => spawnTayori(['worker'], workerEnv(120_000)));
    await until(async () => (await sentCount()) === MAILS, 90_000, 'every mail to be sent by the three workers');
    await sink.waitForMessages(MAILS);
    const arrivals = arrivalsByMessageId();
    expect(arrivals.size).toBe(MAILS);
    expect([...arrivals.values()].every((count) => count === 1)).toBe(true);
    expect(sink.messages).toHaveLength(MAILS);
    const claimedTwice = await t.ctx.db.selectFrom('mail_outbox').select('id').where('attempts', '!=', 1).execute();
    expect(claimedTwice).toHaveLength(0);
    for (const worker of workers) worker.child.kill('SIGTERM');
  });

  it('sends each mail once with one worker that is never killed, even when every DATA answer outlasts a slice of the lease', async () => {
    // The worker must renew the lease of the mails it holds: before, it claimed 50 mails for 5
    // connections and its own mails, waiting in its queue, expired and were claimed again.
    sink.delayDataReply(300);
    await enqueueMails(100);
    const worker = new OutboxWorker(workerContext({ TAYORI_OUTBOX_LEASE_MS: '2000' }));
    worker.start();
    try {
      await until(async () => (await sentCount()) === 100, 90_000, 'every mail to be sent');
    } finally {
      await worker.stop();
    }
    const arrivals = arrivalsByMessageId();
    expect(arrivals.size).toBe(100);
    expect([...arrivals.values()].filter((count) => count > 1)).toEqual([]);
  });

  it('loses no mail across repeated kills; only mails in flight at a kill repeat, at most one per connection, and a resend costs no attempt', { timeout: 600_000 }, async () => {
    await enqueueMails(MAILS);
    const env = workerEnv(3000);
    const kills = 3;
    for (let kill = 0; kill < kills; kill++) {
      const before = sink.messages.length;
      const worker = spawnTayori(['worker'], env);
      await until(() => sink.messages.length >= before + 40, 240_000, 'the worker to deliver some mail');
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    expect(await sentCount()).toBeLessThan(MAILS);

    spawnTayori(['worker'], env);
    await until(async () => (await sentCount()) === MAILS, 240_000, 'every mail to be sent after the last restart');

    const rows = await t.ctx.db.selectFrom('mail_outbox').select(['message_id', 'attempts']).execute();
    const arrivals = arrivalsByMessageId();
    const lost = rows.filter((row) => !arrivals.has(row.message_id));
    expect(lost).toEqual([]);
    const duplicates = [...arrivals.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(kills * CONCURRENCY);
    expect(rows.filter((row) => row.attempts !== 1)).toEqual([]);
  });
});
