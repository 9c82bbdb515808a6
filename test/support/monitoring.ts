import type { MailSettingsFormInput, ThreadKind, ThreadKindSettings } from '../../src/contracts/mail-settings.js';
import { THREAD_KINDS } from '../../src/contracts/mail-settings.js';
import type { Client } from './app.js';
import { saveMailSettings, smtpSettingsForm } from './mail-settings.js';

export const MONITOR_RECIPIENT = 'monitor@example.jp';

export const watchEverything: ThreadKindSettings = {
  enabled: true,
  normalEnd: true,
  abnormalEnd: true,
  longRunning: true,
  longRunningHours: 3,
};

/**
 * Saves mail settings that send to the sink and watch the kinds as given (every kind not given
 * is 無効), through the admin API as an administrator would.
 */
export async function saveMonitoring(
  admin: Client,
  sinkPort: number,
  monitoring: { intervalMinutes?: number; kinds?: Partial<Record<ThreadKind, ThreadKindSettings>> } = {},
): Promise<void> {
  const off: ThreadKindSettings = { ...watchEverything, enabled: false };
  const kinds = Object.fromEntries(THREAD_KINDS.map((kind) => [kind, monitoring.kinds?.[kind] ?? off])) as Record<ThreadKind, ThreadKindSettings>;
  const form: MailSettingsFormInput = smtpSettingsForm(sinkPort, {
    monitoring: { intervalMinutes: monitoring.intervalMinutes ?? 10, recipients: MONITOR_RECIPIENT, kinds },
  });
  await saveMailSettings(admin, form);
}

export const everyKind = (settings: ThreadKindSettings) =>
  Object.fromEntries(THREAD_KINDS.map((kind) => [kind, settings])) as Record<ThreadKind, ThreadKindSettings>;

export const KIND_LABELS: Record<ThreadKind, string> = {
  'data-source': 'データソース',
  'google-calendar-sync': 'Googleカレンダー同期',
  'analytics-link': 'Analyticsアカウント連携',
};

/** The run names a digest lists: its lines that start with "- ". */
export const listedRuns = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2));
