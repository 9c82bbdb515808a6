import { t } from '../i18n/index.js';
import { type Config, consoleLocaleOf } from './config.js';
import { SchemaFromNewerRelease } from './db/migrate.js';
import { LoginIdsDifferOnlyInCase } from './db/migration-stops.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY']);

/**
 * The first use of the database or the data directory failing, said in the operator's language
 * with the setting to change: the driver's own words (`database "x" does not exist`, `connect
 * ECONNREFUSED 127.0.0.1:5999`, `EACCES: permission denied, open …`) name neither. Any other
 * error is returned as it is.
 */
export function startupProblem(error: unknown, config: Pick<Config, 'database' | 'dataDir'>): unknown {
  const { code, message, path } = (error ?? {}) as { code?: string; message?: string; path?: string };
  const said = (key: Parameters<typeof t>[1], params: Record<string, string>) => new Error(t(consoleLocaleOf(), key, params), { cause: error });
  const postgres = config.database.dialect === 'postgres' ? config.database : null;
  if (postgres && code === '3D000') return said('startup.database_missing', { name: databaseNameOf(postgres.url) });
  if (postgres && (code === '28000' || code === '28P01')) return said('startup.database_login_refused', { detail: message ?? code });
  if (postgres && code && UNREACHABLE.has(code)) return said('startup.database_unreachable', { detail: message ?? code });
  // PostgreSQL 15 lets only the database's owner create tables in its public schema.
  if (postgres && code === '42501') return said('startup.database_not_owner', { name: databaseNameOf(postgres.url), detail: message ?? code });
  if (error instanceof SchemaFromNewerRelease) return said('startup.schema_from_newer_release', { migration: error.migration });
  if (error instanceof LoginIdsDifferOnlyInCase) return said('startup.login_ids_differ_in_case', { pairs: error.pairs });
  if (code === 'EISDIR' && config.database.dialect === 'sqlite') return said('startup.database_is_directory', { path: config.database.file });
  if (code && NOT_WRITABLE.has(code)) {
    const where = path ?? (config.database.dialect === 'sqlite' ? config.database.file : config.dataDir);
    return said('startup.data_dir_not_writable', { path: where, detail: code });
  }
  return error;
}

const databaseNameOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
