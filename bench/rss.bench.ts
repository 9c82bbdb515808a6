/**
 * Idle memory of a production `tayori serve`: the command as `npm start` runs it (compiled
 * JavaScript on plain node, dev mailbox on) on a fresh data dir, left alone until its memory
 * settles, then the resident set of the whole process tree. Last line: `idle_rss_mb <x>`.
 *
 *   npm run bench:rss
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('no production build: run `npm run build` first');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Resident set of a process and all its descendants, in kB, from /proc. */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))![1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const rss = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  const walk = (p: number): number => rss(p) + (children.get(p) ?? []).reduce((sum, child) => sum + walk(child), 0);
  return walk(pid);
}

const dataDir = mkdtempSync(join(tmpdir(), 'tayori-rss-'));
const port = await freePort();
const child = spawn(process.execPath, [join(root, 'bin/tayori.mjs'), 'serve'], {
  env: {
    PATH: process.env.PATH,
    TAYORI_DATA_DIR: dataDir,
    TAYORI_PORT: String(port),
    TAYORI_DEV_MAILBOX: '1',
    TAYORI_DEV_MAILBOX_PORT: String(await freePort()),
  },
  stdio: 'ignore',
});
try {
  for (let tries = 0; ; tries++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (tries > 300) throw new Error('tayori serve did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Idle: sample until three readings a second apart agree within 1 MB (at most 30 s).
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(treeRssKb(child.pid!));
    const last = samples.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) < 1024) break;
  }
  console.log(`samples_mb ${samples.map((kb) => (kb / 1024).toFixed(1)).join(' ')}`);
  console.log(`idle_rss_mb ${(samples[samples.length - 1] / 1024).toFixed(1)}`);
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
