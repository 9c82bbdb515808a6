import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { createTestApp, login, type TestApp } from './support/app.js';
import { spawnTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const MAILS = 300;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(dialects())('outbox workers as separate processes on $name', (dialect) => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    sink = await startSmtpSink({ tls: 'none' });
    t = await createTestApp(dialect);
    await saveMailSettings(await login(t.app), smtpSettingsForm(sink.port));
  });
  afterEach(async () => {
    await t?.close();
    await sink?.close();
  });

  async function enqueueMails() {
    const mail = createMailApi(t.ctx);
    await t.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < MAILS; i++) {
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
    TAYORI_OUTBOX_BATCH_SIZE: '10',
  });

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

  it('loses no mail when a worker is killed, and only mails whose send had started may arrive twice', async () => {
    await enqueueMails();
    const env = workerEnv(1500);

    const first = spawnTayori(['worker'], env);
    await until(() => sink.messages.length >= MAILS / 5, 60_000, 'the first worker to deliver some mail');
    first.child.kill('SIGKILL');
    await first.exited;

    const interrupted = await t.ctx.db.selectFrom('mail_outbox').select('message_id').where('state', '=', 'sending').execute();
    const startedAtCrash = new Set(interrupted.map((row) => row.message_id));
    expect(startedAtCrash.size).toBeGreaterThan(0);
    expect(sink.messages.length).toBeLessThan(MAILS);

    spawnTayori(['worker'], env);
    await until(async () => (await sentCount()) === MAILS, 90_000, 'every mail to be sent after the restart');

    const rows = await t.ctx.db.selectFrom('mail_outbox').select('message_id').execute();
    const arrivals = arrivalsByMessageId();
    for (const row of rows) expect(arrivals.get(row.message_id), `${row.message_id} never arrived`).toBeGreaterThanOrEqual(1);
    const duplicated = [...arrivals].filter(([, count]) => count > 1).map(([id]) => id);
    for (const id of duplicated) expect(startedAtCrash.has(id), `${id} arrived twice without having been sent before the crash`).toBe(true);
    expect(arrivals.size).toBe(MAILS);
  });
});
