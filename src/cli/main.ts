import { Command } from 'commander';
import { adminCommands } from './admin.js';
import { backupCommand } from './backup.js';
import { mailCommands } from './mail.js';
import { migrateCommand } from './migrate.js';
import { text } from './output.js';
import { runCommand } from './run.js';
import { secretsCommands } from './secrets.js';
import { serveCommand } from './serve.js';
import { settingsCommands } from './settings.js';
import { workerCommand } from './worker.js';

const program = new Command('tayori').description(text('cli.help.program')).showHelpAfterError();

serveCommand(program);
workerCommand(program);
migrateCommand(program);
adminCommands(program);
secretsCommands(program);
settingsCommands(program);
mailCommands(program);
runCommand(program);
backupCommand(program);

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
