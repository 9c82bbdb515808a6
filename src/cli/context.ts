import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { createContext, prepareInstallation } from '../server/bootstrap.js';
import { ConfigError, loadConfig } from '../server/config.js';
import type { AppContext } from '../server/context.js';
import { AppError, errorBody } from '../server/errors.js';

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

/** Runs a CLI action against a prepared installation and closes the database afterwards. */
export async function withInstallation(action: (ctx: AppContext) => Promise<void>): Promise<void> {
  const ctx = createContext(configOrExit(), { log: undefined });
  try {
    await prepareInstallation(ctx);
    await action(ctx);
  } catch (error) {
    if (error instanceof AppError) {
      const { error: body } = errorBody(error, 'ja');
      console.error(body.message);
      for (const field of body.fields ?? []) console.error(`  ${field.path}: ${field.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await ctx.database.close();
  }
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
