import type { Command } from 'commander';
import { createContext } from '../server/bootstrap.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { configOrExit } from './context.js';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const ctx = createContext(configOrExit());
      try {
        const applied = await migrateToLatest(ctx.database);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      } finally {
        await ctx.database.close();
      }
    });
}
