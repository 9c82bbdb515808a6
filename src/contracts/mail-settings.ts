import { z } from 'zod';
import { addressListSchema, addressSchema } from './address.js';
import { CONTROL_CHARACTERS, singleLineText, wholeNumber } from './common.js';
import { domainToAscii, ipVersion } from './host-names.js';

/**
 * A text box that may be left empty: '' (or only spaces) means "not set", i.e. null. One nullable
 * schema rather than a union, so a bad value reports its own message, not "invalid input".
 */
const blankAsNull = <S extends z.ZodType<unknown, string>>(schema: S, max: number) =>
  z
    .string()
    .max(max)
    .nullable()
    .transform((value) => (value === null || isBlank(value) ? null : value))
    .pipe(schema.nullable());

const isBlank = (value: string) => value.trim() === '' && !CONTROL_CHARACTERS.test(value);

/**
 * メール送信設定 (SPEC §1): one schema for the API, the CLI's `settings apply` file and the
 * screen's form. Field names are English; the screen shows the Japanese labels of LABELS.
 */

export const THREAD_KINDS = ['data-source', 'google-calendar-sync', 'analytics-link'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

export const SMTP_SECURITY = ['none', 'starttls', 'tls'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export const SERVER_KINDS = ['smtp', 'gmail'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const GMAIL_STATES = ['unauthorised', 'authorised', 'reauth_required'] as const;

/** Exact Japanese labels of the screen (SPEC §1), also used to name fields in CLI errors. */
export const LABELS = {
  sendingEnabled: 'メール送信の有効化',
  server: 'メールサーバーの設定',
  'smtp.host': 'SMTPサーバアドレス',
  'smtp.port': 'ポート番号',
  'smtp.security': '使用する暗号化接続の種類',
  'smtp.authEnabled': 'SMTP認証を有効にする',
  'smtp.username': '認証ユーザ名',
  'smtp.password': '認証パスワード',
  'smtp.skipCertificateVerification': '証明書を検証しない',
  senderAddress: '送信元メールアドレス',
  'gmail.clientId': 'Client ID',
  'gmail.clientSecret': 'Client secret',
  suspensionRecipients: 'アカウント停止通知メール送信先メールアドレス',
  monitoring: 'バックグラウンド処理通知設定',
  'monitoring.intervalMinutes': '監視間隔',
  'monitoring.recipients': 'メールアドレス',
  'monitoring.kinds.data-source': 'データソーススレッド処理通知設定',
  'monitoring.kinds.google-calendar-sync': 'Googleカレンダー同期スレッド処理通知設定',
  'monitoring.kinds.analytics-link': 'Analyticsアカウント連携スレッド処理通知設定',
} as const;

export type LabelledPath = keyof typeof LABELS;

/** The labelled field or section nearest to a body path (`monitoring.kinds.data-source.enabled` → its kind). */
export function labelledPathOf(path: string): LabelledPath | undefined {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length--) {
    const key = parts.slice(0, length).join('.');
    if (Object.hasOwn(LABELS, key)) return key as LabelledPath;
  }
  return undefined;
}

const MAX_HOST = 253;

/** `[::1]` as a URL writes an IP address. */
function withoutBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A host name (IDN allowed) or an IP literal; returned in the form given, trimmed, an IP without brackets. */
export const hostSchema = z
  .string()
  .max(MAX_HOST + 2)
  // Before trimming: a trailing CR/LF is refused like one inside, not silently cut off.
  .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'validation.control_chars' })
  .transform((value) => value.trim())
  .superRefine((value, ctx) => {
    if (value === '') {
      ctx.addIssue({ code: 'custom', message: 'validation.required' });
    } else if (!isValidHost(value)) {
      ctx.addIssue({ code: 'custom', message: 'settings.host_invalid' });
    }
  })
  // `[::1]` is how a URL writes an IP address; as a host name it would never resolve.
  .transform(withoutBrackets);

export function isValidHost(value: string): boolean {
  if (ipVersion(withoutBrackets(value)) !== 0) return true;
  if (/^[\d.]+$/.test(value)) return false; // looks like IPv4 but is not one
  const ascii = domainToAscii(value.toLowerCase());
  if (!ascii || ascii.length > MAX_HOST) return false;
  return ascii.split('.').every((label) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(label));
}

