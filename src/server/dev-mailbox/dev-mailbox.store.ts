import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../security/private-files.js';

/**
 * The dev mailbox's files under `<dataDir>/dev-mailbox/`: each mail as it arrived (`<id>.eml`)
 * and one JSON line per mail in `index.jsonl`, so listing a few thousand mails reads one small
 * file instead of parsing every message.
 */
export interface StoredMailSummary {
  id: string;
  received: string;
  from: string | null;
  to: string[];
  subject: string | null;
  messageId: string | null;
}

const INDEX = 'index.jsonl';
/** IDs come from newId(): anything else (a path, `..`) is not a stored mail. */
const ID_PATTERN = /^[0-9a-f]{26}$/;

export const devMailboxDir = (dataDir: string) => join(dataDir, 'dev-mailbox');

export async function storeMail(dir: string, summary: StoredMailSummary, raw: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await writeFile(join(dir, `${summary.id}.eml`), raw, { mode: PRIVATE_FILE_MODE });
  await appendFile(join(dir, INDEX), JSON.stringify(summary) + '\n', { mode: PRIVATE_FILE_MODE });
}

/** Newest first. */
export async function listMailSummaries(dir: string): Promise<StoredMailSummary[]> {
  const index = await readFile(join(dir, INDEX), 'utf8').catch(ifMissing(''));
  return index
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StoredMailSummary)
    .reverse();
}

export async function readRawMail(dir: string, id: string): Promise<Buffer | null> {
  if (!ID_PATTERN.test(id)) return null;
  return readFile(join(dir, `${id}.eml`)).catch(ifMissing(null));
}

export async function clearMails(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

function ifMissing<T>(fallback: T) {
  return (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT') return fallback;
    throw error;
  };
}
