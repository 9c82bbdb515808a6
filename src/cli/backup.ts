import type { Command } from 'commander';
import { BackupRefused, backupSqliteDatabase } from '../server/db/sqlite-backup.js';
import { keyFilePath } from '../server/security/secret-box.js';
import { configOrExit } from './context.js';
import { complain, say, text } from './output.js';

export function backupCommand(program: Command) {
  program
    .command('backup')
    .description(text('cli.help.backup'))
    .argument('<file>', text('cli.help.backup_file'))
    .option('--force', text('cli.help.force'))
    .action(async (file: string, options: { force?: boolean }) => {
      const config = configOrExit();
      if (config.database.dialect === 'postgres') {
        complain('cli.backup.postgres');
        process.exitCode = 1;
        return;
      }
      try {
        const backup = await backupSqliteDatabase(config.database.file, file, { overwrite: options.force === true });
        say('cli.backup.done', { file: backup.file, size: (backup.bytes / 1_000_000).toFixed(1) });
        if (config.secretKeys) complain('cli.backup.key_variable');
        else complain('cli.backup.key_file', { keyFile: keyFilePath(config.dataDir) });
      } catch (error) {
        if (error instanceof BackupRefused) complain(`cli.backup.${error.reason}`, { file: error.file });
        else complain('cli.backup.failed', { reason: error instanceof Error ? error.message : String(error) });
        process.exitCode = 1;
      }
    });
}
