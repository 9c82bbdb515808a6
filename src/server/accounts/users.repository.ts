import type { ExpressionBuilder, Insertable, Selectable, Updateable } from 'kysely';
import type { Database, DialectName } from '../db/database.js';
import type { DB, UsersTable } from '../db/schema.js';

export type UserRow = Selectable<UsersTable>;

export function findUserById(db: Database, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Login IDs are one identity whatever their case (`ADMIN` is `admin`); a unique index on
 * lower(login_id) keeps it so. Only ASCII letters are folded, as SQLite's lower() does: login IDs
 * are ASCII, and folding more (the Kelvin sign to `k`) would let another string name an account.
 */
const foldAsciiCase = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
export const foldLoginId = foldAsciiCase;

/** The language and time zone a person reads mail in. */
export interface Reading {
  locale: UserRow['locale'];
  timeZone: string;
}

/**
 * The language and zone of the active users these addresses belong to, by address with ASCII
 * letters folded (as SQLite's lower() folds them): a copy of a notice to a colleague reads as
 * their own mail does. An address that is nobody's is absent.
 */
export async function readersByAddress(db: Database, addresses: string[]): Promise<(address: string) => Reading | undefined> {
  const folded = [...new Set(addresses.map(foldAsciiCase))];
  const rows =
    folded.length === 0
      ? []
      : await db
          .selectFrom('users')
          .select(['email', 'locale', 'time_zone'])
          .where('active', '=', 1)
          .where((eb) => eb(eb.fn('lower', ['email']), 'in', folded))
          .orderBy('created_at')
          .execute();
  const readers = new Map<string, Reading>();
  for (const row of rows) {
    const key = foldAsciiCase(row.email ?? '');
    if (!readers.has(key)) readers.set(key, { locale: row.locale, timeZone: row.time_zone });
  }
  return (address) => readers.get(foldAsciiCase(address));
}

/** The account whose login ID folds to `foldedLoginId` (already passed through foldLoginId). */
export function loginIdFoldsTo(eb: ExpressionBuilder<DB, 'users'>, foldedLoginId: string) {
  return eb(eb.fn('lower', ['users.login_id']), '=', foldedLoginId);
}

export function loginIdIs(eb: ExpressionBuilder<DB, 'users'>, loginId: string) {
  return loginIdFoldsTo(eb, foldLoginId(loginId));
}

export function findUserByLoginId(db: Database, loginId: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => loginIdIs(eb, loginId))
    .executeTakeFirst();
}

export function listUsers(db: Database): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('login_id').execute();
}

export async function countUsers(db: Database): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The active administrators, counted inside the caller's transaction with their rows locked on
 * PostgreSQL until it ends. Counted without the lock, two administrators demoting or deactivating
 * each other at once on two instances each saw two and both went through: none was left. With it,
 * the second waits, then counts again without the first's change undone. SQLite writes one
 * transaction at a time anyway.
 */
export async function lockActiveAdmins(db: Database, dialect: DialectName): Promise<number> {
  const admins = db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', 1).orderBy('id');
  return (await (dialect === 'postgres' ? admins.forUpdate() : admins).execute()).length;
}

/**
 * False when the login ID (whatever its case) was taken meanwhile: two instances creating `Sato`
 * and `sato` at once both found it free, and the second insert's unique-index error was a 500.
 */
export async function insertUser(db: Database, user: Insertable<UsersTable>): Promise<boolean> {
  const inserted = await db.insertInto('users').values(user).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export async function updateUser(db: Database, id: string, changes: Updateable<UsersTable>): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}
