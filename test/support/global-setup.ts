import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Decides once whether the PostgreSQL leg runs. Locally it may be skipped, with a visible line;
 * in CI (TAYORI_REQUIRE_POSTGRES=1) an unreachable server fails the run.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresUrl', url);
  } catch (error) {
    if (process.env.TAYORI_REQUIRE_POSTGRES === '1') {
      throw new Error(`PostgreSQL is required (TAYORI_REQUIRE_POSTGRES=1) but ${url} is unreachable: ${String(error)}`);
    }
    console.log(`skipped: no PostgreSQL at ${url} (${String(error)}) — the PostgreSQL leg of every test is skipped`);
    project.provide('postgresUrl', null);
  } finally {
    await client.end().catch(() => {});
  }
}
