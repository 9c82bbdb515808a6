/** Stands for the administrator's own command at the end of the line. */
export const COMMAND_PLACEHOLDER = 'COMMAND';

/** Words the shell takes as they are; anything else is single-quoted. */
const PLAIN_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * One word of a crontab line: single-quoted for the shell when it needs it (a quote inside
 * becomes '\''), and every % escaped, because cron turns an unescaped % into a line break even
 * inside quotes (it removes the backslash before handing the line to the shell).
 */
export function crontabWord(value: string): string {
  const quoted = PLAIN_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
  return quoted.replaceAll('%', '\\%');
}

/**
 * The `tayori run` line a new report token goes with, ready to follow a schedule in a crontab.
 * (No imports: test/monitoring-run-line.test.ts hands its words to a real shell.)
 */
export function tayoriRunLine(run: { kind: string; name: string; origin: string; token: string }): string {
  const options = ['--kind', run.kind, '--name', run.name, '--url', run.origin, '--token', run.token];
  return ['tayori', 'run', ...options.map(crontabWord), '--', COMMAND_PLACEHOLDER].join(' ');
}
