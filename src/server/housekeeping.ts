import { purgeExpiredSessions } from './accounts/sessions.service.js';
import { purgeCountersBefore } from './http/rate-limits.repository.js';
import type { AppContext } from './context.js';
import type { BackgroundService } from './main.js';
import { purgeLooksBefore } from './monitoring/monitor.repository.js';
import { purgeRunsStartedBefore } from './monitoring/runs.repository.js';
import { purgeFinishedBefore } from './outbox/outbox.repository.js';

const EVERY_MS = 3_600_000;

/** Removes what has outlived its use: finished delivery-log rows, runs and monitor looks past retention, ended sessions, old rate-limit counters. */
export async function runHousekeeping(ctx: AppContext): Promise<void> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.retentionMs).toISOString();
  const purged = await purgeFinishedBefore(ctx.db, cutoff);
  if (purged > 0) ctx.log.info({ purged }, 'purged old delivery log rows');
  const purgedRuns = await purgeRunsStartedBefore(ctx.db, cutoff);
  if (purgedRuns > 0) ctx.log.info({ purged: purgedRuns }, 'purged old runs');
  await purgeLooksBefore(ctx.db, cutoff);
  await purgeExpiredSessions(ctx);
  await purgeCountersBefore(ctx.db, new Date(ctx.clock.now().getTime() - 3_600_000).toISOString());
}

export async function startHousekeeping(ctx: AppContext): Promise<BackgroundService> {
  const run = () => runHousekeeping(ctx).catch((error) => ctx.log.error({ err: error }, 'housekeeping failed'));
  await run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return { name: 'housekeeping', stop: async () => clearInterval(timer) };
}
