import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';

/**
 * The data dir holds password hashes, encrypted secrets, their key and the dev mailbox's mail:
 * only the account Tayori runs as may read it. Directories are 0700, files 0600.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory and any missing parent, each readable by the owner only. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates the file empty, readable by the owner only, unless it exists. Done before SQLite opens
 * its database, because SQLite gives the -wal and -shm files the mode of the database file.
 */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
}

export interface LooseMode {
  path: string;
  mode: string;
  expected: string;
}

/** The files and directories Tayori keeps private that exist, with a mode looser than theirs. */
export function findLooseModes(ctx: Pick<AppContext, 'config'>): LooseMode[] {
  const { dataDir, database } = ctx.config;
  const directories = [dataDir, join(dataDir, 'dev-mailbox')];
  const files = [join(dataDir, 'secret.key'), join(dataDir, 'dev-mailbox', 'index.jsonl')];
  if (database.dialect === 'sqlite') {
    files.push(...['', '-wal', '-shm', '.migration-lock'].map((suffix) => database.file + suffix));
  }
  return [
    ...directories.map((path) => looseMode(path, PRIVATE_DIR_MODE)),
    ...files.map((path) => looseMode(path, PRIVATE_FILE_MODE)),
  ].filter((loose): loose is LooseMode => loose !== null);
}

function looseMode(path: string, expected: number): LooseMode | null {
  if (!existsSync(path)) return null;
  const mode = statSync(path).mode & 0o777;
  if ((mode & ~expected) === 0) return null;
  return { path, mode: mode.toString(8), expected: expected.toString(8) };
}

/** Checked at every start: the operator is told, the modes are not changed behind their back. */
export function warnAboutLooseModes(ctx: Pick<AppContext, 'config' | 'log'>): void {
  const loose = findLooseModes(ctx);
  if (loose.length === 0) return;
  const fix = loose.map((entry) => `chmod ${entry.expected} ${entry.path}`).join('; ');
  ctx.log.warn({ loose }, `files of the data dir can be read by other accounts; restrict them: ${fix}`);
}
