import type { Kysely } from 'kysely';

/**
 * mail_outbox_idempotency holds only mails sent with an idempotency key. Every other mail (all of
 * Tayori's own and most of the application's) wrote an entry for (token, null) on its insert and
 * on each of its state changes, none of which a key lookup could ever find.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('mail_outbox_idempotency').execute();
  await db.schema
    .createIndex('mail_outbox_idempotency')
    .on('mail_outbox')
    .columns(['service_token_id', 'idempotency_key'])
    .unique()
    .where('idempotency_key', 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('mail_outbox_idempotency').execute();
  await db.schema.createIndex('mail_outbox_idempotency').on('mail_outbox').columns(['service_token_id', 'idempotency_key']).unique().execute();
}
