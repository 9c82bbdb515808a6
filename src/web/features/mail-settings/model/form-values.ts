import type { z } from 'zod';
import type { mailCheckRequestSchema } from '../../../../contracts/mail-checks';
import {
  type MailSettingsFormInput,
  type MailSettingsView,
  savedPasswordStillApplies,
  type ServerKind,
  settingsBodyFor,
  type SmtpSecurity,
  THREAD_KINDS,
  type ThreadKind,
  type ThreadKindSettings,
} from '../../../../contracts/mail-settings';

/**
 * The メール送信設定 form as the browser holds it: text boxes hold text, and the field names are
 * the paths of the API's body, so the API's field errors land on the right field. The password
 * and client secret start empty: they are write-only.
 */
export interface MailSettingsFormValues {
  sendingEnabled: boolean;
  server: ServerKind;
  smtp: {
    host: string;
    port: string;
    security: SmtpSecurity;
    authEnabled: boolean;
    username: string;
    password: string;
    skipCertificateVerification: boolean;
  };
  senderAddress: string;
  gmail: { clientId: string; clientSecret: string };
  suspensionRecipients: string;
  monitoring: {
    intervalMinutes: number;
    recipients: string;
    kinds: Record<ThreadKind, ThreadKindSettings>;
  };
}

export type CheckBody = z.input<typeof mailCheckRequestSchema>;

const joinAddresses = (addresses: string[]) => addresses.join('; ');

export function formValuesOf(view: MailSettingsView): MailSettingsFormValues {
  const { settings } = view;
  return {
    sendingEnabled: settings.sendingEnabled,
    server: settings.server,
    smtp: {
      host: settings.smtp.host ?? '',
      port: String(settings.smtp.port),
      security: settings.smtp.security,
      authEnabled: settings.smtp.authEnabled,
      username: settings.smtp.username ?? '',
      password: '',
      skipCertificateVerification: settings.smtp.skipCertificateVerification,
    },
    senderAddress: settings.senderAddress ?? '',
    gmail: { clientId: settings.gmail.clientId ?? '', clientSecret: '' },
    suspensionRecipients: joinAddresses(settings.suspensionRecipients),
    monitoring: {
      intervalMinutes: settings.monitoring.intervalMinutes,
      recipients: joinAddresses(settings.monitoring.recipients),
      kinds: Object.fromEntries(THREAD_KINDS.map((kind) => [kind, { ...settings.monitoring.kinds[kind] }])) as Record<ThreadKind, ThreadKindSettings>,
    },
  };
}

/** Digits become a number; empty means the default (587); anything else goes as typed, for the contract to refuse. */
function portOf(text: string): number | string | undefined {
  // Full-width digits (５８７) are an ordinary slip with Japanese input on.
  const trimmed = text.normalize('NFKC').trim();
  if (trimmed === '') return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : text;
}

/** A secret box left empty keeps the saved secret: it is not sent at all. */
const secretOf = (text: string) => (text === '' ? undefined : text);

function smtpBodyOf(smtp: MailSettingsFormValues['smtp']): NonNullable<MailSettingsFormInput['smtp']> {
  return {
    host: smtp.host,
    port: portOf(smtp.port) as number,
    security: smtp.security,
    authEnabled: smtp.authEnabled,
    username: smtp.authEnabled ? smtp.username : null,
    password: smtp.authEnabled ? secretOf(smtp.password) : undefined,
    skipCertificateVerification: smtp.skipCertificateVerification,
  };
}

/**
 * The body of [設定完了]. In managed mode the server part is not sent (the API refuses it); the
 * part of the server not chosen (SMTP while Gmail is chosen, or the reverse) is left out so its
 * saved values stay as they are.
 */
export function requestBodyOf(values: MailSettingsFormValues, view: MailSettingsView): MailSettingsFormInput {
  const always = { sendingEnabled: values.sendingEnabled, suspensionRecipients: values.suspensionRecipients, monitoring: values.monitoring };
  return settingsBodyFor(view, always, () => ({
    server: values.server,
    senderAddress: values.senderAddress,
    ...(values.server === 'smtp'
      ? { smtp: smtpBodyOf(values.smtp) }
      : { gmail: { clientId: values.gmail.clientId, clientSecret: secretOf(values.gmail.clientSecret) } }),
  }));
}

/** The body of [接続テスト] / [テストメール送信]: the server part of the form, as it is now. */
export function checkBodyOf(values: MailSettingsFormValues, view: MailSettingsView, to: string): CheckBody {
  const recipient = to.trim() === '' ? undefined : to;
  if (view.mode === 'managed') return { to: recipient };
  if (values.server === 'gmail') return { server: 'gmail', senderAddress: values.senderAddress, to: recipient };
  return { server: 'smtp', smtp: smtpBodyOf(values.smtp), senderAddress: values.senderAddress, to: recipient };
}

/** SPEC §1.3: the saved password will not be used (and is cleared on save) unless a new one is typed. */
export function savedPasswordWillBeCleared(values: MailSettingsFormValues, view: MailSettingsView): boolean {
  const saved = view.settings.smtp;
  if (!saved.passwordSet || !values.smtp.authEnabled || values.smtp.password !== '') return false;
  const port = portOf(values.smtp.port) ?? 587;
  return !savedPasswordStillApplies(saved, {
    host: values.smtp.host.trim() || null,
    port: typeof port === 'number' ? port : Number.NaN,
    username: values.smtp.username.trim() || null,
    security: values.smtp.security,
    skipCertificateVerification: values.smtp.skipCertificateVerification,
  });
}
