/**
 * `npm run bench:outbox -- --pg --workers 2`: does a second worker process double what the outbox
 * delivers on PostgreSQL when the SMTP server sets the pace? One `tayori worker` and then N
 * (compiled, each with the product's pool of 5 connections) deliver MAILS mails to a sink that
 * answers each message after 20 ms; each run has a fresh database, workers started and idle
 * before the mails are committed at once, the clock stopped when the sink has them all.
 *
 * Last line: `pg_two_vs_one_ratio <N workers' throughput ÷ one worker's>` (named for N = 2), goal ≥ 1.8.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../src/server/audit/audit.service.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { saveMailSettings } from '../src/server/settings/mail-settings.service.js';
import { createThrowawayDatabase } from '../test/support/throwaway-database.js';
import { type CountingSink, startCountingSink } from './counting-sink-client.js';
import { ADMIN_DATABASE_URL, sinkSettings } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SINK_DELAY_MS = 20;

async function deliverWith(workers: number, mails: number, sink: CountingSink): Promise<number> {
  const database = await createThrowawayDatabase(ADMIN_DATABASE_URL, 'tayori_workers');
  const dataDir = mkdtempSync(join(tmpdir(), 'tayori-workers-'));
  const env = { TAYORI_DATA_DIR: dataDir, TAYORI_DATABASE_URL: database.url, TAYORI_SECRET_KEY: randomBytes(32).toString('base64'), TAYORI_INITIAL_ADMIN_PASSWORD: 'bench-password' };
  const ctx = createContext(loadConfig({ ...env, TAYORI_LOG_LEVEL: 'warn' }));
  const children: ChildProcess[] = [];
  try {
    await prepareInstallation(ctx, () => {});
    await saveMailSettings(ctx, systemActor('bench'), sinkSettings(sink.port));
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, [join(root, 'bin/tayori.mjs'), 'worker'], {
        env: { PATH: process.env.PATH, ...env, TAYORI_LOG_LEVEL: 'info', TAYORI_OUTBOX_POLL_MS: '100' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let output = '';
      child.stdout!.setEncoding('utf8');
      while (!output.includes('outbox worker started')) output += ((await once(child.stdout!, 'data')) as [string])[0];
      child.stdout!.resume();
    }
    await sink.reset();
    const mail = createMailApi(ctx);
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < mails; i++) await mail.enqueue(trx, { to: `customer${i}@example.jp`, subject: `お知らせ ${i}`, text: `本文 ${i}` });
    });
    const started = performance.now();
    await sink.until(mails);
    return mails / ((performance.now() - started) / 1000);
  } finally {
    for (const child of children) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await ctx.database.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runPgWorkers(workers: number, mails: number): Promise<void> {
  if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('no production build: run `npm run build` first');
  const sink = await startCountingSink(SINK_DELAY_MS);
  const one = await deliverWith(1, mails, sink);
  const many = await deliverWith(workers, mails, sink);
  await sink.close();
  console.log(`one worker: ${one.toFixed(0)} mails/s; ${workers} workers: ${many.toFixed(0)} mails/s (PostgreSQL, ${mails} mails, sink delay ${SINK_DELAY_MS} ms, pool 5 each)`);
  console.log(`pg_two_vs_one_ratio ${(many / one).toFixed(3)}`);
}
