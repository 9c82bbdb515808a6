import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_heartbeat_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('error', 'text')
    .addColumn('heartbeat_lost_at', 'text')
    .addColumn('outcome_seen_at', 'text')
    .addColumn('outcome_reported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('long_running_seen_at', 'text')
    .addColumn('long_running_reported', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Everything the monitor looks at: a run leaves this index once its outcome was dealt with,
  // so a look costs what is still open or unreported, never the history.
  await db.schema
    .createIndex('runs_unseen')
    .on('runs')
    .columns(['kind', 'started_at'])
    .where(sql.ref('outcome_seen_at'), 'is', null)
    .execute();
  await db.schema.createIndex('runs_started').on('runs').columns(['started_at', 'id']).execute();
  await db.schema.createIndex('runs_kind_started').on('runs').columns(['kind', 'started_at', 'id']).execute();

  await db.schema
    .createTable('report_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('monitor_looks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('fencing_token', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitor_looks_at').on('monitor_looks').column('at').execute();

  await db.schema
    .createTable('monitor_digests')
    .addColumn('mail_id', 'text', (c) => c.primaryKey())
    .addColumn('look_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitor_digests_kind_at').on('monitor_digests').columns(['kind', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['monitor_digests', 'monitor_looks', 'report_tokens', 'runs']) {
    await db.schema.dropTable(table).execute();
  }
}
