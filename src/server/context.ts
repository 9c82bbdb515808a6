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

/**
 * A value kept for each installation the process serves (one in production, one per test),
 * made the first time it is asked for: state a module keeps beside the context without every
 * caller passing it down.
 */
export function perContext<T>(make: (ctx: AppContext) => T): (ctx: AppContext) => T {
  const values = new WeakMap<AppContext, T>();
  return (ctx) => {
    let value = values.get(ctx);
    if (value === undefined) {
      value = make(ctx);
      values.set(ctx, value);
    }
    return value;
  };
}
