import type { Command } from 'commander';
import { createContext, migrateInstallation } from '../server/bootstrap.js';
import { configOrExit } from './context.js';
import { say, text } from './output.js';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description(text('cli.help.migrate'))
    .action(async () => {
      const ctx = createContext(configOrExit());
      try {
        const applied = await migrateInstallation(ctx);
        if (applied.length > 0) say('cli.migrate.applied', { names: applied.join(', ') });
        else say('cli.migrate.up_to_date');
      } finally {
        await ctx.database.close();
      }
    });
}
