import { rmSync } from 'node:fs';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from '../../support/app.js';
import { freePort, startTayori, type TayoriProcess, waitForStatus } from '../../support/cli.js';
import { tempDir } from '../../support/databases.js';

export { ADMIN_LOGIN, ADMIN_PASSWORD };
export const ADMIN_EMAIL = 'admin@example.jp';

export interface ScreenServer {
  baseUrl: string;
  dataDir: string;
  process: TayoriProcess;
  /** An API client signed in as the administrator, to prepare data the way the application would. */
  api: ApiClient;
  stop(): Promise<void>;
}

/** The server's environment as a function of its address, for what must know it (the stand-in Google's redirect URI). */
export type EnvFor = (baseUrl: string) => Record<string, string> | Promise<Record<string, string>>;

/**
 * A real `tayori serve` on a fresh SQLite data dir and a free port, as an operator starts it.
 * The browser tests use SQLite only: the API tests already run everything on both databases.
 */
export async function startScreenServer(extraEnv: Record<string, string> | EnvFor = {}): Promise<ScreenServer> {
  const dataDir = tempDir();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = typeof extraEnv === 'function' ? await extraEnv(baseUrl) : extraEnv;
  const server = startTayori(['serve'], {
    TAYORI_DATA_DIR: dataDir,
    TAYORI_HOST: '127.0.0.1',
    TAYORI_PORT: String(port),
    TAYORI_PUBLIC_URL: baseUrl,
    TAYORI_INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TAYORI_INITIAL_ADMIN_EMAIL: ADMIN_EMAIL,
    TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0',
    TAYORI_LOG_LEVEL: 'warn',
    ...env,
  });
  try {
    await waitForStatus(`${baseUrl}/healthz`, 200, 90_000);
  } catch (error) {
    server.child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${server.stderr()}`);
  }
  return {
    baseUrl,
    dataDir,
    process: server,
    api: await signedInApi(baseUrl, ADMIN_LOGIN, ADMIN_PASSWORD),
    async stop() {
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiClient {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
}

export async function signedInApi(baseUrl: string, loginId: string, password: string): Promise<ApiClient> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
  if (response.status !== 200) throw new Error(`signing in ${loginId} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    async request(method, path, body, headers = {}) {
      const answer = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, json: text ? JSON.parse(text) : null };
    },
  };
}

/** The application hands Tayori a mail over HTTP with a service token, as it would in production. */
export async function sendApplicationMail(baseUrl: string, token: string, message: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${baseUrl}/api/mail/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  return response.status;
}

/** A new administrator, made through the admin API; answers their ID. */
export async function createAdmin(api: ApiClient, user: { loginId: string; displayName: string; password: string }): Promise<string> {
  const created = await api.request('POST', '/api/users', { ...user, role: 'admin' });
  if (created.status !== 201) throw new Error(`creating ${user.loginId} answered ${created.status}`);
  return (created.json as { user: { id: string } }).user.id;
}

/** A new service token, made through the admin API. */
export async function createServiceToken(api: ApiClient, name: string): Promise<string> {
  const created = await api.request('POST', '/api/mail/tokens', { name });
  return (created.json as { token: { token: string } }).token.token;
}

/** A call of the run-report API with a report token, as another server's worker makes it. */
export function reportRun(baseUrl: string, token: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Starts a run over HTTP and answers its ID. */
export async function startRun(baseUrl: string, token: string, run: { kind: string; name: string }): Promise<string> {
  const started = await reportRun(baseUrl, token, '/api/runs', run);
  if (started.status !== 201) throw new Error(`starting a run failed: ${started.status} ${await started.text()}`);
  return ((await started.json()) as { id: string }).id;
}

/** A run that failed with this error, reported over HTTP. */
export async function reportFailedRun(baseUrl: string, token: string, run: { kind: string; name: string; error: string }): Promise<void> {
  const id = await startRun(baseUrl, token, { kind: run.kind, name: run.name });
  const finished = await reportRun(baseUrl, token, `/api/runs/${id}/finish`, { outcome: 'failed', error: run.error });
  if (finished.status !== 204) throw new Error(`finishing a run failed: ${finished.status} ${await finished.text()}`);
}

/** A new report token of one kind, made through the admin API. */
export async function createReportToken(api: ApiClient, name: string, kind: string): Promise<string> {
  const created = await api.request('POST', '/api/report-tokens', { name, kind });
  return (created.json as { token: { token: string } }).token.token;
}
