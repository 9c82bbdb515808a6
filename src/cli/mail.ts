import type { Command } from 'commander';
import { z } from 'zod';
import { addressSchema } from '../contracts/address.js';
import { sendTestMailWithSavedSettings } from '../server/checks/checks.service.js';
import { parseOrThrow } from '../server/errors.js';
import { withInstallation } from './context.js';
import { cliLocale, text } from './output.js';

export function mailCommands(program: Command) {
  const mail = program.command('mail').description(text('cli.help.mail'));

  mail
    .command('test')
    .description(text('cli.help.mail_test'))
    .requiredOption('--to <address>', text('cli.help.to'))
    .action(async (options: { to: string }) => {
      await withInstallation(async (ctx) => {
        const { to } = parseOrThrow(z.object({ to: addressSchema }), options);
        const outcome = await sendTestMailWithSavedSettings(ctx, to, cliLocale);
        if (outcome.ok) {
          console.log(outcome.message);
          return;
        }
        console.error(outcome.message);
        process.exitCode = 1;
      });
    });
}
