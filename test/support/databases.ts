import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createThrowawayDatabase } from './throwaway-database.js';

/** One database of a test: its TAYORI_DATABASE_URL value and how to throw it away. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  skip: boolean;
  create(): Promise<TestDatabase>;
}

const postgresUrl = () => inject('postgresUrl');

export function tempDir(prefix = 'tayori-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const adminUrl = postgresUrl();
  if (!adminUrl) throw new Error('no PostgreSQL for this run');
  return createThrowawayDatabase(adminUrl);
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = tempDir('tayori-sqlite-');
  return {
    url: `sqlite:${join(dir, 'tayori.sqlite')}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both databases, for `describe.each(dialects())`; PostgreSQL is skipped only outside CI. */
export function dialects(): TestDialect[] {
  return [
    { name: 'sqlite', skip: false, create: createSqliteDatabase },
    { name: 'postgres', skip: postgresUrl() === null, create: createPostgresDatabase },
  ];
}
