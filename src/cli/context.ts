import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { type Actor, systemActor } from '../server/audit/audit.service.js';
import { createContext, prepareInstallation } from '../server/bootstrap.js';
import { ConfigError, loadConfig } from '../server/config.js';
import type { AppContext } from '../server/context.js';
import { AppError, errorBody } from '../server/errors.js';
import { createLogger } from '../server/logger.js';
import { cliLocale } from './output.js';

/** Parses the environment once; a bad value ends the process with every problem listed. */
export function configOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * Runs a CLI action against a prepared installation and closes the database afterwards. Logs
 * and the first-start notice go to standard error: standard output is the command's result
 * (`tayori settings show | jq`).
 */
export async function withInstallation(action: (ctx: AppContext) => Promise<void>): Promise<void> {
  const config = configOrExit();
  const ctx = createContext(config, { log: createLogger(config.logLevel, pino.destination(2)) });
  try {
    await prepareInstallation(ctx, (notice) => console.error(notice));
    await action(ctx);
  } catch (error) {
    if (error instanceof AppError) {
      printAppError(error);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await ctx.database.close();
  }
}

/** The error and each field problem on its own line; `label` names a field as the screen does. */
export function printAppError(error: AppError, label: (path: string) => string = (path) => `${path}:`) {
  const { error: body } = errorBody(error, cliLocale);
  console.error(body.message);
  for (const field of body.fields ?? []) console.error(`  ${label(field.path)} ${field.message}`);
}

/** A password from the first line of standard input when it is piped, else a generated one. */
export async function passwordFromStdinOrGenerated(): Promise<{ password: string; generated: boolean }> {
  if (process.stdin.isTTY) return { password: randomBytes(12).toString('base64url'), generated: true };
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return { password: line, generated: false };
  }
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

/**
 * Who ran the command, as the audit trail names them: `cli:` and the machine's user (under sudo,
 * the one who ran sudo). Every command was `cli`, so two operators' changes looked alike.
 */
export function cliActor(): Actor {
  return systemActor(`cli:${process.env.SUDO_USER || machineUser()}`);
}

function machineUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A container's uid may have no passwd entry.
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
