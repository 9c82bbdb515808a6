import type { Logger } from 'pino';
import { ensureInitialAdmin } from './accounts/users.service.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase } from './db/database.js';
import { firstStartNotice } from './first-start.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './logger.js';
import { ensureOrganisation } from './organisation/organisation.service.js';
import { warnAboutLooseModes } from './security/private-files.js';
import { keysMissingFor } from './security/rotation.js';
import { openSecretBox } from './security/secret-box.js';
import { startupProblem } from './startup-problems.js';
import { trustedCertificates } from './transports/tls-trust.js';

export function createContext(config: Config, options: { clock?: Clock; log?: Logger } = {}): AppContext {
  // The extra CA bundle is read now, once (config checked it), not at the first TLS connection.
  trustedCertificates(config.smtpCaFile);
  try {
    const database = openDatabase(config.database);
    return {
      config,
      database,
      db: database.db,
      clock: options.clock ?? systemClock,
      secrets: openSecretBox(config.secretKeys, config.dataDir),
      log: options.log ?? createLogger(config.logLevel),
    };
  } catch (error) {
    throw startupProblem(error, config);
  }
}

/**
 * Everything a process does before it serves: schema up to date, the organisation row, and the
 * first administrator on a new installation, announced once with what to do next. `announce`
 * is standard output for `serve` and `worker`, standard error for commands whose output is data.
 */
export async function prepareInstallation(ctx: AppContext, announce: (text: string) => void = console.log) {
  await migrateInstallation(ctx);
  warnAboutLooseModes(ctx);
  warnAboutUnknownVariables(ctx);
  await warnAboutUnreadableSecrets(ctx);
  await ensureOrganisation(ctx);
  await ensureInitialAdmin(ctx, (created) => announce(firstStartNotice(ctx.config, created)));
}

/**
 * The schema up to date; returns the migrations applied. The first statement of every start: a
 * database that is missing, refuses the user or cannot be reached is said here in words.
 */
export function migrateInstallation(ctx: Pick<AppContext, 'config' | 'database'>): Promise<string[]> {
  return migrateToLatest(ctx.database).catch((error: unknown) => {
    throw startupProblem(error, ctx.config);
  });
}

/**
 * Told at every start: secrets stored with a key this installation does not have. A lost
 * secret.key is replaced by a new one without a word, and what is entered again meanwhile is
 * encrypted with the new key — unreadable once the old key file is found and put back.
 */
async function warnAboutUnreadableSecrets(ctx: Pick<AppContext, 'db' | 'secrets' | 'log'>): Promise<void> {
  const keyIds = await keysMissingFor(ctx.db, ctx.secrets);
  if (keyIds.length === 0) return;
  ctx.log.warn(
    { keyIds },
    `stored secrets (SMTP password, Gmail client secret or tokens) were encrypted with keys this installation does not have (${keyIds.join(', ')}): put back the secret.key or TAYORI_SECRET_KEY they were saved with before entering them again; until then they cannot be used`,
  );
}

/** Told at every start, as loose file modes are: an unknown variable leaves its setting at the default. */
function warnAboutUnknownVariables(ctx: Pick<AppContext, 'config' | 'log'>): void {
  const unknown = ctx.config.unknownVariables;
  if (unknown.length === 0) return;
  const named = unknown.map(({ name, didYouMean }) => (didYouMean ? `${name} (did you mean ${didYouMean}?)` : name)).join(', ');
  ctx.log.warn({ unknown }, `ignored environment variables that are no Tayori setting: ${named}`);
}
