import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LABELS, labelledPathOf } from '../contracts/mail-settings.js';
import { systemActor } from '../server/audit/audit.service.js';
import { AppError, errorBody } from '../server/errors.js';
import { applyMailSettings, getMailSettingsView } from '../server/settings/mail-settings.service.js';
import { withInstallation } from './context.js';

export function settingsCommands(program: Command) {
  const settings = program.command('settings').description('メール送信設定 (mail settings)');

  settings
    .command('show')
    .description('print the mail settings as JSON (secrets only as set or not set)')
    .action(async () => {
      await withInstallation(async (ctx) => {
        console.log(JSON.stringify(await getMailSettingsView(ctx), null, 2));
      });
    });

  settings
    .command('apply <file>')
    .description('validate a JSON file of the settings form (as PUT /api/settings/mail takes) and save it as one unit')
    .action(async (file: string) => {
      const body = await readJsonFile(file);
      await withInstallation(async (ctx) => {
        try {
          const view = await applyMailSettings(ctx, systemActor('cli'), body);
          console.log(`メール送信設定を保存しました / mail settings saved (version ${view.version})`);
        } catch (error) {
          if (!(error instanceof AppError) || error.fields.length === 0) throw error;
          printFieldErrors(error);
          process.exitCode = 1;
        }
      });
    });
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** One line a problem, named by the field's label on the screen: `[SMTPサーバアドレス] (smtp.host) 入力してください。` */
function printFieldErrors(error: AppError) {
  const { error: body } = errorBody(error, 'ja');
  console.error(body.message);
  for (const field of body.fields ?? []) {
    const labelled = labelledPathOf(field.path);
    const label = labelled && LABELS[labelled];
    console.error(`  ${label ? `[${label}] ` : ''}(${field.path || '/'}) ${field.message}`);
  }
}
