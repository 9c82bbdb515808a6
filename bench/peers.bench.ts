/**
 * Tayori against what a team would assemble instead, in one run, side by side (issue 12):
 * - pg-boss + nodemailer on the same PostgreSQL (jobs sent inside the business transaction),
 * - bullmq + nodemailer on the local Redis (jobs added after the business transaction commits),
 * - Tayori on PostgreSQL (mail enqueued inside the business transaction, the product's worker).
 * Each sends MAILS mails (10,000) to one sink in its own process that answers each message after
 * SINK_DELAY_MS (5 ms, a real server's latency), with the same pool size and concurrency (5).
 * Throughput runs from the start of delivery to the last mail counted at the sink; enqueue
 * latency is measured per mail while enqueuing.
 *
 * Three rounds (ROUNDS), the order of the sides rotating from one round to the next; the
 * ratios are the medians of the rounds' own ratios.
 *
 *   npm run bench:peers          (MAILS=2000 ROUNDS=1 npm run bench:peers for a quick look)
 *
 * Last lines: `vs_pgboss_ratio <tayori ÷ pg-boss>` and `vs_bullmq_ratio <tayori ÷ bullmq>`; goal ≥ 1.0.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { systemActor } from '../src/server/audit/audit.service.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { saveMailSettings } from '../src/server/settings/mail-settings.service.js';
import { createThrowawayDatabase } from '../test/support/throwaway-database.js';
import { type CountingSink, startCountingSink } from './counting-sink-client.js';
import { ADMIN_DATABASE_URL, sinkSettings } from './support.js';

const MAILS = Number(process.env.MAILS ?? 10_000);
const CONCURRENCY = 5;
const SINK_DELAY_MS = Number(process.env.SINK_DELAY_MS ?? 5);
// BullMQ needs ioredis clients; a worker's must wait for its commands indefinitely.
const redis = () => new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 1800);
setTimeout(() => {
  console.error(`bench:peers gave up after ${TIMEOUT_S} s`);
  process.exit(1);
}, TIMEOUT_S * 1000).unref();

const message = (i: number) => ({
  to: `customer${i}@example.jp`,
  subject: `【ご案内】ご注文番号 ${i} の発送について`,
  text: `お客様各位\n\nご注文番号 ${i} の商品を発送いたしました。\n`,
});
type Mail = ReturnType<typeof message>;

interface SideResult {
  throughput: number;
  enqueueP99: number;
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)];

async function timedEnqueues(enqueue: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < MAILS; i++) {
    const started = performance.now();
    await enqueue(i);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function withDatabase<T>(use: (url: string) => Promise<T>): Promise<T> {
  const database = await createThrowawayDatabase(ADMIN_DATABASE_URL, 'tayori_peers');
  try {
    return await use(database.url);
  } finally {
    await database.drop();
  }
}

const mailer = (sink: CountingSink) =>
  nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONCURRENCY });

async function pgBoss(sink: CountingSink): Promise<SideResult> {
  return withDatabase(async (url) => {
    const boss = new PgBoss({ connectionString: url, max: 10 });
    boss.on('error', (error) => console.error('pg-boss', error));
    await boss.start();
    await boss.createQueue('mail');
    const business = new pg.Pool({ connectionString: url, max: 2 });
    const latencies = await timedEnqueues(async (i) => {
      const client = await business.connect();
      try {
        await client.query('begin');
        await boss.send('mail', message(i), { db: { executeSql: (text, values) => client.query(text, values as unknown[]) } });
        await client.query('commit');
      } finally {
        client.release();
      }
    });
    await sink.reset();
    const transporter = mailer(sink);
    const started = performance.now();
    // What a team tuning pg-boss for throughput would write: five workers, each fetching the next
    // jobs as soon as a full batch is done.
    await boss.work<Mail>('mail', { localConcurrency: CONCURRENCY, batchSize: 2, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const job of jobs) await transporter.sendMail({ from: 'sender@example.jp', messageId: `<boss-${job.id}@bench>`, ...job.data });
    });
    await sink.until(MAILS);
    const seconds = (performance.now() - started) / 1000;
    await boss.stop({ graceful: false, timeout: 5_000 });
    await business.end();
    transporter.close();
    return { throughput: MAILS / seconds, enqueueP99: p99(latencies) };
  });
}

async function bullmq(sink: CountingSink): Promise<SideResult> {
  const name = `mail-${randomBytes(4).toString('hex')}`;
  const queue = new Queue<Mail>(name, { connection: redis() });
  try {
    const latencies = await timedEnqueues(async (i) => {
      await queue.add('mail', message(i), { removeOnComplete: true });
    });
    await sink.reset();
    const transporter = mailer(sink);
    const started = performance.now();
    const worker = new Worker<Mail>(
      name,
      async (job) => {
        await transporter.sendMail({ from: 'sender@example.jp', messageId: `<bull-${job.id}@bench>`, ...job.data });
      },
      { connection: redis(), concurrency: CONCURRENCY },
    );
    await sink.until(MAILS);
    const seconds = (performance.now() - started) / 1000;
    await worker.close();
    transporter.close();
    return { throughput: MAILS / seconds, enqueueP99: p99(latencies) };
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function tayori(sink: CountingSink): Promise<SideResult> {
  return withDatabase(async (url) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tayori-peers-'));
    const ctx = createContext(
      loadConfig({ TAYORI_DATA_DIR: dataDir, TAYORI_DATABASE_URL: url, TAYORI_LOG_LEVEL: 'warn', TAYORI_INITIAL_ADMIN_PASSWORD: 'bench-password' }),
    );
    try {
      await prepareInstallation(ctx, () => {});
      await saveMailSettings(ctx, systemActor('bench'), sinkSettings(sink.port));
      const mail = createMailApi(ctx);
      const latencies = await timedEnqueues((i) => ctx.db.transaction().execute((trx) => mail.enqueue(trx, message(i)).then(() => {})));
      await sink.reset();
      const worker = new OutboxWorker(ctx);
      const started = performance.now();
      worker.start();
      await sink.until(MAILS);
      const seconds = (performance.now() - started) / 1000;
      await worker.stop();
      return { throughput: MAILS / seconds, enqueueP99: p99(latencies) };
    } finally {
      await ctx.database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sides = { pgboss: pgBoss, bullmq, tayori } as const;
type Side = keyof typeof sides;
const order: Side[] = ['pgboss', 'bullmq', 'tayori'];

const sink = await startCountingSink(SINK_DELAY_MS);
// Each round runs the three sides in turn, starting one further along each time, so no side is
// always the first (cold) or always runs right after another side's database was dropped; each
// round gives its own ratios, and the last lines are their medians.
const rounds: Record<Side, SideResult>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const results = {} as Record<Side, SideResult>;
  for (let i = 0; i < order.length; i++) {
    const side = order[(round + i) % order.length];
    results[side] = await sides[side](sink);
  }
  rounds.push(results);
  console.log(
    `round ${round + 1}: ` +
      order.map((side) => `${side} ${results[side].throughput.toFixed(0)} mails/s (enqueue p99 ${results[side].enqueueP99.toFixed(3)} ms)`).join(', '),
  );
}
await sink.close();
for (const side of order) {
  const throughput = median(rounds.map((r) => r[side].throughput));
  console.log(`${side}: ${throughput.toFixed(0)} mails/s, enqueue p99 ${median(rounds.map((r) => r[side].enqueueP99)).toFixed(3)} ms (medians of ${ROUNDS} rounds)`);
}
console.log(`mails: ${MAILS} a side and round, concurrency ${CONCURRENCY}, sink delay ${SINK_DELAY_MS} ms`);
console.log(`vs_pgboss_ratio ${median(rounds.map((r) => r.tayori.throughput / r.pgboss.throughput)).toFixed(3)}`);
console.log(`vs_bullmq_ratio ${median(rounds.map((r) => r.tayori.throughput / r.bullmq.throughput)).toFixed(3)}`);
process.exit(0);
