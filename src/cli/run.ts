import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { type Command, Option } from 'commander';
import { MAX_RUN_ERROR, sanitiseRunError, startRunRequest, THREAD_KINDS } from '../contracts/monitoring.js';
import { AppError, errorBody, parseOrThrow } from '../server/errors.js';
import { configOrExit } from './context.js';
import { cliLocale, complain, text } from './output.js';
import { alreadyReported, databaseReporter, httpReporter, mayRetryReport, type RunReporter } from './run-reporters.js';

interface RunOptions {
  kind: string;
  name: string;
  url?: string;
  token?: string;
}

/** How the command ended: its exit code, or the signal that ended it. */
type Ending = { code: number; signal: null } | { code: null; signal: NodeJS.Signals } | { code: null; signal: null; spawnError: string };

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Exit code of a command that could not be started, as a shell says it. */
const COMMAND_NOT_STARTED = 127;

/**
 * How long the end is reported again while the server cannot take it (a restart, a brief outage),
 * waiting 1 s, then twice as long each time up to 15 s: lost, it would leave the run 実行中 or, once
 * its heartbeats stop, 異常終了 for a job that succeeded.
 */
const OUTCOME_RETRY_MS = 2 * 60_000;
const OUTCOME_RETRY_FIRST_WAIT_MS = 1_000;
const OUTCOME_RETRY_LONGEST_WAIT_MS = 15_000;

export function runCommand(program: Command) {
  program
    .command('run')
    .description(text('cli.help.run'))
    .addOption(new Option('--kind <kind>', text('cli.help.run_kind')).choices(THREAD_KINDS).makeOptionMandatory())
    .requiredOption('--name <name>', text('cli.help.run_name'))
    .option('--url <url>', text('cli.help.run_url'))
    .addOption(new Option('--token <token>', text('cli.help.run_token')).env('TAYORI_REPORT_TOKEN'))
    .argument('<command...>', text('cli.help.run_command'))
    .action(async (command: string[], options: RunOptions) => {
      const run = parseRunOrExit(options);
      if (options.url && !options.token) {
        complain('cli.run.url_needs_token');
        process.exit(2);
      }
      const config = configOrExit();
      const reporter = options.url ? httpReporter(options.url, options.token!) : databaseReporter(config);
      process.exitCode = await superviseRun(reporter, run, command, config.monitor.minuteMs);
    });
}

function parseRunOrExit(options: RunOptions) {
  try {
    return parseOrThrow(startRunRequest, { kind: options.kind, name: options.name });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    for (const field of errorBody(error, cliLocale).error.fields ?? []) console.error(`tayori run: --${field.path}: ${field.message}`);
    process.exit(2);
  }
}

/**
 * Reports the start, a heartbeat at once and every minute while the command runs, and the
 * outcome: exit 0 is 正常終了, any other exit or a signal 異常終了 with the tail of standard error.
 * The first heartbeat comes at once so that a supervisor killed in the command's first minute
 * still leaves a run the monitor marks "heartbeat lost", not one 実行中 for ever. A reporting
 * failure is printed and never stops the command: the job itself matters more than its report;
 * the outcome is sent again for a while when the server could not take it.
 */
async function superviseRun(reporter: RunReporter, run: { kind: (typeof THREAD_KINDS)[number]; name: string }, command: string[], heartbeatMs: number) {
  const report = (what: 'start' | 'heartbeat' | 'outcome', action: () => Promise<void>) =>
    action().then(
      () => true,
      (error: unknown) => {
        complain(`cli.run.not_reported.${what}`, { reason: error instanceof Error ? error.message : String(error) });
        return false;
      },
    );
  const started = await report('start', () => reporter.start(run));
  const stderrTail = new TailBuffer(MAX_RUN_ERROR);
  let lastHeartbeat: Promise<unknown> = started ? report('heartbeat', () => reporter.heartbeat()) : Promise.resolve();
  const ending = await runChild(command, stderrTail, () => {
    if (started) lastHeartbeat = report('heartbeat', () => reporter.heartbeat());
  }, heartbeatMs);
  // A shell says "command not found"; silence here would leave a cron mail empty.
  if ('spawnError' in ending) complain('cli.run.command_not_started', { reason: ending.spawnError });
  if (started) {
    // A heartbeat arriving after the finish would be refused: let the last one land first.
    await lastHeartbeat;
    const error = ending.code === 0 ? null : describeEnding(ending, stderrTail.text());
    await report('outcome', () => withRetries(() => reporter.finish(ending.code === 0 ? 'succeeded' : 'failed', error)));
  }
  await reporter.close().catch(() => {});
  return exitCodeOf(ending);
}

/** Sends the outcome until it lands, is refused for good, or OUTCOME_RETRY_MS have passed. */
async function withRetries(send: () => Promise<void>): Promise<void> {
  const giveUpAt = Date.now() + OUTCOME_RETRY_MS;
  for (let wait = OUTCOME_RETRY_FIRST_WAIT_MS, attempt = 1; ; wait = Math.min(wait * 2, OUTCOME_RETRY_LONGEST_WAIT_MS), attempt++) {
    try {
      return await send();
    } catch (error) {
      // A 409 after an unanswered attempt: that attempt landed.
      if (attempt > 1 && alreadyReported(error)) return;
      if (!mayRetryReport(error) || Date.now() + wait > giveUpAt) throw error;
      if (attempt === 1) complain('cli.run.retrying_outcome', { reason: error instanceof Error ? error.message : String(error) });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function runChild(command: string[], stderrTail: TailBuffer, heartbeat: () => void, heartbeatMs: number): Promise<Ending> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['inherit', 'inherit', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail.add(chunk);
    });
    const timer = setInterval(heartbeat, heartbeatMs);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const done = (ending: Ending) => {
      clearInterval(timer);
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(ending);
    };
    child.once('error', (error) => done({ code: null, signal: null, spawnError: error.message }));
    child.once('close', (code, signal) => (signal ? done({ code: null, signal }) : done({ code: code ?? 1, signal: null })));
  });
}

function describeEnding(ending: Ending, stderr: string): string {
  const headline =
    ending.code !== null ? `exit code ${ending.code}` : ending.signal ? `signal ${ending.signal}` : `could not start: ${ending.spawnError}`;
  const tail = Array.from(stderr.trimEnd()).slice(-(MAX_RUN_ERROR - headline.length - 1)).join('');
  return sanitiseRunError(tail ? `${headline}\n${tail}` : headline);
}

/** The command's exit code, or 128 + the signal's number, as a shell reports a command ended by a signal. */
function exitCodeOf(ending: Ending): number {
  if (ending.code !== null) return ending.code;
  if (ending.signal) return 128 + (constants.signals[ending.signal] ?? 0);
  return COMMAND_NOT_STARTED;
}

/** The last characters written to a stream, without keeping all of it. */
class TailBuffer {
  private buffer = '';
  constructor(private readonly keep: number) {}
  add(chunk: string) {
    this.buffer = (this.buffer + chunk).slice(-this.keep * 2);
  }
  text() {
    return this.buffer;
  }
}
