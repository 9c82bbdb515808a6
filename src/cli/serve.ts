import type { Command } from 'commander';
import { serve } from '../server/main.js';
import { configOrExit } from './context.js';
import { text } from './output.js';

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description(text('cli.help.serve'))
    .action(async () => {
      await serve(configOrExit());
    });
}
