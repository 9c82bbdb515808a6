import { type Kysely, sql } from 'kysely';

/**
 * The Gmail authorisation moves out of the versioned settings document into a row of its own
 * (ARCHITECTURE.md convention 13): state, account, time, tokens and the pending flow of
 * [認証情報を取得]. One row per OAuth provider; the row exists from [認証情報を取得] until 既定 is
 * saved, which is what "the client is locked" means.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_authorisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('account_email', 'text')
    .addColumn('authorised_at', 'text')
    .addColumn('refresh_token', 'text')
    .addColumn('access_token', 'text')
    .addColumn('access_token_expires_at', 'text')
    .addColumn('access_token_renew_at', 'text')
    .addColumn('pending_state_hash', 'text')
    .addColumn('pending_code_verifier', 'text')
    .addColumn('pending_session_id', 'text')
    .addColumn('pending_started_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  const row = await db.selectFrom('mail_settings').select(['id', 'document', 'gmail_refresh_token']).executeTakeFirst();
  if (row) {
    const document = JSON.parse(row.document);
    const { accountEmail = null, authorisedAt = null, state = 'unauthorised', locked = false, ...client } = document.gmail ?? {};
    if (locked || accountEmail || state !== 'unauthorised' || row.gmail_refresh_token) {
      // A token cannot follow: it is encrypted for its old column and this migration holds no
      // key. Earlier versions never obtained one, so an account shown as authorised is asked to
      // authorise again with the same client.
      await db
        .insertInto('oauth_authorisations')
        .values({
          id: 'google',
          state: accountEmail ? 'reauth_required' : 'unauthorised',
          account_email: accountEmail,
          authorised_at: authorisedAt,
          updated_at: new Date().toISOString(),
        })
        .execute();
    }
    await db
      .updateTable('mail_settings')
      .set({ document: JSON.stringify({ ...document, gmail: { clientId: client.clientId ?? null } }) })
      .where('id', '=', row.id)
      .execute();
  }

  await db.schema.alterTable('mail_settings').dropColumn('gmail_refresh_token').execute();
  await db.schema.alterTable('mail_settings').dropColumn('gmail_access_token').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_settings').addColumn('gmail_refresh_token', 'text').execute();
  await db.schema.alterTable('mail_settings').addColumn('gmail_access_token', 'text').execute();
  await sql`drop table oauth_authorisations`.execute(db);
}
