import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from '../security/private-files.js';

export type BackupRefusal = 'no_database' | 'no_directory' | 'exists' | 'is_directory' | 'live_database' | 'unverified';

/** A backup that was not made, for a reason the operator can act on. */
export class BackupRefused extends Error {
  constructor(
    readonly reason: BackupRefusal,
    readonly file: string,
  ) {
    super(`backup refused (${reason}): ${file}`);
    this.name = 'BackupRefused';
  }
}

/**
 * sqlite3_backup_step copies this many pages at most; more than any database has, so the whole
 * file is copied in one step. A backup copied in several steps starts again whenever another
 * process writes between two steps, and `tayori serve` writes all the time: it might never end.
 * One step is one read transaction, which in WAL mode never blocks the writers.
 */
const ALL_PAGES = 0x7fffffff;

/** The files SQLite keeps beside a database file, named by suffix. */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

export interface BackupResult {
  file: string;
  bytes: number;
}

/**
 * Copies the live SQLite database at `source` to `destination` with SQLite's online backup API,
 * while other processes keep using it. The copy is a consistent snapshot, private to its owner
 * (0600), checked with `PRAGMA integrity_check` before it takes its name, and it never replaces
 * an existing file unless `overwrite`. A failed backup leaves nothing behind.
 */
export async function backupSqliteDatabase(source: string, destination: string, options: { overwrite: boolean }): Promise<BackupResult> {
  const target = resolve(destination);
  if (!existsSync(source)) throw new BackupRefused('no_database', source);
  if (!existsSync(dirname(target))) throw new BackupRefused('no_directory', dirname(target));
  if (isPartOfDatabase(target, source)) throw new BackupRefused('live_database', target);
  // Even --force does not put a file where a directory is (the rename would fail half-way, as EISDIR).
  if (existsSync(target) && statSync(target).isDirectory()) throw new BackupRefused('is_directory', target);
  if (!options.overwrite && existsSync(target)) throw new BackupRefused('exists', target);

  // The copy is written under a temporary name beside the target, so that the target is only
  // ever a complete, checked backup (or absent), and the rename or link below is atomic.
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  closeSync(openSync(partial, 'wx', PRIVATE_FILE_MODE));
  try {
    const pages = await copyDatabase(source, partial);
    if (!isSoundCopy(partial, pages)) throw new BackupRefused('unverified', target);
    publish(partial, target, options.overwrite);
  } finally {
    for (const suffix of ['', ...COMPANION_SUFFIXES]) rmSync(partial + suffix, { force: true });
  }
  return { file: target, bytes: statSync(target).size };
}

/** Returns the number of pages the source had when it was copied. */
async function copyDatabase(source: string, destination: string): Promise<number> {
  const live = new SQLite(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    let pages = 0;
    const done = await live.backup(destination, {
      progress: ({ totalPages }) => {
        pages = totalPages;
        return ALL_PAGES;
      },
    });
    return Math.max(pages, done.totalPages);
  } finally {
    live.close();
  }
}

/**
 * Checks the copy rather than trusting it (better-sqlite3 takes a first step that found the
 * source busy for a finished backup), and turns it from WAL into a rollback-journal database: a
 * file that stands alone, which a reader can open without creating -wal and -shm files beside
 * it. Tayori turns WAL on again when it opens a restored file.
 */
function isSoundCopy(file: string, pages: number): boolean {
  const copy = new SQLite(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const pageCount = copy.pragma('page_count', { simple: true }) as number;
    return pages > 0 && pageCount === pages && copy.pragma('integrity_check', { simple: true }) === 'ok';
  } finally {
    copy.close();
  }
}

function publish(partial: string, target: string, overwrite: boolean): void {
  if (overwrite) {
    renameSync(partial, target);
  } else {
    try {
      // link() fails on an existing name, where rename() would replace it.
      linkSync(partial, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupRefused('exists', target);
      throw error;
    }
  }
  const directory = openSync(dirname(target), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}

/** Whether the path names the live database or one of its companion files, whatever links lead there. */
function isPartOfDatabase(path: string, database: string): boolean {
  const live = canonicalPath(database);
  const candidate = canonicalPath(path);
  return ['', ...COMPANION_SUFFIXES].some((suffix) => candidate === live + suffix);
}

function canonicalPath(path: string): string {
  return existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path));
}