export const portSchema = wholeNumber().min(1).max(65535);

const CONNECTION_STRENGTH: Record<SmtpSecurity, number> = { none: 0, starttls: 1, tls: 1 };

type SmtpConnection = Pick<SmtpForm, 'host' | 'port' | 'username' | 'security' | 'skipCertificateVerification'>;

/**
 * SPEC §1.3: a saved password goes only to the server, port and user it was entered for, over a
 * connection at least as strong (encrypted if it was, certificates verified if they were).
 * Otherwise it is cleared on save unless a new one is given; the screen says so as the admin types.
 */
export function savedPasswordStillApplies(saved: SmtpConnection, form: SmtpConnection): boolean {
  return (
    (saved.host ?? '').toLowerCase() === (form.host ?? '').toLowerCase() &&
    saved.port === form.port &&
    (saved.username ?? '') === (form.username ?? '') &&
    CONNECTION_STRENGTH[form.security] >= CONNECTION_STRENGTH[saved.security] &&
    (saved.skipCertificateVerification || !form.skipCertificateVerification)
  );
}

/** Write-only secret: given only to set or change it. No line breaks: they would break SMTP AUTH. */
export const secretInputSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'validation.control_chars' });

/**
 * Rules across fields run whenever the fields they read were read, whatever else was refused:
 * [設定完了] lists every problem in one round. A fraction in [長時間] or [監視間隔] hid, until it
 * was put right, that the switched-on kinds need a recipient.
 */
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const hasBooleans = (value: unknown, fields: string[]) => isRecord(value) && fields.every((field) => typeof value[field] === 'boolean');

const threadKindSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    normalEnd: z.boolean(),
    abnormalEnd: z.boolean(),
    longRunning: z.boolean(),
    longRunningHours: wholeNumber().min(1).max(24),
  })
  .superRefine(
    (kind, ctx) => {
      if (kind.enabled && !kind.normalEnd && !kind.abnormalEnd && !kind.longRunning) {
        ctx.addIssue({ code: 'custom', path: ['enabled'], message: 'settings.kind_needs_outcome' });
      }
    },
    { when: ({ value }) => hasBooleans(value, ['enabled', 'normalEnd', 'abnormalEnd', 'longRunning']) },
  );
export type ThreadKindSettings = z.infer<typeof threadKindSettingsSchema>;


export const monitoringSchema = z
  .strictObject({
    intervalMinutes: wholeNumber()
      .min(5)
      .max(60)
      .refine((minutes) => minutes % 5 === 0, { message: 'settings.interval_step' }),
    recipients: addressListSchema,
    kinds: z.strictObject({
      'data-source': threadKindSettingsSchema,
      'google-calendar-sync': threadKindSettingsSchema,
      'analytics-link': threadKindSettingsSchema,
    }),
  })
  .superRefine(
    (monitoring, ctx) => {
      const anyEnabled = THREAD_KINDS.some((kind) => monitoring.kinds[kind].enabled);
      if (anyEnabled && monitoring.recipients.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'settings.monitoring_recipients_required' });
      }
    },
    {
      when: ({ value }) =>
        isRecord(value) && Array.isArray(value.recipients) && isRecord(value.kinds) && THREAD_KINDS.every((kind) => hasBooleans((value.kinds as Record<string, unknown>)[kind], ['enabled'])),
    },
  );
export type MonitoringSettings = z.infer<typeof monitoringSchema>;

/** The own-SMTP-server part of the form, as submitted. */
export const smtpFormSchema = z
  .strictObject({
    host: blankAsNull(hostSchema, MAX_HOST + 2).default(null),
    port: portSchema.default(587),
    security: z.enum(SMTP_SECURITY).default('starttls'),
    authEnabled: z.boolean().default(false),
    username: blankAsNull(singleLineText(256).transform((value) => value.trim()), 256).default(null),
    /** Omitted: keep the stored password (if host, port and user are unchanged). */
    password: secretInputSchema.optional(),
    skipCertificateVerification: z.boolean().default(false),
  })
  .superRefine((smtp, ctx) => {
    if (smtp.authEnabled && !smtp.username) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'validation.required' });
    }
  });
export type SmtpForm = z.infer<typeof smtpFormSchema>;

