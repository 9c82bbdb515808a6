import type { Selectable, Updateable } from 'kysely';
import type { Database } from '../db/database.js';
import type { OrganisationTable } from '../db/schema.js';

export type OrganisationRow = Selectable<OrganisationTable>;

const ORGANISATION_ID = 1;

export function findOrganisation(db: Database): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisation').selectAll().where('id', '=', ORGANISATION_ID).executeTakeFirst();
}

/** Creates the one organisation row if it is missing; concurrent starts are harmless. */
export async function ensureOrganisationRow(db: Database, defaults: Omit<OrganisationRow, 'id'>): Promise<void> {
  await db
    .insertInto('organisation')
    .values({ id: ORGANISATION_ID, ...defaults })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function updateOrganisationRow(db: Database, changes: Updateable<OrganisationTable>): Promise<void> {
  await db.updateTable('organisation').set(changes).where('id', '=', ORGANISATION_ID).execute();
}
