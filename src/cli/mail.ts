import type { Command } from 'commander';
import { z } from 'zod';
import { addressSchema } from '../contracts/address.js';
import { sendTestMailWithSavedSettings } from '../server/checks/checks.service.js';
import { parseOrThrow } from '../server/errors.js';
import { withInstallation } from './context.js';

export function mailCommands(program: Command) {
  const mail = program.command('mail').description('mail delivery from the command line');

  mail
    .command('test')
    .description('send a test mail now with the saved settings, directly rather than through the outbox (logged as kind test)')
    .requiredOption('--to <address>', 'recipient')
    .action(async (options: { to: string }) => {
      await withInstallation(async (ctx) => {
        const { to } = parseOrThrow(z.object({ to: addressSchema }), options);
        const outcome = await sendTestMailWithSavedSettings(ctx, to);
        if (outcome.ok) {
          console.log(outcome.message);
          return;
        }
        console.error(outcome.message);
        process.exitCode = 1;
      });
    });
}
