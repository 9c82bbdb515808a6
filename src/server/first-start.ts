import { t } from '../i18n/index.js';
import type { Config } from './config.js';

const RULE = '='.repeat(64);

/**
 * What a new installation prints once, in the operator's language: the first administrator
 * (its generated password, shown only here) and what to do next — where to sign in, how to
 * give the administrator the address test mail goes to, where the mail settings are.
 */
export function firstStartNotice(config: Config, admin: { login: string; generatedPassword?: string }): string {
  const say = (key: Parameters<typeof t>[1], params: Record<string, string> = {}) => t(config.consoleLocale, key, params);
  const url = config.publicUrl;
  const created = admin.generatedPassword
    ? say('cli.initial_admin', { login: admin.login, password: admin.generatedPassword })
    : say('cli.initial_admin_configured', { login: admin.login });
  const steps = [
    say(admin.generatedPassword ? 'cli.next_steps.sign_in' : 'cli.next_steps.sign_in_configured', { login: admin.login, url }),
    ...(config.initialAdmin.email ? [] : [say('cli.next_steps.email', { url })]),
    say('cli.next_steps.settings', { url }),
    ...(config.devMailbox.enabled ? [say('cli.next_steps.dev_mailbox', { url })] : []),
  ];
  return ['', RULE, created, '', say('cli.next_steps.title'), ...steps.map((step, i) => `  ${i + 1}. ${step}`), RULE, ''].join('\n');
}
