import type { Database } from '../db/database.js';

/**
 * Counts one request of `key` in one atomic statement: a new window starts when the last one has
 * ended, else the count goes up. Correct across instances, with no read before the write.
 */
export async function countHit(
  db: Database,
  hit: { key: string; nowIso: string; windowEndedBeforeIso: string },
): Promise<{ hits: number; windowStartedAt: string }> {
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ key: hit.key, window_started_at: hit.nowIso, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const windowOver = eb('rate_limit_counters.window_started_at', '<=', hit.windowEndedBeforeIso);
        return {
          hits: eb.case().when(windowOver).then(1).else(eb('rate_limit_counters.hits', '+', 1)).end(),
          window_started_at: eb.case().when(windowOver).then(hit.nowIso).else(eb.ref('rate_limit_counters.window_started_at')).end(),
        };
      }),
    )
    .returning(['hits', 'window_started_at'])
    .executeTakeFirstOrThrow();
  return { hits: row.hits, windowStartedAt: row.window_started_at };
}

/** Counters whose window ended before the cutoff are of no use any more. */
export async function purgeCountersBefore(db: Database, cutoffIso: string): Promise<void> {
  await db.deleteFrom('rate_limit_counters').where('window_started_at', '<', cutoffIso).execute();
}
