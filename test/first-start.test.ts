import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, runTayori, spawnTayori, waitForStatus } from './support/cli.js';
import { buildApp } from '../src/server/app.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import { dialects, tempDir } from './support/databases.js';
import { freshInstallationEachTest } from './support/installation.js';

const GENERATED_PASSWORD = /パスワード: (\S+)/;

/** Signs in through the HTTP API of a running server, as the browser does. */
async function signIn(baseUrl: string, loginId: string, password: string) {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { status: response.status, me: () => fetch(`${baseUrl}/api/me`, { headers: { cookie } }) };
}

describe('first start of a new installation (SQLite, no configuration)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let port: number;

  beforeEach(async () => {
    dataDir = tempDir();
    port = await freePort();
    env = { TAYORI_DATA_DIR: dataDir, TAYORI_PORT: String(port) };
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function startServer() {
    const server = spawnTayori(['serve'], env);
    await waitForStatus(`${baseUrl}/healthz`, 200);
    return server;
  }

  async function stopServer(server: ReturnType<typeof spawnTayori>) {
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
  }

  it('prints the generated administrator password once, which signs in; stops cleanly on SIGTERM', async () => {
    const first = await startServer();
    const [, password] = await first.waitForOutput(GENERATED_PASSWORD);
    await first.waitForOutput(/Tayori is listening/);
    expect(first.stdout()).toContain(`"url":"http://localhost:${port}"`);
    // What to do next: where to sign in, and where to give the admin an address for test mail.
    expect(first.stdout()).toContain(`http://localhost:${port}/login`);
    expect(first.stdout()).toContain(`http://localhost:${port}/profile`);
    const page = await fetch(`${baseUrl}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const admin = await signIn(baseUrl, 'admin', password);
    expect(admin.status).toBe(200);
    expect(await (await admin.me()).json()).toMatchObject({ user: { loginId: 'admin', role: 'admin' } });
    await stopServer(first);

    const second = await startServer();
    expect((await signIn(baseUrl, 'admin', password)).status).toBe(200);
    await stopServer(second);
    expect(second.stdout()).not.toMatch(GENERATED_PASSWORD);
    expect(second.stdout()).not.toContain(password);
  });

  it('creates users and sets passwords from the command line, read from standard input', async () => {
    const server = await startServer();
    const [, generated] = await server.waitForOutput(GENERATED_PASSWORD);
    const before = await signIn(baseUrl, 'admin', generated);

    // Without --role, a 一般ユーザー, as POST /api/users creates.
    const created = await runTayori(['admin', 'create', '--login', 'tanaka'], env, { stdin: 'tanaka-pass-123\n' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toBe('tanaka を一般ユーザーとして作成しました。');
    expect(created.stdout).not.toContain('tanaka-pass-123');
    const tanaka = await signIn(baseUrl, 'tanaka', 'tanaka-pass-123');
    expect(await (await tanaka.me()).json()).toMatchObject({ user: { loginId: 'tanaka', role: 'user' } });

    const changed = await runTayori(['admin', 'set-password', 'admin'], env, { stdin: 'chosen-admin-pass\n' });
    expect(changed.code, changed.stderr).toBe(0);
    expect((await before.me()).status).toBe(401);
    expect((await signIn(baseUrl, 'admin', generated)).status).toBe(401);
    expect((await signIn(baseUrl, 'admin', 'chosen-admin-pass')).status).toBe(200);

    // Without a password on standard input, one is generated and shown before the user is committed.
    const withGenerated = await runTayori(['admin', 'create', '--login', 'suzuki'], env, { stdin: '' });
    expect(withGenerated.code, withGenerated.stderr).toBe(0);
    const [passwordLine, createdLine] = withGenerated.stdout.trim().split('\n');
    expect(createdLine).toBe('suzuki を一般ユーザーとして作成しました。');
    const suzukiPassword = passwordLine.match(/^生成したパスワード\(一度だけ表示します\): (\S+)$/)?.[1];
    expect(suzukiPassword).toBeDefined();
    expect((await signIn(baseUrl, 'suzuki', suzukiPassword!)).status).toBe(200);

    const unknown = await runTayori(['admin', 'set-password', 'ghost'], env, { stdin: 'whatever-pass-1\n' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('ログインID ghost の利用者はいません。');
    await stopServer(server);
  });
});

describe.each(dialects())('the first administrator on $name', (dialect) => {
  const installation = freshInstallationEachTest(dialect);

  it('is shown before it is committed: a start that dies right after showing it leaves none, and the next start shows a password that signs in', async () => {
    const ctx = createContext(loadConfig(installation.env({ TAYORI_LOG_LEVEL: 'silent', TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0' })));
    try {
      const killed = new Error('the process died right after printing the notice');
      await expect(
        prepareInstallation(ctx, () => {
          throw killed;
        }),
      ).rejects.toBe(killed);
      expect(await ctx.db.selectFrom('users').select('login_id').execute()).toEqual([]);

      const notices: string[] = [];
      await prepareInstallation(ctx, (text) => notices.push(text));
      await prepareInstallation(ctx, (text) => notices.push(text));
      expect(notices).toHaveLength(1);
      const [, password] = GENERATED_PASSWORD.exec(notices[0])!;
      const app = await buildApp(ctx);
      try {
        const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'admin', password } });
        expect(signIn.statusCode).toBe(200);
      } finally {
        await app.close();
      }
    } finally {
      await ctx.database.close();
    }
  });
});
