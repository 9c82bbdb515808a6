import type { Command } from 'commander';
import { createSecretBox, generateKey, keyFilePath, loadKeyRing, writeKeyFile } from '../server/security/secret-box.js';
import { reencryptAllSecrets } from '../server/security/rotation.js';
import { configOrExit, withInstallation } from './context.js';
import { say, text } from './output.js';

export function secretsCommands(program: Command) {
  const secrets = program.command('secrets').description(text('cli.help.secrets'));

  secrets
    .command('rotate')
    .description(text('cli.help.rotate'))
    .action(async () => {
      const config = configOrExit();
      const usesKeyFile = !config.secretKeys;
      const file = keyFilePath(config.dataDir);
      const oldKeys = loadKeyRing(config.secretKeys, config.dataDir);
      const ring = usesKeyFile ? [generateKey(), ...oldKeys] : oldKeys;
      // The new key is on disk before any secret uses it: a crash mid-way loses nothing.
      if (usesKeyFile) writeKeyFile(file, ring);
      await withInstallation(async (ctx) => {
        const rewritten = await reencryptAllSecrets(ctx.db, createSecretBox(ring));
        // Old keys are dropped only once nothing is encrypted with them any more.
        if (usesKeyFile) writeKeyFile(file, [ring[0]]);
        say('cli.secrets.rotated', { count: rewritten, key: createSecretBox(ring).currentKeyId });
        if (!usesKeyFile) say('cli.secrets.old_keys_unused');
      });
    });
}
