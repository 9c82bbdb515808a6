import { type Kysely, sql } from 'kysely';
import { LoginIdsDifferOnlyInCase } from '../migration-stops.js';

/**
 * アカウント停止 (SPEC §3): the admin-editable policy, each account's failure count and
 * suspension, and login IDs that are one identity whatever their case.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await refuseLoginIdsDifferingOnlyInCase(db);
  await db.schema
    .createIndex('users_login_id_case_insensitive')
    .on('users')
    .expression(sql`lower(login_id)`)
    .unique()
    .execute();

  await db.schema
    .createTable('lockout_policy')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('window_minutes', 'integer', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('account_lockouts')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('failure_count', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text')
    .addColumn('last_ip', 'text')
    .addColumn('suspended_at', 'text')
    .addColumn('resumes_at', 'text')
    .addColumn('suspension_failures', 'integer')
    .execute();
  await db.schema.createIndex('account_lockouts_suspended').on('account_lockouts').column('suspended_at').execute();
}

/**
 * Two accounts such as `ADMIN` and `admin` cannot silently become one: which to keep is the
 * operator's decision, so the migration stops and names them.
 */
async function refuseLoginIdsDifferingOnlyInCase(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ login_id: string }>`
    select login_id from users
    where lower(login_id) in (select lower(login_id) from users group by lower(login_id) having count(*) > 1)
    order by lower(login_id), login_id`.execute(db);
  if (rows.length === 0) return;
  const groups = new Map<string, string[]>();
  for (const { login_id } of rows) {
    const key = login_id.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), login_id]);
  }
  const pairs = [...groups.values()].map((ids) => ids.join(' / ')).join(', ');
  throw new LoginIdsDifferOnlyInCase(pairs);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_lockouts').execute();
  await db.schema.dropTable('lockout_policy').execute();
  await db.schema.dropIndex('users_login_id_case_insensitive').execute();
}
