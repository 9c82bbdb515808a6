import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/databases.js';

const CHILD = fileURLToPath(new URL('./fixtures/open-sqlite-child.ts', import.meta.url));
const PAIRS = 6;

/** Forks a process that opens `file` when told to; resolves once it is ready. */
async function readyToOpen(file: string) {
  const child = fork(CHILD, [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ ready?: boolean }];
  expect(message.ready).toBe(true);
  return child;
}

describe('opening a new SQLite database', () => {
  it('succeeds for two processes that open the same new file at the same moment', { timeout: 120_000 }, async () => {
    // SQLite refuses one of two such processes the switch to WAL at once (SQLITE_BUSY, without its
    // busy timeout): seen as `tayori migrate` failing with "database is locked" beside another.
    // The race is narrow; each pair starts at one instant to give it every chance.
    const dir = tempDir('tayori-open-race-');
    try {
      for (let pair = 0; pair < PAIRS; pair++) {
        const file = join(dir, `pair-${pair}.sqlite`);
        const children = await Promise.all([readyToOpen(file), readyToOpen(file)]);
        const outcomes = children.map(async (child) => ((await once(child, 'message')) as [{ opened: boolean; error?: string }])[0]);
        const at = Date.now() + 100;
        for (const child of children) child.send({ at });
        expect(await Promise.all(outcomes)).toEqual([{ opened: true }, { opened: true }]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
