/**
 * The reliability run of SPEC §7: several `tayori serve` instances on one PostgreSQL, mail
 * submitted over HTTP while an SMTP sink refuses or drops some deliveries and one instance is
 * SIGKILLed and restarted again and again. At the end every mail must be at the sink (lost = 0)
 * and only mails in flight at a kill may have arrived twice (same Message-ID).
 *
 * `npm run chaos` runs the full size from the compiled build; test/chaos.test.ts a small one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { createThrowawayDatabase } from '../support/throwaway-database.js';

export interface ChaosOptions {
  mails: number;
  instances: number;
  kills: number;
  /** Share of deliveries answered 421 or 451 (0.1 = 10 %), and of connections dropped mid-DATA. */
  refuseRate: number;
  dropRate: number;
  /** How to start tayori: the compiled command, or the TypeScript source through tsx. */
  command: 'compiled' | 'source';
  adminDatabaseUrl?: string;
  log?: (line: string) => void;
}

export interface ChaosResult {
  lost: number;
  duplicates: number;
  kills: number;
  submitted: number;
  refused: number;
  dropped: number;
  seconds: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_PASSWORD = 'chaos-admin-password';
const random = (min: number, max: number) => min + Math.random() * (max - min);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An SMTP server that counts arrivals by Message-ID and misbehaves at random. */
async function startChaosSink(options: ChaosOptions) {
  const arrivals = new Map<string, number>();
  const counts = { refused: 0, dropped: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    hideSTARTTLS: true,
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const roll = Math.random();
      if (roll < options.dropRate) {
        counts.dropped++;
        stream.once('data', () => {
          const connections = (server as unknown as { connections: Set<{ session: { id: string }; _socket: { destroy(): void } }> }).connections;
          [...connections].find((c) => c.session?.id === session.id)?._socket.destroy();
        });
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (roll < options.dropRate + options.refuseRate) {
          counts.refused++;
          const reply = Math.random() < 0.5 ? [421, '4.3.2 Service not available, closing transmission channel'] : [451, '4.3.0 Try again later'];
          return callback(Object.assign(new Error(reply[1] as string), { responseCode: reply[0] as number }));
        }
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 'none';
        arrivals.set(messageId, (arrivals.get(messageId) ?? 0) + 1);
        callback(null);
      });
    },
  });
  server.on('error', () => {});
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { port, arrivals, counts, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

class Instance {
  child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly command: ChaosOptions['command'],
  ) {}

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = this.command === 'compiled' ? ['bin/tayori.mjs', 'serve'] : ['--import', 'tsx', 'src/cli/main.ts', 'serve'];
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TAYORI_')));
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...inherited, ...this.env, TAYORI_PORT: String(this.port) },
      stdio: 'ignore',
    });
    for (let tries = 0; ; tries++) {
      if (await fetch(`${this.baseUrl}/healthz`).then((r) => r.ok, () => false)) return;
      if (tries > 600) throw new Error(`instance on ${this.port} did not start`);
      await pause(50);
    }
  }

  async kill() {
    const child = this.child!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async stop() {
    if (!this.child) return;
    const child = this.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function signIn(baseUrl: string) {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return async (method: string, path: string, body: unknown) => {
    const answer = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
    return answer.json();
  };
}

const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => {});
  const adminUrl = options.adminDatabaseUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createThrowawayDatabase(adminUrl, 'tayori_chaos');
  const dataDir = mkdtempSync(join(tmpdir(), 'tayori-chaos-'));
  const sink = await startChaosSink(options);
  const env = {
    TAYORI_DATA_DIR: dataDir,
    TAYORI_DATABASE_URL: database.url,
    TAYORI_SECRET_KEY: randomBytes(32).toString('base64'),
    TAYORI_INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TAYORI_LOG_LEVEL: 'error',
    TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0',
    TAYORI_OUTBOX_POLL_MS: '100',
    TAYORI_OUTBOX_LEASE_MS: '5000',
    TAYORI_OUTBOX_RETRY_BASE_MS: '200',
    TAYORI_OUTBOX_RETRY_MAX_MS: '2000',
  };
  const instances = await Promise.all(Array.from({ length: options.instances }, async () => new Instance(await freePort(), env, options.command)));
  const started = Date.now();
  try {
    await instances[0].start();
    await Promise.all(instances.slice(1).map((instance) => instance.start()));
    const admin = await signIn(instances[0].baseUrl);
    await admin('PUT', '/api/settings/mail', {
      sendingEnabled: true,
      server: 'smtp',
      smtp: { host: '127.0.0.1', port: sink.port, security: 'none', authEnabled: false },
      senderAddress: 'chaos@example.jp',
      suspensionRecipients: '',
      monitoring: { intervalMinutes: 10, recipients: '', kinds: { 'data-source': quietKind, 'google-calendar-sync': quietKind, 'analytics-link': quietKind } },
    });
    const { token } = ((await admin('POST', '/api/mail/tokens', { name: 'chaos' })) as { token: { token: string } }).token;

    const killer = (async () => {
      let kills = 0;
      while (kills < options.kills) {
        await pause(random(200, 1500));
        const victim = instances[Math.floor(Math.random() * instances.length)];
        await victim.kill();
        kills++;
        log(`kill ${kills}: instance on port ${victim.port}`);
        await victim.start();
      }
      return kills;
    })();

    const messageIds = new Map<number, string>();
    let next = 0;
    const submitOne = async (i: number) => {
      for (let attempt = 0; ; attempt++) {
        const instance = instances[(i + attempt) % instances.length];
        try {
          const response = await fetch(`${instance.baseUrl}/api/mail/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `chaos-${i}` },
            body: JSON.stringify({ to: `user${i}@example.jp`, subject: `カオス試験 ${i}`, text: `本文 ${i}` }),
          });
          if (response.status === 202 || response.status === 200) {
            messageIds.set(i, ((await response.json()) as { delivery: { messageId: string } }).delivery.messageId);
            return;
          }
        } catch {
          // the instance was killed under us: the client retries elsewhere with the same key
        }
        await pause(20);
      }
    };
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < options.mails) await submitOne(next++);
      }),
    );
    const kills = await killer;
    log(`submitted ${messageIds.size} mails; ${kills} kills; waiting for delivery`);

    const expected = [...messageIds.values()];
    for (let waited = 0; expected.some((id) => !sink.arrivals.has(id)); waited++) {
      if (waited > 6000) break;
      await pause(100);
    }
    const lost = expected.filter((id) => !sink.arrivals.has(id)).length;
    const duplicates = [...sink.arrivals.values()].reduce((sum, count) => sum + count - 1, 0);
    return {
      lost,
      duplicates,
      kills,
      submitted: messageIds.size,
      refused: sink.counts.refused,
      dropped: sink.counts.dropped,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop().catch(() => {})));
    await sink.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runChaos({
    mails: Number(process.env.MAILS ?? 10_000),
    instances: 2,
    kills: Number(process.env.KILLS ?? 20),
    refuseRate: 0.1,
    dropRate: 0.01,
    command: 'compiled',
    log: (line) => console.log(line),
  });
  console.log(`submitted=${result.submitted} refused=${result.refused} dropped=${result.dropped} seconds=${result.seconds.toFixed(1)}`);
  console.log(`lost=${result.lost} duplicates=${result.duplicates} kills=${result.kills}`);
  process.exit(result.lost === 0 ? 0 : 1);
}
