import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formOfShownSettings, LABELS, labelledPathOf, mailSettingsViewSchema } from '../contracts/mail-settings.js';
import { AppError } from '../server/errors.js';
import { applyMailSettings, getMailSettingsView } from '../server/settings/mail-settings.service.js';
import { cliActor, printAppError, withInstallation } from './context.js';
import { cliLocale, complain, say, text } from './output.js';

export function settingsCommands(program: Command) {
  const settings = program.command('settings').description(text('cli.help.settings'));

  settings
    .command('show')
    .description(text('cli.help.settings_show'))
    .action(async () => {
      await withInstallation(async (ctx) => {
        console.log(JSON.stringify(await getMailSettingsView(ctx), null, 2));
      });
    });

  settings
    .command('apply <file>')
    .description(text('cli.help.settings_apply'))
    .action(async (file: string) => {
      const content = await readJsonFile(file);
      if (content === undefined) return;
      // What `settings show` printed is taken back as the form it stands for.
      const shown = mailSettingsViewSchema.safeParse(content);
      const body = shown.success ? formOfShownSettings(shown.data) : content;
      await withInstallation(async (ctx) => {
        try {
          const view = await applyMailSettings(ctx, cliActor(), body);
          say('cli.settings.saved', { version: view.version });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          // The screen's 「画面を再読み込みしてください」 means nothing here.
          if (error.status === 409) {
            complain('cli.settings.conflict');
            process.exitCode = 1;
            return;
          }
          if (error.fields.length === 0) throw error;
          printAppError(error, fieldName);
          process.exitCode = 1;
        }
      });
    });
}

/** The file's JSON; undefined (exit code 1, the reason printed) when it cannot be read or parsed. */
async function readJsonFile(file: string): Promise<unknown> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    return fail('cli.file.unreadable', file, error);
  }
  try {
    return JSON.parse(content);
  } catch (error) {
    return fail('cli.file.not_json', file, error);
  }
}

function fail(key: 'cli.file.unreadable' | 'cli.file.not_json', file: string, error: unknown): undefined {
  console.error(text(key, { file, reason: (error as Error).message }));
  process.exitCode = 1;
  return undefined;
}

/**
 * A field as the screen names it, `[ポート番号] (smtp.port)`: the screen's labels are Japanese
 * (SPEC §1), so in English the path alone names it.
 */
function fieldName(path: string): string {
  const labelled = cliLocale === 'ja' ? labelledPathOf(path) : undefined;
  const label = labelled && LABELS[labelled];
  return `${label ? `[${label}] ` : ''}(${path || '/'})`;
}
