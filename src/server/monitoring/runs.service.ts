import {
  type FinishRunRequest,
  type RunView,
  sanitiseRunError,
  startRunRequest,
  type ThreadKind,
} from '../../contracts/monitoring.js';
import type { AppContext } from '../context.js';
import { AppError, notFound, parseOrThrow } from '../errors.js';
import { newId } from '../ids.js';
import { readMailSettings } from '../settings/mail-settings.record.js';
import { reportsOutcome } from './look.js';
import { findRun, finishRunRow, insertRun, NOTICE_REPORTED, NOTICE_SUPPRESSED, recordHeartbeat, type RunRow } from './runs.repository.js';

/** Whose runs a caller may touch: a report token sees only runs of its own kind. */
export interface RunScope {
  kind?: ThreadKind;
}

export const runViewOf = (row: RunRow): RunView => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  startedAt: row.started_at,
  lastHeartbeatAt: row.last_heartbeat_at,
  endedAt: row.ended_at,
  outcome: row.outcome,
  error: row.error,
  heartbeatLostAt: row.heartbeat_lost_at,
  lateFinish: row.heartbeat_lost_at !== null && row.ended_at !== null,
  notices: {
    outcome: {
      seenAt: row.outcome_seen_at,
      reported: row.outcome_reported === NOTICE_REPORTED,
      suppressed: row.outcome_reported === NOTICE_SUPPRESSED,
      // A late finish may still be reported with its heartbeat loss (takeUnseenOutcomes).
      unwatched: row.outcome_watched === 0 && row.heartbeat_lost_at === null,
    },
    longRunning: {
      seenAt: row.long_running_seen_at,
      reported: row.long_running_reported === NOTICE_REPORTED,
      suppressed: row.long_running_reported === NOTICE_SUPPRESSED,
    },
  },
});

export async function startRun(ctx: Pick<AppContext, 'db' | 'clock'>, run: { kind: ThreadKind; name: string }): Promise<string> {
  const id = newId();
  await insertRun(ctx.db, { id, kind: run.kind, name: run.name, started_at: ctx.clock.now().toISOString() });
  return id;
}

export async function heartbeatRun(ctx: Pick<AppContext, 'db' | 'clock'>, id: string, scope: RunScope = {}): Promise<void> {
  await runInScope(ctx, id, scope);
  if (!(await recordHeartbeat(ctx.db, id, ctx.clock.now().toISOString()))) throw new AppError('monitoring.run_finished', 409);
}

/** Records the outcome; a run marked "heartbeat lost" gets its real end, reported again as a late finish. */
export async function finishRun(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  id: string,
  end: FinishRunRequest,
  scope: RunScope = {},
): Promise<void> {
  const run = await runInScope(ctx, id, scope);
  // Reported or not as the settings stand now, when it ends, whatever they say at the next look.
  const { settings } = await readMailSettings(ctx.db);
  const finished = await finishRunRow(ctx.db, id, {
    outcome: end.outcome,
    error: end.error === undefined || end.error === '' ? null : sanitiseRunError(end.error),
    endedAt: ctx.clock.now().toISOString(),
    watched: reportsOutcome(settings.monitoring.kinds[run.kind], end.outcome),
  });
  if (!finished) throw new AppError('monitoring.run_finished', 409);
}

async function runInScope(ctx: Pick<AppContext, 'db'>, id: string, scope: RunScope): Promise<RunRow> {
  const run = await findRun(ctx.db, id);
  if (!run || (scope.kind !== undefined && run.kind !== scope.kind)) throw notFound();
  return run;
}

/** What a thrown value says, as an error text of a run. */
export function describeThrown(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return sanitiseRunError(text);
}

/**
 * The in-process way in (`runs.track`): records the start, each `heartbeat()` the work sends,
 * and the outcome — a thrown error is recorded as 異常終了 with its text and thrown on.
 *
 *   await runs.track('data-source', '顧客マスタ取込', async (heartbeat) => { … await heartbeat(); … });
 */
export function createRunsApi(ctx: Pick<AppContext, 'db' | 'clock'>) {
  return {
    async track<T>(kind: ThreadKind, name: string, work: (heartbeat: () => Promise<void>) => Promise<T>): Promise<T> {
      const id = await startRun(ctx, parseOrThrow(startRunRequest, { kind, name }));
      let result: T;
      try {
        result = await work(() => heartbeatRun(ctx, id));
      } catch (error) {
        await finishRun(ctx, id, { outcome: 'failed', error: describeThrown(error) });
        throw error;
      }
      await finishRun(ctx, id, { outcome: 'succeeded' });
      return result;
    },
  };
}
