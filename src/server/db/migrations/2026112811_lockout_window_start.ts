import type { Kysely } from 'kysely';

/**
 * account_lockouts.first_failure_at: when the failures being counted began. [失敗回数を数える期間]
 * is a window from there: failures count together only while the first of them is younger than
 * it. Counted from the previous failure instead, failures any distance apart added up as long as
 * each came within the window of the one before (a mail client retrying an old password every
 * 25 minutes suspended the account after two hours). null (rows from before): counting restarts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account_lockouts').addColumn('first_failure_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account_lockouts').dropColumn('first_failure_at').execute();
}
