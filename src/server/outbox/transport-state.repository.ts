import type { Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { TransportStateTable } from '../db/schema.js';

export type TransportStateRow = Selectable<TransportStateTable>;

const ROW_ID = 1;

export async function readTransportState(db: Database): Promise<TransportStateRow | undefined> {
  return db.selectFrom('transport_state').selectAll().where('id', '=', ROW_ID).executeTakeFirst();
}

async function ensureRow(db: Database): Promise<void> {
  await db
    .insertInto('transport_state')
    .values({ id: ROW_ID, state: 'ok', failing_since: null, last_success_at: null, last_failure_at: null, last_error: null, last_error_code: null, alerted_at: null, retry_generation: 0 })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function markTransportWorking(db: Database, nowIso: string): Promise<void> {
  await ensureRow(db);
  await db
    .updateTable('transport_state')
    .set({ state: 'ok', failing_since: null, last_success_at: nowIso, alerted_at: null })
    .where('id', '=', ROW_ID)
    .execute();
}

/** The first failure of an incident sets failing_since; later ones only update the reason. */
export async function markTransportFailing(db: Database, nowIso: string, error: { code: string; details: string }): Promise<void> {
  await ensureRow(db);
  await db
    .updateTable('transport_state')
    .set((eb) => ({
      state: 'failing',
      failing_since: eb.fn.coalesce('failing_since', eb.val(nowIso)),
      last_failure_at: nowIso,
      last_error_code: error.code,
      last_error: error.details,
    }))
    .where('id', '=', ROW_ID)
    .execute();
}

/** Claims the one alert of the current incident; true for exactly one caller across instances. */
export async function claimIncidentAlert(db: Database, nowIso: string, failingSinceCutoff: string): Promise<boolean> {
  const result = await db
    .updateTable('transport_state')
    .set({ alerted_at: nowIso })
    .where('id', '=', ROW_ID)
    .where('state', '=', 'failing')
    .where('alerted_at', 'is', null)
    .where('failing_since', '<=', failingSinceCutoff)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The administrator fixed something (a save, a check that got through): every worker, on every
 * instance, ends its back-off when it next looks (it looks every poll interval while it waits).
 */
export async function requestPromptDelivery(db: Database): Promise<void> {
  await ensureRow(db);
  await db
    .updateTable('transport_state')
    .set((eb) => ({ retry_generation: eb('retry_generation', '+', 1) }))
    .where('id', '=', ROW_ID)
    .execute();
}

export async function readRetryGeneration(db: Database): Promise<number> {
  const row = await db.selectFrom('transport_state').select('retry_generation').where('id', '=', ROW_ID).executeTakeFirst();
  return row?.retry_generation ?? 0;
}
