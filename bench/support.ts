import { type MailSettingsForm, mailSettingsFormSchema } from '../src/contracts/mail-settings.js';

/** The PostgreSQL server benchmarks create their databases on. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };

/** [設定完了] for a benchmark: send through the sink on 127.0.0.1, plain, no monitoring. */
export function sinkSettings(sinkPort: number): MailSettingsForm {
  return mailSettingsFormSchema.parse({
    sendingEnabled: true,
    server: 'smtp',
    smtp: { host: '127.0.0.1', port: sinkPort, security: 'none', authEnabled: false },
    senderAddress: 'sender@example.jp',
    suspensionRecipients: '',
    monitoring: { intervalMinutes: 10, recipients: '', kinds: { 'data-source': quietKind, 'google-calendar-sync': quietKind, 'analytics-link': quietKind } },
  });
}
