import type { Insertable, Selectable } from 'kysely';
import type { RunOutcome, ThreadKind } from '../../contracts/monitoring.js';
import type { Database } from '../db/database.js';
import type { RunsTable } from '../db/schema.js';
import type { PageCursor } from '../http/pagination.js';

export type RunRow = Selectable<RunsTable>;

/** Ids per statement when many runs are marked at once: far below SQLite's limit of bound values. */
const IDS_PER_STATEMENT = 500;

export async function insertRun(db: Database, row: Insertable<RunsTable>): Promise<void> {
  await db.insertInto('runs').values(row).execute();
}

export function findRun(db: Database, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A run that has not ended takes the heartbeat (one marked "heartbeat lost" too: it may still finish late). */
export async function recordHeartbeat(db: Database, id: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({ last_heartbeat_at: nowIso })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records the end of a run that has not ended. A run the monitor marked "heartbeat lost" has an
 * outcome but no end: its real end replaces the mark and is due to be reported again, as a late
 * finish; whether the loss was reported stays recorded until then (takeUnseenOutcomes). One
 * conditional statement, so a finish racing the monitor is either before or after it.
 */
export function finishRunRow(
  db: Database,
  id: string,
  end: { outcome: RunOutcome; error: string | null; endedAt: string; watched: boolean },
): Promise<RunRow | undefined> {
  return db
    .updateTable('runs')
    .set({ ended_at: end.endedAt, outcome: end.outcome, error: end.error, outcome_seen_at: null, outcome_watched: end.watched ? 1 : 0 })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function listRuns(
  db: Database,
  filter: { limit: number; before?: PageCursor; kind?: ThreadKind; state?: RunOutcome | 'running' },
): Promise<RunRow[]> {
  let query = db.selectFrom('runs').selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.state === 'running') query = query.where('outcome', 'is', null);
  else if (filter.state) query = query.where('outcome', '=', filter.state);
  if (filter.before) {
    const { at, id } = filter.before;
    query = query.where((eb) => eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', id)])]));
  }
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function purgeRunsStartedBefore(db: Database, cutoffIso: string): Promise<number> {
  const result = await db.deleteFrom('runs').where('started_at', '<', cutoffIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ── The monitor's statements: each reads only runs whose outcome is unseen (index runs_unseen). ──

/** Runs of the kind that started before the cutoff and whose 長時間 is undecided. */
export function findLongRunningCandidates(db: Database, kind: ThreadKind, startedBeforeIso: string) {
  return db
    .selectFrom('runs')
    .select(['id', 'started_at', 'ended_at', 'heartbeat_lost_at', 'last_heartbeat_at'])
    .where('kind', '=', kind)
    .where('outcome_seen_at', 'is', null)
    .where('long_running_seen_at', 'is', null)
    .where('started_at', '<=', startedBeforeIso)
    .execute();
}

export async function markLongRunningSeen(db: Database, ids: string[], nowIso: string, reported: boolean): Promise<RunRow[]> {
  const marked: RunRow[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const rows = await db
      .updateTable('runs')
      .set({ long_running_seen_at: nowIso, long_running_reported: reported ? 1 : 0 })
      .where('id', 'in', ids.slice(i, i + IDS_PER_STATEMENT))
      .where('long_running_seen_at', 'is', null)
      .returningAll()
      .execute();
    marked.push(...rows);
  }
  return marked;
}

/** A notice's state on a run: not reported, reported by mail, or in a digest that sending 無効 suppressed. */
export const NOTICE_NOT_REPORTED = 0;
export const NOTICE_REPORTED = 1;
export const NOTICE_SUPPRESSED = 2;

/**
 * The runs a digest would have listed, when no mail left after all: sending was 無効 and the
 * digest was recorded as suppressed, or there was nobody to send it to. They were shown as
 * メールで通知済み.
 */
export async function markNotices(
  db: Database,
  listed: { outcomes: string[]; longRunning: string[] },
  state: typeof NOTICE_NOT_REPORTED | typeof NOTICE_SUPPRESSED,
): Promise<void> {
  for (const [column, ids] of [
    ['outcome_reported', listed.outcomes],
    ['long_running_reported', listed.longRunning],
  ] as const) {
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      await db
        .updateTable('runs')
        .set({ [column]: state })
        .where('id', 'in', ids.slice(i, i + IDS_PER_STATEMENT))
        .execute();
    }
  }
}

/** Marks 異常終了 the running runs of the kind that heartbeated, but not since the cutoff. */
export async function markHeartbeatsLost(db: Database, kind: ThreadKind, silentSinceIso: string, nowIso: string): Promise<void> {
  await db
    .updateTable('runs')
    .set({ outcome: 'failed', heartbeat_lost_at: nowIso })
    .where('kind', '=', kind)
    .where('outcome_seen_at', 'is', null)
    .where('outcome', 'is', null)
    .where('last_heartbeat_at', '<=', silentSinceIso)
    .execute();
}

/**
 * Takes every outcome of the kind not yet dealt with: marks it seen and reported, and settles
 * 長時間 for runs that never got that far. Returns the runs taken. An outcome is reported as the
 * settings stood when the run ended (outcome_watched); one the monitor found itself (heartbeats
 * lost) or recorded before that was kept, when it is one of `reportedNow`. The late finish of a
 * run whose heartbeat loss was reported is reported whatever its outcome, so recipients told
 * 異常終了 learn that it ended after all, even with 正常終了 unchecked; a kind that reports no
 * outcome now (無効, or only 長時間 checked) reports no late finish.
 */
export function takeUnseenOutcomes(db: Database, kind: ThreadKind, nowIso: string, reportedNow: readonly RunOutcome[]): Promise<RunRow[]> {
  return db
    .updateTable('runs')
    .set((eb) => {
      const decidedNow = reportedNow.length === 0 ? eb.lit(0) : eb.case().when('outcome', 'in', reportedNow).then(eb.lit(1)).else(eb.lit(0)).end();
      const lateFinishOfReportedLoss = eb.and([eb('heartbeat_lost_at', 'is not', null), eb('ended_at', 'is not', null), eb('outcome_reported', '=', 1)]);
      return {
        outcome_seen_at: nowIso,
        outcome_reported: eb
          .case()
          .when(lateFinishOfReportedLoss)
          .then(eb.lit(reportedNow.length === 0 ? 0 : 1))
          .else(eb.fn.coalesce('outcome_watched', decidedNow))
          .end(),
        long_running_seen_at: eb.fn.coalesce('long_running_seen_at', eb.val(nowIso)),
      };
    })
    .where('kind', '=', kind)
    .where('outcome_seen_at', 'is', null)
    .where('outcome', 'is not', null)
    .returningAll()
    .execute();
}
