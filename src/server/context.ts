import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, DatabaseHandle } from './db/database.js';
import type { SecretBox } from './security/secret-box.js';

/** What every service needs, built once per process (or per test) and passed down. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  log: Logger;
}
