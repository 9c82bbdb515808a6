import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_SCREEN_DIR } from '../../../src/server/screen/screen.routes.js';
import { CHROMIUM, chromiumAvailable } from './browser.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** What the built screen is made of: a change in any of them means building again. */
const SOURCES = ['src/web', 'src/contracts', 'src/i18n', 'vite.config.ts', 'package-lock.json'];

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/**
 * Before the browser tests: say plainly when they cannot run, and build the screen when its
 * build is missing or older than its sources (the server serves dist/web).
 */
export default function setup() {
  if (!chromiumAvailable()) {
    console.log(`skipped: no Chromium at ${CHROMIUM} — the browser tests are skipped (apt-get install chromium)`);
    return;
  }
  const index = join(BUILT_SCREEN_DIR, 'index.html');
  const sourcesChanged = Math.max(...SOURCES.map((source) => newestChange(join(ROOT, source))));
  if (existsSync(index) && statSync(index).mtimeMs >= sourcesChanged) return;
  // Vitest runs with NODE_ENV=test, which would make Vite bundle React's development build.
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error(`building the screen failed:\n${build.stdout}\n${build.stderr}`);
  console.log(`built the screen for the browser tests: ${build.stdout.trim().split('\n').at(-1)}`);
}
