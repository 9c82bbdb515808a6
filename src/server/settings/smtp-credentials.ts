import type { SmtpForm } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import { purposeOf } from '../security/secret-columns.js';
import type { MailSettingsRecord } from './mail-settings.service.js';

export const SMTP_PASSWORD_PURPOSE = purposeOf({ table: 'mail_settings', column: 'smtp_password' });

type SmtpIdentity = Pick<SmtpForm, 'host' | 'port' | 'username'>;
type SmtpCredentialsForm = Pick<SmtpForm, 'host' | 'port' | 'username' | 'password' | 'authEnabled'>;

/** Where the password for some form values comes from; null when none applies. */
export type SmtpPasswordSource = { from: 'form'; password: string } | { from: 'stored'; ciphertext: string } | null;

/** The server a stored password was entered for: the same host (DNS is case-insensitive), port and user. */
export function isSameSmtpAccount(stored: SmtpIdentity, form: SmtpIdentity): boolean {
  return (
    (stored.host ?? '').toLowerCase() === (form.host ?? '').toLowerCase() &&
    stored.port === form.port &&
    (stored.username ?? '') === (form.username ?? '')
  );
}

/**
 * SPEC §1.3, §2.4: the password typed in the form, else the stored one only when host, port and
 * user name are unchanged, so a stored password is never sent to a server it was not entered for.
 */
export function smtpPasswordSource(record: MailSettingsRecord, smtp: SmtpCredentialsForm): SmtpPasswordSource {
  if (!smtp.authEnabled) return null;
  if (smtp.password !== undefined) return { from: 'form', password: smtp.password };
  if (record.smtpPasswordCiphertext === null || !isSameSmtpAccount(record.settings.smtp, smtp)) return null;
  return { from: 'stored', ciphertext: record.smtpPasswordCiphertext };
}

/** The password that goes with these form values (connection test, test mail); null when none applies. */
export function passwordForForm(ctx: Pick<AppContext, 'secrets'>, record: MailSettingsRecord, smtp: SmtpCredentialsForm): string | null {
  const source = smtpPasswordSource(record, smtp);
  if (source === null) return null;
  return source.from === 'form' ? source.password : ctx.secrets.decrypt(source.ciphertext, SMTP_PASSWORD_PURPOSE);
}

/** What to store in mail_settings.smtp_password for these form values. */
export function smtpPasswordCiphertextForForm(ctx: Pick<AppContext, 'secrets'>, record: MailSettingsRecord, smtp: SmtpCredentialsForm): string | null {
  const source = smtpPasswordSource(record, smtp);
  if (source === null) return null;
  return source.from === 'stored' ? source.ciphertext : ctx.secrets.encrypt(source.password, SMTP_PASSWORD_PURPOSE);
}
