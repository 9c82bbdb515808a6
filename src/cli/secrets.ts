import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { AppContext } from '../server/context.js';
import { keysMissingFor, reencryptAllSecrets } from '../server/security/rotation.js';
import {
  createSecretBox,
  generateKey,
  keyFilePath,
  readKeyFile,
  retiredKeyFilePath,
  retireKeys,
  writeKeyFile,
} from '../server/security/secret-box.js';
import { configOrExit, withInstallation } from './context.js';
import { complain, say, text } from './output.js';

export function secretsCommands(program: Command) {
  const secrets = program.command('secrets').description(text('cli.help.secrets'));

  secrets
    .command('rotate')
    .description(text('cli.help.rotate'))
    .action(async () => {
      const config = configOrExit();
      const { secretKeys, dataDir } = config;
      const file = keyFilePath(dataDir);
      // Without TAYORI_SECRET_KEY in this shell and no key file, the service's keys are elsewhere.
      if (!secretKeys && !existsSync(file)) {
        complain('cli.secrets.no_key_file', { file });
        process.exitCode = 1;
        return;
      }
      await withInstallation(async (ctx) => {
        const keys = secretKeys ?? readKeyFile(file);
        // Decrypt only: a restored backup may still hold secrets under a key an earlier rotation retired.
        const retired = secretKeys ? [] : readKeyFile(retiredKeyFilePath(dataDir));
        if (!(await allSecretsReadable(ctx, [...keys, ...retired]))) return;
        const ring = secretKeys ?? [generateKey(), ...keys];
        // The new key is on disk before any secret uses it: a crash mid-way loses nothing.
        if (!secretKeys) writeKeyFile(file, ring);
        const box = createSecretBox([...ring, ...retired]);
        const rewritten = await reencryptAllSecrets(ctx.db, box);
        say('cli.secrets.rotated', { count: rewritten, key: box.currentKeyId });
        if (secretKeys) {
          say('cli.secrets.old_keys_unused');
          return;
        }
        // Old keys leave the key file only once nothing is encrypted with them any more.
        retireKeys(dataDir, keys, ctx.clock.now());
        writeKeyFile(file, [ring[0]]);
        say('cli.secrets.retired_kept', { file: retiredKeyFilePath(dataDir) });
      });
    });
}

/** Refuses before anything changes when a stored secret is under a key this configuration lacks. */
async function allSecretsReadable(ctx: AppContext, keys: string[]): Promise<boolean> {
  const missing = await keysMissingFor(ctx.db, createSecretBox(keys));
  if (missing.length === 0) return true;
  complain('cli.secrets.key_missing', { keys: missing.join(', ') });
  process.exitCode = 1;
  return false;
}
