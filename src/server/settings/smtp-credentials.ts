import type { SmtpForm } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import { purposeOf } from '../security/secret-columns.js';
import type { MailSettingsRecord } from './mail-settings.record.js';

export const SMTP_PASSWORD_PURPOSE = purposeOf({ table: 'mail_settings', column: 'smtp_password' });

type SmtpConnection = Pick<SmtpForm, 'host' | 'port' | 'username' | 'security' | 'skipCertificateVerification'>;
type SmtpCredentialsForm = SmtpConnection & Pick<SmtpForm, 'password' | 'authEnabled'>;

/** Where the password for some form values comes from; null when none applies. */
export type SmtpPasswordSource = { from: 'form'; password: string } | { from: 'stored'; ciphertext: string } | null;

/**
 * How well a connection keeps the password from eavesdroppers. STARTTLS is required, never
 * opportunistic (SPEC §1.3), so it encrypts before AUTH exactly as SSL/TLS does: the two rank
 * alike. Verification off ranks below any verified TLS: the server could be anyone.
 */
function protectionOf(connection: Pick<SmtpConnection, 'security' | 'skipCertificateVerification'>): number {
  if (connection.security === 'none') return 0;
  return connection.skipCertificateVerification ? 1 : 2;
}

/**
 * SPEC §1.3: a stored password may be used for these form values only while host (DNS is
 * case-insensitive), port and user name are those it was entered for and the connection is at
 * least as well protected, so it is never sent to another server, in clear text, or to a
 * server whose certificate is not checked, without the administrator typing it again.
 */
export function storedPasswordAppliesTo(stored: SmtpConnection, form: SmtpConnection): boolean {
  return (
    (stored.host ?? '').toLowerCase() === (form.host ?? '').toLowerCase() &&
    stored.port === form.port &&
    (stored.username ?? '') === (form.username ?? '') &&
    protectionOf(form) >= protectionOf(stored)
  );
}

/** The password typed in the form, else the stored one when it still applies (SPEC §1.3, §2.4). */
export function smtpPasswordSource(record: MailSettingsRecord, smtp: SmtpCredentialsForm): SmtpPasswordSource {
  if (!smtp.authEnabled) return null;
  if (smtp.password !== undefined) return { from: 'form', password: smtp.password };
  if (record.smtpPasswordCiphertext === null || !storedPasswordAppliesTo(record.settings.smtp, smtp)) return null;
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
