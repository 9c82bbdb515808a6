import { rmSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import { type TestDatabase, type TestDialect, tempDir } from './databases.js';

export interface FreshInstallation {
  database: TestDatabase;
  dataDir: string;
  /** The environment of a `tayori` process of this installation, plus any extra variables. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/**
 * An empty database of the dialect and an empty data dir for every test of the calling
 * `describe` block, for tests that run the command or the migrations themselves.
 */
export function freshInstallationEachTest(dialect: TestDialect): FreshInstallation {
  const current: FreshInstallation = {
    database: undefined as unknown as TestDatabase,
    dataDir: '',
    env: (extra = {}) => ({ TAYORI_DATA_DIR: current.dataDir, TAYORI_DATABASE_URL: current.database.url, ...extra }),
  };
  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    current.database = await dialect.create();
    current.dataDir = tempDir();
  });
  afterEach(async () => {
    if (dialect.skip) return;
    await current.database.drop();
    rmSync(current.dataDir, { recursive: true, force: true });
  });
  return current;
}
