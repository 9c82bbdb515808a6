import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/databases.js';

const CHILD = fileURLToPath(new URL('./fixtures/open-sqlite-child.ts', import.meta.url));

describe('opening a new SQLite database', () => {
  it('waits for another process that holds the new file, instead of failing', { timeout: 60_000 }, async () => {
    // Two processes opening a new file at once (two `tayori migrate`, a `tayori worker` started
    // beside `serve`): SQLite refuses one of them the switch to WAL at once, SQLITE_BUSY without
    // its busy timeout (waiting could deadlock), seen as "database is locked". Here the test is the
    // other process: it holds the file's write lock until the child has been refused at least once,
    // so the two really meet, whatever the machine's load.
    const dir = tempDir('tayori-open-race-');
    const file = join(dir, 'new.sqlite');
    const holder = new SQLite(file);
    try {
      holder.prepare('begin immediate').run();

      const child = fork(CHILD, [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const messages: Record<string, unknown>[] = [];
      child.on('message', (message: Record<string, unknown>) => messages.push(message));
      const next = async () => {
        while (messages.length === 0) await once(child, 'message');
        return messages.shift();
      };
      expect(await next()).toEqual({ ready: true });
      child.send({ open: true });
      expect(await next()).toEqual({ busy: true });

      holder.prepare('commit').run();
      expect(await next()).toEqual({ opened: true });
      expect(holder.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
