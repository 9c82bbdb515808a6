import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

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
  const name = `tayori_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
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
