import type { MailSettingsFormInput } from '../../src/contracts/mail-settings.js';
import type { Client } from './app.js';

const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };

/** A complete [設定完了] form that sends through an SMTP server on 127.0.0.1 (a test sink). */
export function smtpSettingsForm(
  port: number,
  overrides: Partial<MailSettingsFormInput> & { smtp?: Partial<NonNullable<MailSettingsFormInput['smtp']>> } = {},
): MailSettingsFormInput {
  const { smtp, ...rest } = overrides;
  return {
    sendingEnabled: true,
    server: 'smtp',
    smtp: { host: '127.0.0.1', port, security: 'none', authEnabled: false, ...smtp },
    senderAddress: 'sender@example.jp',
    suspensionRecipients: 'ops@example.jp',
    monitoring: {
      intervalMinutes: 10,
      recipients: '',
      kinds: { 'data-source': quietKind, 'google-calendar-sync': quietKind, 'analytics-link': quietKind },
    },
    ...rest,
  };
}

export async function saveMailSettings(admin: Client, form: MailSettingsFormInput): Promise<void> {
  const response = await admin.request('PUT', '/api/settings/mail', form);
  if (response.statusCode !== 200) throw new Error(`saving mail settings failed: ${response.statusCode} ${response.body}`);
}
