import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { MailSettingsTable } from '../db/schema.js';

export type MailSettingsRow = Selectable<MailSettingsTable>;

/** Everything a save writes. */
export type MailSettingsWrite = Omit<Insertable<MailSettingsTable>, 'id'>;

export const MAIL_SETTINGS_ID = 1;

export function findMailSettingsRow(db: Database): Promise<MailSettingsRow | undefined> {
  return db.selectFrom('mail_settings').selectAll().where('id', '=', MAIL_SETTINGS_ID).executeTakeFirst();
}

/**
 * Writes the one settings row if it is still at `expectedVersion` (0: no row yet). False when
 * another save came first, so concurrent saves cannot overwrite each other unseen.
 */
export async function writeMailSettingsRow(db: Database, expectedVersion: number, values: MailSettingsWrite): Promise<boolean> {
  if (expectedVersion === 0) {
    const inserted = await db
      .insertInto('mail_settings')
      .values({ id: MAIL_SETTINGS_ID, ...values })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
  const updated = await db
    .updateTable('mail_settings')
    .set(values)
    .where('id', '=', MAIL_SETTINGS_ID)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}