const clientIdSchema = singleLineText(512).transform((value) => value.trim());
/**
 * Google's client secrets never hold spaces: one copied with a space at either end was saved and
 * locked, Google refused it as invalid_client, and the right one could be given only after 既定.
 */
const clientSecretSchema = secretInputSchema.transform((value) => value.trim()).pipe(z.string().min(1));

/** The Gmail part of the form; the secret is write-only. */
export const gmailFormSchema = z.strictObject({
  clientId: blankAsNull(clientIdSchema, 512).default(null),
  clientSecret: clientSecretSchema.optional(),
});

/**
 * [認証情報を取得] (POST /api/settings/mail/gmail/authorize): the client to save and lock. With a
 * client already locked the body may be `{}` (再認証 with the stored client).
 */
export const gmailAuthorizeRequestSchema = z.strictObject({
  clientId: clientIdSchema.pipe(z.string().min(1)).optional(),
  clientSecret: clientSecretSchema.optional(),
});
export type GmailAuthorizeRequest = z.infer<typeof gmailAuthorizeRequestSchema>;

export const gmailAuthorizeResponseSchema = z.object({ authorizationUrl: z.string() });

/**
 * Why a return from Google was refused (`/settings/mail?gmail=error&reason=…`): consent denied,
 * no signed-in administrator, a wrong, reused or expired state (or another session's), the code
 * refused at the token endpoint (replayed, PKCE mismatch), the client or redirect URI refused,
 * another token error, an ID token that fails verification, an unverified e-mail, Gmail left
 * unticked on the consent screen, Google unavailable (`server_error`, `temporarily_unavailable`),
 * and a request Google refused for how the client is set up at Google (`invalid_scope`,
 * `unauthorized_client`, …), which waiting does not mend.
 */
export const GMAIL_CALLBACK_REFUSALS = [
  'access_denied',
  'session',
  'state',
  'code',
  'invalid_client',
  'redirect_uri_mismatch',
  'token',
  'id_token',
  'email_unverified',
  'scope',
  'google_unavailable',
  'request_refused',
] as const;
export type GmailCallbackRefusal = (typeof GMAIL_CALLBACK_REFUSALS)[number];

/**
 * Google's error code as it may be shown and carried in the address (`&error=…`): an OAuth error
 * code (RFC 6749 §4.1.2.1, lower case and underscores), anything else left out.
 */
export function googleErrorCode(raw: string | null | undefined): string | undefined {
  return raw && /^[a-z_]{1,64}$/.test(raw) ? raw : undefined;
}

/** What [設定完了] submits (PUT /api/settings/mail, `tayori settings apply`). */
export const mailSettingsFormSchema = z.strictObject({
  sendingEnabled: z.boolean(),
  server: z.enum(SERVER_KINDS).optional(),
  smtp: smtpFormSchema.optional(),
  gmail: gmailFormSchema.optional(),
  senderAddress: blankAsNull(addressSchema, 1000).optional(),
  suspensionRecipients: addressListSchema,
  monitoring: monitoringSchema,
  /** The version the form was loaded at (GET): a save over a newer version is refused (409). */
  version: z.number().int().min(0).optional(),
});
export type MailSettingsForm = z.infer<typeof mailSettingsFormSchema>;
export type MailSettingsFormInput = z.input<typeof mailSettingsFormSchema>;

/** The non-secret settings as stored (mail_settings.document) and as shown. */
export const storedMailSettingsSchema = z.object({
  sendingEnabled: z.boolean(),
  server: z.enum(SERVER_KINDS),
  smtp: z.object({
    host: z.string().nullable(),
    port: z.number().int(),
    security: z.enum(SMTP_SECURITY),
    authEnabled: z.boolean(),
    username: z.string().nullable(),
    skipCertificateVerification: z.boolean(),
  }),
  senderAddress: z.string().nullable(),
  /** The client the admin entered; its authorisation (state, account, tokens) is kept apart, see gmailAuthorisationViewSchema. */
  gmail: z.object({
    clientId: z.string().nullable(),
  }),
  suspensionRecipients: z.array(z.string()),
  monitoring: z.object({
    intervalMinutes: z.number().int(),
    recipients: z.array(z.string()),
    kinds: z.record(z.enum(THREAD_KINDS), z.object({
      enabled: z.boolean(),
      normalEnd: z.boolean(),
      abnormalEnd: z.boolean(),
      longRunning: z.boolean(),
      longRunningHours: z.number().int(),
    })),
  }),
});
export type StoredMailSettings = z.infer<typeof storedMailSettingsSchema>;

