import SQLite from 'better-sqlite3';
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import { createPrivateFile } from '../security/private-files.js';
import type { DatabaseHandle } from './database.js';
import * as foundation from './migrations/2026112600_foundation.js';
import * as mailDelivery from './migrations/2026112601_mail_delivery.js';
import * as leases from './migrations/2026112700_leases.js';
import * as outboxCorrectness from './migrations/2026112705_outbox_correctness.js';
import * as oauthAuthorisations from './migrations/2026112720_oauth_authorisations.js';
import * as monitoring from './migrations/2026112740_monitoring.js';
import * as lockout from './migrations/2026112730_lockout.js';
import * as rateLimits from './migrations/2026112790_rate_limits.js';
import * as outboxLeanerIndexes from './migrations/2026112800_outbox_leaner_indexes.js';
import * as runOutcomeWatched from './migrations/2026112810_run_outcome_watched.js';
import * as lockoutWindowStart from './migrations/2026112811_lockout_window_start.js';
import * as lockoutSlidingWindow from './migrations/2026112812_lockout_sliding_window.js';
import * as timeZoneSpelling from './migrations/2026112813_time_zone_spelling.js';

/** Exported for tests that need a database as an older version left it. */
export const migrations: Record<string, Migration> = {
  '2026112600_foundation': foundation,
  '2026112601_mail_delivery': mailDelivery,
  '2026112700_leases': leases,
  '2026112705_outbox_correctness': outboxCorrectness,
  '2026112720_oauth_authorisations': oauthAuthorisations,
  '2026112740_monitoring': monitoring,
  '2026112730_lockout': lockout,
  '2026112790_rate_limits': rateLimits,
  '2026112800_outbox_leaner_indexes': outboxLeanerIndexes,
  '2026112810_run_outcome_watched': runOutcomeWatched,
  '2026112811_lockout_window_start': lockoutWindowStart,
  '2026112812_lockout_sliding_window': lockoutSlidingWindow,
  '2026112813_time_zone_spelling': timeZoneSpelling,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * The database was migrated by a newer release than this one: what an operator meets going back
 * to the previous release. Kysely calls it "corrupted migrations", which invites the wrong fix.
 */
export class SchemaFromNewerRelease extends Error {
  constructor(readonly migration: string) {
    super(`the database was migrated by a newer release (${migration})`);
    this.name = 'SchemaFromNewerRelease';
  }
}

const UNKNOWN_EXECUTED_MIGRATION = /^corrupted migrations: previously executed migration (.+) is missing$/;

/**
 * Brings the schema up to date. Safe when several processes start at once: Kysely takes an
 * advisory lock on PostgreSQL, but its SQLite lock is a no-op, so on SQLite we hold an
 * exclusive transaction on a separate lock file for the duration. The operating system
 * releases it if the process dies, so a crash never leaves a stale lock behind.
 */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const releaseLock = handle.target.dialect === 'sqlite' ? await lockSqliteMigrations(handle.target.file) : () => {};
  try {
    const { error, results } = await new Migrator({ db: handle.db, provider }).migrateToLatest();
    const newer = error instanceof Error ? UNKNOWN_EXECUTED_MIGRATION.exec(error.message) : null;
    if (newer) throw new SchemaFromNewerRelease(newer[1]);
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    releaseLock();
  }
}

async function lockSqliteMigrations(databaseFile: string): Promise<() => void> {
  const lockFile = `${databaseFile}.migration-lock`;
  createPrivateFile(lockFile);
  const lock = new SQLite(lockFile);
  lock.pragma('busy_timeout = 60000');
  lock.exec('BEGIN EXCLUSIVE');
  return () => {
    lock.exec('COMMIT');
    lock.close();
  };
}
