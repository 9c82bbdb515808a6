import type { Kysely } from 'kysely';

/**
 * account_lockouts.recent_failures: the times of the latest failures counted (at most 99, as many
 * as the largest threshold needs), oldest first, each a 24-character ISO time with nothing
 * between. [失敗回数を数える期間] slides with them: a failure suspends the account when the
 * (threshold − 1)th failure before it is still inside the window. Counted from the first failure
 * of a fixed window instead, four failures just before the window ended and four just after it
 * (eight guesses in a few seconds) never reached a threshold of 5. Rows from before start empty.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('account_lockouts')
    .addColumn('recent_failures', 'text', (column) => column.notNull().defaultTo(''))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account_lockouts').dropColumn('recent_failures').execute();
}
