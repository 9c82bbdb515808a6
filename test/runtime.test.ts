import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { freshAppEachTest, login } from './support/app.js';
import { spawnTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/** The processes whose parent is `pid`, read from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// The command under test is the compiled one, so it is compiled from this checkout first.
beforeAll(() => {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}, 300_000);

describe.each(dialects())('the installed tayori command on $name', (dialect) => {
  let sink: SmtpSink;
  const t = freshAppEachTest(dialect);

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    sink.delayDataReply(20);
    await saveMailSettings(await login(t.app), smtpSettingsForm(sink.port));
    await t.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 200; i++) await createMailApi(t.ctx).enqueue(trx, { to: `u${i}@example.jp`, subject: `通知${i}`, text: 'x' });
    });
  });
  afterEach(async () => {
    await sink?.close();
  });

  const env = () => ({ TAYORI_DATA_DIR: t.dataDir, TAYORI_DATABASE_URL: t.databaseUrl, TAYORI_LOG_LEVEL: 'warn' });
  const stillSending = async () =>
    (await t.ctx.db.selectFrom('mail_outbox').select('id').where('state', '=', 'sending').execute()).length;

  it('is itself the process that sends: SIGTERM stops it cleanly with nothing left half-sent, and nothing runs on without it', async () => {
    const worker = spawnTayori(['worker'], env(), { bin: true });
    await until(() => sink.messages.length >= 10, 'the first mails');
    expect(childrenOf(worker.child.pid!)).toEqual([]);

    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(await stillSending()).toBe(0);
    const sentAtExit = sink.messages.length;
    expect(sentAtExit).toBeLessThan(200);
    const recorded = await t.ctx.db.selectFrom('mail_outbox').select('id').where('state', '=', 'sent').execute();
    expect(recorded).toHaveLength(sentAtExit);
  });

  it('leaves no orphan behind when killed with SIGKILL', async () => {
    const worker = spawnTayori(['worker'], env(), { bin: true });
    await until(() => sink.messages.length >= 10, 'the first mails');
    const descendants = childrenOf(worker.child.pid!);
    worker.child.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    expect(descendants).toEqual([]);
  });
});
