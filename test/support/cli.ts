import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface TayoriProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of the pattern in standard output, once it appears. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
}

/**
 * Starts the real `tayori` command with the given environment, as an operator would. The
 * caller's TAYORI_* and locale variables (LANG, LC_*) are not inherited, so a test sees only
 * what it sets, and the command speaks Japanese unless the test sets LANG. Call it inside a
 * test: the process is killed when the test ends, whatever the outcome.
 */
export function spawnTayori(
  args: string[],
  env: Record<string, string>,
  options: StartOptions = {},
): TayoriProcess {
  const started = startTayori(args, env, options);
  onTestFinished(() => {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
  });
  return started;
}

interface StartOptions {
  stdin?: string;
  /** run `bin/tayori.mjs`, the installed command, instead of the source through tsx */
  bin?: boolean;
}

/** spawnTayori for a process that outlives one test (a server for a whole file): the caller stops it. */
export function startTayori(args: string[], env: Record<string, string>, options: StartOptions = {}): TayoriProcess {
  const ownedByTest = (key: string) => key.startsWith('TAYORI_') || key === 'LANG' || key.startsWith('LC_');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !ownedByTest(key)));
  const command = options.bin ? ['bin/tayori.mjs'] : ['--import', 'tsx', 'src/cli/main.ts'];
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(options.stdin);

  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = stdout.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${pattern} in the output of tayori ${args.join(' ')}:\n${stdout}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs a `tayori` command to its end. */
export function runTayori(args: string[], env: Record<string, string>, options: { stdin?: string } = {}): Promise<Exit> {
  return spawnTayori(args, env, options).exited;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls a URL until it answers with the status, e.g. a server's /healthz after start. */
export async function waitForStatus(url: string, status: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status === status) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}