const initialKind = (): ThreadKindSettings => ({
  enabled: false,
  normalEnd: false,
  abnormalEnd: false,
  longRunning: false,
  longRunningHours: 3,
});

/** A new installation (SPEC §1.6): sending 無効, 既定 server 587/STARTTLS without host, no recipients. */
export function initialMailSettings(): StoredMailSettings {
  return {
    sendingEnabled: false,
    server: 'smtp',
    smtp: { host: null, port: 587, security: 'starttls', authEnabled: false, username: null, skipCertificateVerification: false },
    senderAddress: null,
    gmail: { clientId: null },
    suspensionRecipients: [],
    monitoring: {
      intervalMinutes: 10,
      recipients: [],
      kinds: { 'data-source': initialKind(), 'google-calendar-sync': initialKind(), 'analytics-link': initialKind() },
    },
  };
}

/**
 * Where the Gmail authorisation stands (SPEC §1.3 step 6): 未認証 / 認証済み (account, when) /
 * 再認証が必要. `locked` from the moment [認証情報を取得] was pressed until 既定 is saved.
 * Runtime state, not part of the versioned form: a callback or a worker never bumps `version`.
 */
export const gmailAuthorisationViewSchema = z.object({
  state: z.enum(GMAIL_STATES),
  locked: z.boolean(),
  accountEmail: z.string().nullable(),
  authorisedAt: z.string().nullable(),
});
export type GmailAuthorisationView = z.infer<typeof gmailAuthorisationViewSchema>;

/** What the admin registers in the Google APIs console (SPEC §1.3 step 1). */
export const gmailRegistrationSchema = z.object({
  javascriptOrigin: z.string(),
  redirectUri: z.string(),
  consoleUrl: z.string(),
});

/** GET /api/settings/mail. Secrets appear only as "set or not". */
export const mailSettingsViewSchema = z.object({
  mode: z.enum(['managed', 'custom']),
  managedSenderAddress: z.string().nullable(),
  visibleFields: z.array(z.string()),
  settings: storedMailSettingsSchema.extend({
    smtp: storedMailSettingsSchema.shape.smtp.extend({ passwordSet: z.boolean() }),
    gmail: storedMailSettingsSchema.shape.gmail.extend({ clientSecretSet: z.boolean() }).extend(gmailAuthorisationViewSchema.shape),
  }),
  gmailRegistration: gmailRegistrationSchema,
  version: z.number().int(),
  /** Null until the settings are first saved. */
  updatedAt: z.string().nullable(),
});
export type MailSettingsView = z.infer<typeof mailSettingsViewSchema>;

/**
 * The form a shown view stands for (`tayori settings show` → edit → `tayori settings apply`):
 * the saved values without what only the view has (`passwordSet`, the Gmail authorisation…), so
 * the stored secrets are kept. In managed mode the server section is left out, as the screen does.
 */
export function formOfShownSettings(view: MailSettingsView): MailSettingsFormInput {
  const { settings } = view;
  const always = { sendingEnabled: settings.sendingEnabled, suspensionRecipients: settings.suspensionRecipients, monitoring: settings.monitoring };
  return settingsBodyFor(view, always, () => {
    const { passwordSet: _passwordSet, ...smtp } = settings.smtp;
    const gmail = settings.server === 'gmail' ? { gmail: { clientId: settings.gmail.clientId } } : {};
    return { server: settings.server, smtp, ...gmail, senderAddress: settings.senderAddress };
  });
}

/**
 * A body of PUT /api/settings/mail at the version it was read at: what every mode has, and the
 * server part only outside managed mode, where the API refuses it.
 */
export function settingsBodyFor(
  view: Pick<MailSettingsView, 'mode' | 'version'>,
  always: Pick<MailSettingsFormInput, 'sendingEnabled' | 'suspensionRecipients' | 'monitoring'>,
  serverPart: () => Pick<MailSettingsFormInput, 'server' | 'smtp' | 'gmail' | 'senderAddress'>,
): MailSettingsFormInput {
  const common = { ...always, version: view.version };
  return view.mode === 'managed' ? common : { ...common, ...serverPart() };
}
