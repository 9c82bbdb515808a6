import type { RunOutcome, ThreadKind } from '../contracts/monitoring.js';
import { createContext } from '../server/bootstrap.js';
import { AppError } from '../server/errors.js';
import { text } from './output.js';
import type { Config } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { finishRun, heartbeatRun, startRun } from '../server/monitoring/runs.service.js';

/** Where `tayori run` reports its run: a Tayori server over HTTP, or straight to the database. */
export interface RunReporter {
  start(run: { kind: ThreadKind; name: string }): Promise<void>;
  heartbeat(): Promise<void>;
  finish(outcome: RunOutcome, error: string | null): Promise<void>;
  close(): Promise<void>;
}

const HTTP_TIMEOUT_MS = 10_000;

/** The server answered and refused the report: sending it again would be refused again, except a 5xx, 408 or 429. */
export class ReportRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Whether a failed report may succeed if sent again: the server could not be reached or was
 * down for a moment (a restart, a load balancer's 502), not a refusal of the report itself.
 */
export function mayRetryReport(error: unknown): boolean {
  if (error instanceof ReportRefused) return error.status >= 500 || error.status === 408 || error.status === 429;
  return !(error instanceof AppError);
}

/** The report was refused as already made: the run has ended (a finish sent again after one that landed unanswered). */
export const alreadyReported = (error: unknown) =>
  (error instanceof ReportRefused || error instanceof AppError) && error.status === 409;

/** The run-report API, authenticated with a report token of the run's kind. */
export function httpReporter(baseUrl: string, token: string): RunReporter {
  let runId: string | null = null;
  const call = async (path: string, body?: unknown) => {
    const response = await fetch(new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    if (!response.ok) {
      const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      // The API's own 401 says 「ログインしてください」, which means nothing to a cron job with a token.
      const said = response.status === 401 ? text('cli.run.token_refused') : answer?.error?.message;
      throw new ReportRefused(`HTTP ${response.status}${said ? `: ${said}` : ''}`, response.status);
    }
    return response;
  };
  const runPath = (action: string) => {
    if (!runId) throw new Error('the run was not started');
    return `api/runs/${encodeURIComponent(runId)}/${action}`;
  };
  return {
    async start(run) {
      runId = ((await (await call('api/runs', run)).json()) as { id: string }).id;
    },
    async heartbeat() {
      await call(runPath('heartbeat'));
    },
    async finish(outcome, error) {
      await call(runPath('finish'), error === null ? { outcome } : { outcome, error });
    },
    async close() {},
  };
}

/** Beside the server, with its configuration: the same service functions the API uses. */
export function databaseReporter(config: Config): RunReporter {
  const ctx = createContext(config, { log: createLogger('silent') });
  let runId: string | null = null;
  const id = () => {
    if (!runId) throw new Error('the run was not started');
    return runId;
  };
  return {
    async start(run) {
      runId = await startRun(ctx, run);
    },
    heartbeat: () => heartbeatRun(ctx, id()),
    finish: (outcome, error) => finishRun(ctx, id(), error === null ? { outcome } : { outcome, error }),
    close: () => ctx.database.close(),
  };
}
