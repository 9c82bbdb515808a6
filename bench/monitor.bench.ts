/**
 * One look of the monitor (issue: スレッド監視) over a long history, on SQLite with the
 * production settings.
 *
 * A database gets N historic runs (all reported, as after months of use; written with one
 * recursive INSERT … SELECT) and 1,000 unreported events across the three kinds: 300 succeeded,
 * 300 failed, 200 still running past the 長時間 threshold, 200 whose heartbeats stopped. Then the
 * product's monitor makes one real look — lease, settings, marks, three digests written to the
 * outbox and committed — timed from the outside. The same look over 10,000 historic runs comes
 * first, to show that the cost follows the events, not the history.
 *
 *   npm run bench:monitor            (HISTORY=200000 npm run bench:monitor for a quick look)
 *
 * Last line: `monitor_tick_ms <ms of the look over 1,000,000 historic runs>`; goal < 100.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { mailSettingsFormSchema, THREAD_KINDS } from '../src/contracts/mail-settings.js';
import { systemActor } from '../src/server/audit/audit.service.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { Monitor } from '../src/server/monitoring/monitor.js';
import { saveMailSettings } from '../src/server/settings/mail-settings.service.js';

const HISTORY = Number(process.env.HISTORY ?? 1_000_000);
const NOW = new Date('2026-04-01T00:00:00.000Z');
const EVENTS = { succeeded: 300, failed: 300, longRunning: 200, heartbeatLost: 200 };

async function prepare(ctx: AppContext) {
  await prepareInstallation(ctx, () => {});
  const watchAll = { enabled: true, normalEnd: true, abnormalEnd: true, longRunning: true, longRunningHours: 3 };
  await saveMailSettings(
    ctx,
    systemActor('bench'),
    mailSettingsFormSchema.parse({
      sendingEnabled: true,
      server: 'smtp',
      smtp: { host: '127.0.0.1', port: 2525, security: 'none', authEnabled: false },
      senderAddress: 'sender@example.jp',
      suspensionRecipients: '',
      monitoring: {
        intervalMinutes: 10,
        recipients: 'ops@example.jp; batch-team@example.jp',
        kinds: Object.fromEntries(THREAD_KINDS.map((kind) => [kind, watchAll])),
      },
    }),
  );
}

const kindOf = (i: ReturnType<typeof sql.raw>) =>
  sql`case ${i} % 3 when 0 then 'data-source' when 1 then 'google-calendar-sync' else 'analytics-link' end`;

/** Historic runs: finished weeks before NOW, one every 5 seconds, every one already reported. */
async function insertHistory(ctx: AppContext, count: number) {
  const i = sql.raw('i');
  const started = sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${NOW.toISOString()}, '-30 days', '-' || (i * 5) || ' seconds')`;
  const ended = sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${NOW.toISOString()}, '-30 days', '-' || (i * 5) || ' seconds', '+60 seconds')`;
  await sql`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
    insert into runs (id, kind, name, started_at, last_heartbeat_at, ended_at, outcome, error,
                      outcome_seen_at, outcome_reported, long_running_seen_at, long_running_reported)
    select printf('h%025d', i), ${kindOf(i)}, 'historic run ' || i, ${started}, null, ${ended},
           case when i % 10 = 0 then 'failed' else 'succeeded' end,
           case when i % 10 = 0 then 'exit code 1' else null end,
           ${ended}, 1, ${ended}, 0
    from n`.execute(ctx.db);
}

/** The 1,000 events a look has to report, spread over the three kinds. */
async function insertEvents(ctx: AppContext) {
  const rows: Record<string, unknown>[] = [];
  const at = (minutesBefore: number) => new Date(NOW.getTime() - minutesBefore * 60_000).toISOString();
  const add = (count: number, make: (n: number) => Record<string, unknown>) => {
    for (let n = 0; n < count; n++) {
      const index = rows.length;
      rows.push({ id: `e${String(index).padStart(25, '0')}`, kind: THREAD_KINDS[index % 3], name: `event ${index}`, ...make(n) });
    }
  };
  add(EVENTS.succeeded, () => ({ started_at: at(9), ended_at: at(8), outcome: 'succeeded' }));
  add(EVENTS.failed, () => ({ started_at: at(9), ended_at: at(8), outcome: 'failed', error: 'Traceback …\nValueError: bad row' }));
  add(EVENTS.longRunning, () => ({ started_at: at(200), last_heartbeat_at: at(1) }));
  add(EVENTS.heartbeatLost, () => ({ started_at: at(60), last_heartbeat_at: at(20) }));
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 100) await trx.insertInto('runs').values(rows.slice(i, i + 100) as never).execute();
  });
}

async function measureLook(history: number, { quiet = false } = {}): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tayori-bench-monitor-'));
  const config = loadConfig({ TAYORI_DATA_DIR: dataDir, TAYORI_LOG_LEVEL: 'warn', TAYORI_INITIAL_ADMIN_PASSWORD: 'bench-password' });
  const ctx = createContext(config, { clock: { now: () => NOW } });
  try {
    await prepare(ctx);
    const filling = performance.now();
    await insertHistory(ctx, history);
    await insertEvents(ctx);
    if (!quiet) console.log(`history ${history} runs written in ${Math.round(performance.now() - filling)} ms`);

    const monitor = new Monitor(ctx);
    const started = performance.now();
    const look = await monitor.tick();
    const ms = performance.now() - started;

    const reported = Object.values(look?.digests ?? {}).reduce((sum, n) => sum + n, 0);
    const digests = await ctx.db.selectFrom('mail_outbox').select('subject').where('kind', '=', 'monitor').execute();
    if (reported !== 1000 || digests.length !== 3) throw new Error(`the look reported ${reported} runs in ${digests.length} digests`);
    if (!quiet) for (const digest of digests) console.log(`  ${digest.subject}`);
    return ms;
  } finally {
    await ctx.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await measureLook(1_000, { quiet: true }); // warms the JIT and the query compiler up: not a figure
const small = await measureLook(10_000);
console.log(`monitor_tick_ms_over_10000_runs ${small.toFixed(1)}`);
const large = await measureLook(HISTORY);
console.log(`monitor_tick_ms ${large.toFixed(1)}`);
