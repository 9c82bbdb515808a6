import type { Command } from 'commander';
import { createSecretBox, generateKey, keyFilePath, loadKeyRing, writeKeyFile } from '../server/security/secret-box.js';
import { reencryptAllSecrets } from '../server/security/rotation.js';
import { configOrExit, withInstallation } from './context.js';

export function secretsCommands(program: Command) {
  const secrets = program.command('secrets').description('the keys that encrypt stored secrets');

  secrets
    .command('rotate')
    .description(
      'with a key file: add a new key and re-encrypt every secret with it. With TAYORI_SECRET_KEY: put the new key first (new,old), then run this',
    )
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
        console.log(`re-encrypted ${rewritten} secret(s) with key ${createSecretBox(ring).currentKeyId}`);
        if (!usesKeyFile) console.log('every secret now uses the first key of TAYORI_SECRET_KEY; the others can be removed');
      });
    });
}
