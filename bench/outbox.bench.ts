/**
 * Outbox throughput against raw nodemailer, in one run (issue: durable outbox).
 *
 * 10,000 mails are enqueued through the product's own path (one transaction per mail, as the
 * application does), then delivered by the product's worker to a loopback smtp-server sink while
 * another 1,000 are enqueued one at a time: their enqueue latency is the figure a business
 * transaction sees while the worker is sending (goal p99 < 2 ms). The worker's clock stops when
 * the last sent mail is recorded in the database. Raw nodemailer sends as many messages to the
 * same sink with the same pool size and concurrency; its clock stops when the last send is
 * accepted. Both sides are warmed up alike before the rounds. SQLite uses the product's
 * production settings. The whole run gives up after BENCH_TIMEOUT_S (default 900) seconds.
 *
 *   npm run bench:outbox            (MAILS=2000 npm run bench:outbox for a quick look)
 *
 * Last line: `outbox_vs_raw_ratio <outbox throughput ÷ raw throughput>`; goal ≥ 0.85.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { type CountingSink as Sink, startCountingSink } from './counting-sink-client.js';
import { runPgWorkers } from './outbox-pg-workers.js';
import { sinkSettings } from './support.js';
import { systemActor } from '../src/server/audit/audit.service.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { saveMailSettings } from '../src/server/settings/mail-settings.service.js';

const MAILS = Number(process.env.MAILS ?? 10_000);

// `-- --pg --workers N`: N worker processes against one, on PostgreSQL (bench/outbox-pg-workers.ts).
if (process.argv.includes('--pg')) {
  const workers = Number(process.argv[process.argv.indexOf('--workers') + 1] ?? 2) || 2;
  await runPgWorkers(workers, Number(process.env.MAILS ?? 3_000));
  process.exit(0);
}
const WHILE_SENDING = Math.ceil(MAILS / 10);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);
setTimeout(() => {
  console.error(`bench:outbox gave up after ${TIMEOUT_S} s`);
  process.exit(1);
}, TIMEOUT_S * 1000).unref();

const message = (i: number) => ({
  to: `customer${i}@example.jp`,
  subject: `【ご案内】ご注文番号 ${i} の発送について`,
  text: `お客様各位\n\nご注文番号 ${i} の商品を発送いたしました。\n今後ともよろしくお願いいたします。\n`,
});


async function rawNodemailer(sink: Sink, concurrency: number, mails = MAILS + WHILE_SENDING) {
  await sink.reset();
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: concurrency,
  });
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < mails) {
        const i = next++;
        await transporter.sendMail({ from: 'sender@example.jp', messageId: `<raw-${i}@bench>`, ...message(i) });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = cpuMicrosSince(cpu);
  await sink.until(mails);
  transporter.close();
  return { throughput: mails / seconds, cpuPerMailUs: cpuMicros / mails };
}

/** CPU time of this process since `start`, in µs: what a side costs whatever else the machine does. */
function cpuMicrosSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function productOutbox(sink: Sink, mails = MAILS) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tayori-bench-'));
  const config = loadConfig({ TAYORI_DATA_DIR: dataDir, TAYORI_LOG_LEVEL: 'warn', TAYORI_INITIAL_ADMIN_PASSWORD: 'bench-password' });
  const ctx = createContext(config);
  try {
    await prepareInstallation(ctx, () => {});
    await saveMailSettings(ctx, systemActor('bench'), sinkSettings(sink.port));

    const mail = createMailApi(ctx);
    const enqueueTimed = async (i: number) => {
      const started = performance.now();
      await ctx.db.transaction().execute((trx) => mail.enqueue(trx, message(i)));
      return performance.now() - started;
    };
    const idle: number[] = [];
    for (let i = 0; i < mails; i++) idle.push(await enqueueTimed(i));

    const total = mails + Math.ceil(mails / 10);
    await sink.reset();
    const worker = new OutboxWorker(ctx);
    const started = performance.now();
    const cpu = process.cpuUsage();
    worker.start();
    const whileSending: number[] = [];
    for (let i = mails; i < total; i++) {
      whileSending.push(await enqueueTimed(i));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // The sink counts in its own process; only the short tail after it is polled here, so the
    // polling does not compete with the worker for this process's database connection.
    await sink.until(total);
    while ((await sentCount(ctx)) < total) await new Promise((resolve) => setTimeout(resolve, 1));
    const seconds = (performance.now() - started) / 1000;
    const cpuMicros = cpuMicrosSince(cpu);
    await worker.stop();
    idle.sort((a, b) => a - b);
    whileSending.sort((a, b) => a - b);
    return {
      throughput: total / seconds,
      cpuPerMailUs: cpuMicros / total,
      idleP99: percentile(idle, 99),
      p50: percentile(whileSending, 50),
      p99: percentile(whileSending, 99),
      concurrency: config.outbox.concurrency,
    };
  } finally {
    await ctx.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function sentCount(ctx: ReturnType<typeof createContext>): Promise<number> {
  const row = await ctx.db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const sink = await startCountingSink();
const concurrency = loadConfig({}).outbox.concurrency;
// Warm-up of both sides alike, not counted: no figure must pay for JIT compilation.
await rawNodemailer(sink, concurrency, 1_100);
await productOutbox(sink, 1_000);
// Rounds alternate the two senders and each round gives a ratio, so a slow moment of this
// shared machine weighs on one round, not on one side.
const rounds: { raw: Awaited<ReturnType<typeof rawNodemailer>>; outbox: Awaited<ReturnType<typeof productOutbox>> }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const raw = await rawNodemailer(sink, concurrency);
  const outbox = await productOutbox(sink);
  rounds.push({ raw, outbox });
  console.log(
    `round ${round + 1}: raw nodemailer ${raw.throughput.toFixed(0)} mails/s (${raw.cpuPerMailUs.toFixed(0)} µs CPU a mail), ` +
      `outbox worker ${outbox.throughput.toFixed(0)} mails/s (${outbox.cpuPerMailUs.toFixed(0)} µs CPU a mail), ` +
      `ratio ${(outbox.throughput / raw.throughput).toFixed(3)}, enqueue while sending p50 ${outbox.p50.toFixed(3)} ms, ` +
      `p99 ${outbox.p99.toFixed(3)} ms (idle p99 ${outbox.idleP99.toFixed(3)} ms)`,
  );
}
await sink.close();

console.log(`mails: ${MAILS} + ${WHILE_SENDING} a round, ${ROUNDS} rounds, pool size and concurrency: ${concurrency}, database: SQLite (production pragmas)`);
console.log(`enqueue_idle_p99_ms ${median(rounds.map((r) => r.outbox.idleP99)).toFixed(3)}`);
console.log(`enqueue_while_sending_p50_ms ${median(rounds.map((r) => r.outbox.p50)).toFixed(3)}`);
console.log(`enqueue_while_sending_p99_ms ${median(rounds.map((r) => r.outbox.p99)).toFixed(3)}`);
console.log(`cpu_per_mail_us raw ${median(rounds.map((r) => r.raw.cpuPerMailUs)).toFixed(0)} outbox ${median(rounds.map((r) => r.outbox.cpuPerMailUs)).toFixed(0)}`);
console.log(`outbox_vs_raw_ratio ${median(rounds.map((r) => r.outbox.throughput / r.raw.throughput)).toFixed(3)}`);
