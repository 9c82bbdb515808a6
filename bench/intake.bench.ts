/**
 * How many mails a second `POST /api/mail/messages` takes (issue 12): 10 keep-alive connections
 * for 10 s (autocannon) against a production `tayori serve` (compiled, its worker delivering to a
 * sink meanwhile), on SQLite and then on PostgreSQL, and against a bare Fastify route that parses
 * and answers the same body, each in its own process, in the same run.
 *
 *   npm run bench:intake          (DURATION_S=5 for a quick look)
 *
 * Last line: `intake_vs_echo_ratio <the lower of the two databases' requests/s ÷ the bare route's>`,
 * goal ≥ 0.25 with p99 < 10 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createThrowawayDatabase } from '../test/support/throwaway-database.js';
import { type CountingSink, startCountingSink } from './counting-sink-client.js';
import { cpuPerRequest, cpuSnapshot } from './cpu-accounting.js';
import { ADMIN_DATABASE_URL, sinkSettings } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('no production build: run `npm run build` first');
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = 10;
const BODY = JSON.stringify({
  to: [{ name: '田中 一郎 様', address: 'tanaka@example.jp' }],
  fromName: '株式会社サンプル 営業部',
  subject: '【ご案内】ご注文の発送について',
  text: '田中様\n\nご注文の商品を発送いたしました。\n今後ともよろしくお願いいたします。\n',
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function stop(child: ChildProcess) {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, headers: Record<string, string>, processes: Record<string, number> = {}) {
  const before = cpuSnapshot({ ...processes, 'load generator': process.pid });
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { 'content-type': 'application/json', ...headers },
    body: BODY,
  });
  const unexpected = result.non2xx + result.errors + result.timeouts;
  if (unexpected > 0) throw new Error(`${unexpected} requests failed (${result.non2xx} non-2xx, ${result.errors} errors)`);
  const cpu = cpuPerRequest(before, cpuSnapshot({ ...processes, 'load generator': process.pid }), result.requests.total);
  return { rps: result.requests.average, p99: result.latency.p99, total: result.requests.total, cpu };
}

async function tayori(database: 'sqlite' | 'postgres', sink: CountingSink) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tayori-intake-'));
  const postgres = database === 'postgres' ? await createThrowawayDatabase(ADMIN_DATABASE_URL, 'tayori_intake') : null;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(root, 'bin/tayori.mjs'), 'serve'], {
    env: {
      PATH: process.env.PATH,
      TAYORI_DATA_DIR: dataDir,
      TAYORI_PORT: String(port),
      TAYORI_PUBLIC_URL: base,
      TAYORI_INITIAL_ADMIN_PASSWORD: 'bench-password',
      TAYORI_LOG_LEVEL: 'warn',
      ...(postgres ? { TAYORI_DATABASE_URL: postgres.url } : {}),
    },
    stdio: 'ignore',
  });
  try {
    for (let tries = 0; !(await fetch(`${base}/healthz`).then((r) => r.ok, () => false)); tries++) {
      if (tries > 300) throw new Error('tayori serve did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'admin', password: 'bench-password' }),
    });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await admin('PUT', '/api/settings/mail', sinkSettings(sink.port));
    const { token } = ((await (await admin('POST', '/api/mail/tokens', { name: 'bench' })).json()) as { token: { token: string } }).token;
    const headers = { authorization: `Bearer ${token}` };
    await load(`${base}/api/mail/messages`, headers); // warm-up
    const deliveredBefore = await sink.received();
    const result = await load(`${base}/api/mail/messages`, headers, { tayori: child.pid!, sink: sink.pid });
    return { ...result, delivered: (await sink.received()) - deliveredBefore };
  } finally {
    await stop(child);
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function echo() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/echo-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${chunk.toString().trim()}/api/mail/messages`;
  try {
    await load(url, {});
    return await load(url, {}, { 'bare route': child.pid! });
  } finally {
    await stop(child);
  }
}

const sink = await startCountingSink();
const results = { sqlite: await tayori('sqlite', sink), postgres: await tayori('postgres', sink), echo: await echo() };
await sink.close();
for (const [side, r] of Object.entries(results)) {
  const delivered = 'delivered' in r ? `, ${r.delivered} delivered meanwhile` : '';
  console.log(`${side}: ${r.rps.toFixed(0)} requests/s, p99 ${r.p99} ms (${r.total} in ${DURATION_S} s${delivered})`);
  if (r.cpu) console.log(`  CPU µs per request: ${r.cpu}`);
}
const ratios = { sqlite: results.sqlite.rps / results.echo.rps, postgres: results.postgres.rps / results.echo.rps };
console.log(`intake_vs_echo_ratio_sqlite ${ratios.sqlite.toFixed(3)} (p99 ${results.sqlite.p99} ms)`);
console.log(`intake_vs_echo_ratio_postgres ${ratios.postgres.toFixed(3)} (p99 ${results.postgres.p99} ms)`);
console.log(`intake_vs_echo_ratio ${Math.min(ratios.sqlite, ratios.postgres).toFixed(3)}`);
process.exit(0);
