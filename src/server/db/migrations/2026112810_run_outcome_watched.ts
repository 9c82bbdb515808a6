import type { Kysely } from 'kysely';

/**
 * runs.outcome_watched: whether the run's outcome was to be reported (its kind 有効, the outcome
 * checked) when it ended. A look decided it by the settings of the look instead, so a failure
 * that ended while 異常終了 was checked went unreported when the box was unticked before the next
 * look, and one that ended while its kind was 無効 was reported when the kind was switched on.
 * null: ended before this column, or ended by the monitor itself (heartbeats lost).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').addColumn('outcome_watched', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').dropColumn('outcome_watched').execute();
}
