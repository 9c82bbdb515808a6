import type { Kysely } from 'kysely';

/**
 * - transport_state.retry_generation: a settings save or a successful check bumps it, and every
 *   worker, on every instance, ends its back-off when it sees a new value.
 * - mail_outbox.cc_recipients / bcc_recipients: the delivery log shows to, cc and bcc apart
 *   (`recipients` keeps the To line); rows written before are split from their message.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('transport_state')
    .addColumn('retry_generation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('mail_outbox').addColumn('cc_recipients', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('mail_outbox').addColumn('bcc_recipients', 'text', (c) => c.notNull().defaultTo('')).execute();

  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('mail_outbox')
      .select(['id', 'message'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const message = JSON.parse(row.message) as { to?: string[]; cc?: string[]; bcc?: string[] };
      await db
        .updateTable('mail_outbox')
        .set({
          recipients: (message.to ?? []).join(', '),
          cc_recipients: (message.cc ?? []).join(', '),
          bcc_recipients: (message.bcc ?? []).join(', '),
        })
        .where('id', '=', row.id)
        .execute();
    }
    after = rows[rows.length - 1].id;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('bcc_recipients').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('cc_recipients').execute();
  await db.schema.alterTable('transport_state').dropColumn('retry_generation').execute();
}
