import type { Command } from 'commander';
import { serve } from '../server/main.js';
import { configOrExit } from './context.js';

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('HTTP server, outbox worker and monitor in one process')
    .action(async () => {
      await serve(configOrExit());
    });
}
