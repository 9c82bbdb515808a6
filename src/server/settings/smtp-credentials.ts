import type { SmtpForm } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import type { MailSettingsRecord } from './mail-settings.service.js';

export const SMTP_PASSWORD_PURPOSE = 'mail_settings.smtp_password';

type SmtpIdentity = Pick<SmtpForm, 'host' | 'port' | 'username'>;

/** The server a stored password was entered for: the same host (DNS is case-insensitive), port and user. */
export function isSameSmtpAccount(stored: SmtpIdentity, form: SmtpIdentity): boolean {
  return (
    (stored.host ?? '').toLowerCase() === (form.host ?? '').toLowerCase() &&
    stored.port === form.port &&
    (stored.username ?? '') === (form.username ?? '')
  );
}

/**
 * The password that goes with these form values (SPEC §1.3, §2.4): the one typed in the form,
 * else the stored one only when host, port and user name are unchanged, so a stored password
 * is never sent to a server it was not entered for. Null when authentication is off.
 */
export function passwordForForm(
  ctx: Pick<AppContext, 'secrets'>,
  record: MailSettingsRecord,
  smtp: Pick<SmtpForm, 'host' | 'port' | 'username' | 'password' | 'authEnabled'>,
): string | null {
  if (!smtp.authEnabled) return null;
  if (smtp.password !== undefined) return smtp.password;
  if (record.smtpPasswordCiphertext === null || !isSameSmtpAccount(record.settings.smtp, smtp)) return null;
  return ctx.secrets.decrypt(record.smtpPasswordCiphertext, SMTP_PASSWORD_PURPOSE);
}
