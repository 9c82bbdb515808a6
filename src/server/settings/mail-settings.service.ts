import {
  initialMailSettings,
  type MailSettingsForm,
  type MailSettingsView,
  mailSettingsViewSchema,
  type SmtpForm,
  type StoredMailSettings,
} from '../../contracts/mail-settings.js';
import { type Actor, diffForAudit, recordAudit, systemActor } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { DEV_MAILBOX_SENDER } from '../dev-mailbox/sender.js';
import { conflict } from '../errors.js';
import { type RetiredGmail, retiredGmailOf, revokeRetiredGmail } from '../google/gmail-revocation.js';
import { deleteAuthorisation, NO_AUTHORISATION } from '../google/oauth-authorisation.repository.js';
import { GMAIL_PROVIDER_KEY, gmailProvider, registrationValues } from '../google/oauth-mail-provider.js';
import { requestPromptDelivery } from '../outbox/transport-state.repository.js';
import { writeMailSettingsRow } from './mail-settings.repository.js';
import { GMAIL_CLIENT_SECRET_PURPOSE, type MailSettingsRecord, readMailSettings } from './mail-settings.record.js';
import { checkMailSettingsForm, modeOf, parseMailSettingsBody, visibleFieldsFor } from './mail-settings.rules.js';
import { smtpPasswordCiphertextForForm } from './smtp-credentials.js';

const AUDIT_ACTION = 'settings.mail.update';

/** What GET /api/settings/mail shows: secrets only as "set or not", through the view schema so none can leak. */
export function toMailSettingsView(ctx: Pick<AppContext, 'config'>, record: MailSettingsRecord): MailSettingsView {
  // GET never fails because of a token: the view shows the state, it never touches a token.
  const mode = modeOf(ctx);
  return mailSettingsViewSchema.parse({
    mode,
    managedSenderAddress: ctx.config.managedRelay?.from ?? null,
    visibleFields: visibleFieldsFor(mode),
    settings: {
      ...record.settings,
      smtp: { ...record.settings.smtp, passwordSet: record.smtpPasswordCiphertext !== null },
      gmail: { ...record.settings.gmail, clientSecretSet: record.gmailClientSecretCiphertext !== null, ...record.gmail },
    },
    gmailRegistration: registrationValues(ctx.config, gmailProvider(ctx.config)),
    version: record.version,
    updatedAt: record.version === 0 ? null : record.updatedAt,
  } satisfies MailSettingsView);
}

export async function getMailSettingsView(ctx: AppContext): Promise<MailSettingsView> {
  return toMailSettingsView(ctx, await readMailSettings(ctx.db));
}

/** PUT /api/settings/mail and `tayori settings apply`: an unparsed body, every problem reported at once. */
export function applyMailSettings(ctx: AppContext, actor: Actor, body: unknown): Promise<MailSettingsView> {
  return saveValidated(ctx, actor, (record) => parseMailSettingsBody(ctx, record, body));
}

/**
 * Every problem [設定完了] would find in the body, saving nothing: the screen checks the shape
 * itself, but the rules that need the saved settings (a host and a sender to send, a password to
 * reuse) run only here, and came back in a second round after the shape was put right.
 */
export async function checkMailSettingsBody(ctx: AppContext, body: unknown): Promise<void> {
  parseMailSettingsBody(ctx, await readMailSettings(ctx.db), body);
}

/** Validates the form against the mode and saves it as one unit (SPEC §1.6), audited. */
export function saveMailSettings(ctx: AppContext, actor: Actor, form: MailSettingsForm): Promise<MailSettingsView> {
  return saveValidated(ctx, actor, (record) => checkMailSettingsForm(ctx, record, form));
}

async function saveValidated(
  ctx: AppContext,
  actor: Actor,
  validate: (record: MailSettingsRecord) => MailSettingsForm,
): Promise<MailSettingsView> {
  let retired: RetiredGmail | null = null;
  const view = await ctx.db.transaction().execute(async (trx) => {
    const record = await readMailSettings(trx);
    const form = validate(record);
    const next = nextSettings(ctx, record, form);
    // [設定完了] always means "try now": waiting mail leaves at once, even when nothing changed.
    await requestPromptDelivery(trx);
    // A save that changes nothing (the same form sent again) keeps the version and is not audited,
    // whatever version it was made from: the same file applied twice was refused as a conflict.
    if (record.version > 0 && changesNothing(record, next)) return toMailSettingsView(ctx, record);
    if (form.version !== undefined && form.version !== record.version) throw conflict();
    if (next.gmailDeleted) retired = await retiredGmailOf(trx, record);
    const saved = await writeAudited(trx, ctx, actor, record, next);
    if (!saved) throw conflict();
    return toMailSettingsView(ctx, saved);
  });
  // Not awaited: Google unreachable (when an admin is likely to choose 既定) held the save for 40 s.
  if (retired) void revokeRetiredGmail(ctx, retired);
  return view;
}

/**
 * SPEC §2.6: on the first start with the dev mailbox and no saved settings, send through it.
 * Returns whether it seeded (false when settings exist, also when another instance seeded first).
 */
export async function seedSettingsForDevMailbox(ctx: AppContext, port: number): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const record = await readMailSettings(trx);
    if (record.version !== 0) return false;
    const initial = initialMailSettings();
    const settings: StoredMailSettings = {
      ...initial,
      sendingEnabled: true,
      smtp: { ...initial.smtp, host: '127.0.0.1', port, security: 'none', authEnabled: false, username: null },
      senderAddress: DEV_MAILBOX_SENDER,
    };
    const next = { settings, smtpPasswordCiphertext: null, gmailClientSecretCiphertext: null, gmailDeleted: false };
    return (await writeAudited(trx, ctx, systemActor(), record, next, { reason: 'dev_mailbox' })) !== null;
  });
}

/**
 * [認証情報を取得] saves the client it starts with (SPEC §1.6: an exception to saving the form
 * as a unit), audited like a save. The client is locked from then on by the authorisation row.
 */
export async function saveGmailClient(
  trx: Database,
  ctx: AppContext,
  actor: Actor,
  record: MailSettingsRecord,
  clientId: string,
  secretCiphertext: string,
): Promise<void> {
  const next: NextSettings = {
    settings: { ...record.settings, gmail: { clientId } },
    smtpPasswordCiphertext: record.smtpPasswordCiphertext,
    gmailClientSecretCiphertext: secretCiphertext,
    gmailDeleted: false,
  };
  if (!(await writeAudited(trx, ctx, actor, record, next, { reason: 'gmail_authorize' }))) throw conflict();
}

/**
 * Authorised again as another Google account: a saved Gmail sender that was the old account
 * becomes the new one (SPEC §1.3 step 5: the sender is the authorised account), audited like a
 * save. Otherwise every mail would leave from an address the new account does not own.
 */
export async function senderFollowsGmailAccount(trx: Database, ctx: AppContext, actor: Actor, previousAccount: string, account: string): Promise<void> {
  const record = await readMailSettings(trx);
  const sender = record.settings.senderAddress;
  if (record.settings.server !== 'gmail' || sender?.toLowerCase() !== previousAccount.toLowerCase()) return;
  const next: NextSettings = {
    settings: { ...record.settings, senderAddress: account },
    smtpPasswordCiphertext: record.smtpPasswordCiphertext,
    gmailClientSecretCiphertext: record.gmailClientSecretCiphertext,
    gmailDeleted: false,
  };
  if (!(await writeAudited(trx, ctx, actor, record, next, { reason: 'gmail_account_changed' }))) throw conflict();
}

type StoredCredentials = Pick<MailSettingsRecord, 'smtpPasswordCiphertext' | 'gmailClientSecretCiphertext'>;

interface NextSettings extends StoredCredentials {
  settings: StoredMailSettings;
  /** Selecting 既定 after Gmail deletes the Gmail client and tokens (SPEC §1.3 step 4). */
  gmailDeleted: boolean;
}

/**
 * The settings a valid form leads to. Sections the form omits keep their stored values: in
 * managed mode the server section cannot be given at all and comes back if the mode ends.
 */
function nextSettings(ctx: AppContext, record: MailSettingsRecord, form: MailSettingsForm): NextSettings {
  const stored = record.settings;
  const settings: StoredMailSettings = {
    ...stored,
    sendingEnabled: form.sendingEnabled,
    suspensionRecipients: form.suspensionRecipients,
    monitoring: form.monitoring,
  };
  if (modeOf(ctx) === 'managed') {
    return { settings, smtpPasswordCiphertext: record.smtpPasswordCiphertext, gmailClientSecretCiphertext: record.gmailClientSecretCiphertext, gmailDeleted: false };
  }
  const server = form.server ?? stored.server;
  const gmail = server === 'gmail' ? nextGmail(ctx, record, form.gmail) : { settings: initialMailSettings().gmail, secret: null };
  const hadGmail = stored.gmail.clientId !== null || record.gmailClientSecretCiphertext !== null || record.gmail.locked;
  const senderAddress = form.senderAddress !== undefined ? form.senderAddress : stored.senderAddress;
  return {
    settings: {
      ...settings,
      server,
      smtp: form.smtp ? storedSmtpOf(form.smtp) : stored.smtp,
      gmail: gmail.settings,
      // SPEC §1.3 step 5: the sender of Gmail is the authorised account, pre-filled.
      senderAddress: senderAddress ?? (server === 'gmail' ? record.gmail.accountEmail : null),
    },
    smtpPasswordCiphertext: form.smtp ? smtpPasswordCiphertextForForm(ctx, record, form.smtp) : record.smtpPasswordCiphertext,
    gmailClientSecretCiphertext: gmail.secret,
    gmailDeleted: server === 'smtp' && hadGmail,
  };
}

function storedSmtpOf(smtp: SmtpForm): StoredMailSettings['smtp'] {
  return {
    host: smtp.host,
    port: smtp.port,
    security: smtp.security,
    authEnabled: smtp.authEnabled,
    username: smtp.authEnabled ? smtp.username : null,
    skipCertificateVerification: smtp.skipCertificateVerification,
  };
}

/** The Gmail client as the form leaves it; a client secret belongs to its client ID, like a password to its server. */
function nextGmail(ctx: AppContext, record: MailSettingsRecord, form: MailSettingsForm['gmail']) {
  const stored = record.settings.gmail;
  if (!form || record.gmail.locked) return { settings: stored, secret: record.gmailClientSecretCiphertext };
  const sameClient = form.clientId === stored.clientId;
  const secret =
    form.clientSecret !== undefined
      ? ctx.secrets.encrypt(form.clientSecret, GMAIL_CLIENT_SECRET_PURPOSE)
      : sameClient
        ? record.gmailClientSecretCiphertext
        : null;
  return { settings: { ...stored, clientId: form.clientId }, secret };
}

/** Writes the next settings if nobody saved in between, with an audit entry whose secrets show only as set or cleared. */
async function writeAudited(
  db: Database,
  ctx: AppContext,
  actor: Actor,
  record: MailSettingsRecord,
  next: NextSettings,
  details: Record<string, unknown> = {},
): Promise<MailSettingsRecord | null> {
  const saved: MailSettingsRecord = {
    settings: next.settings,
    smtpPasswordCiphertext: next.smtpPasswordCiphertext,
    gmailClientSecretCiphertext: next.gmailClientSecretCiphertext,
    gmail: next.gmailDeleted ? NO_AUTHORISATION : record.gmail,
    version: record.version + 1,
    updatedAt: ctx.clock.now().toISOString(),
  };
  const written = await writeMailSettingsRow(db, record.version, {
    document: JSON.stringify(saved.settings),
    smtp_password: saved.smtpPasswordCiphertext,
    gmail_client_secret: saved.gmailClientSecretCiphertext,
    version: saved.version,
    updated_at: saved.updatedAt,
    updated_by: actor.userId ?? actor.login,
  });
  if (!written) return null;
  // Selecting 既定 deletes the Gmail client, tokens and account in the save's transaction (SPEC §1.3 step 4).
  if (next.gmailDeleted) await deleteAuthorisation(db, GMAIL_PROVIDER_KEY);
  await recordAudit(db, ctx.clock, actor, AUDIT_ACTION, 'mail_settings', {
    ...details,
    changes: diffForAudit(flatten(record.settings), flatten(saved.settings)),
    credentials: credentialChanges(record, saved),
    ...(next.gmailDeleted ? { gmailCredentialsDeleted: true } : {}),
  });
  return saved;
}

function changesNothing(record: MailSettingsRecord, next: NextSettings): boolean {
  return (
    !next.gmailDeleted &&
    Object.keys(diffForAudit(flatten(record.settings), flatten(next.settings))).length === 0 &&
    Object.keys(credentialChanges(record, next)).length === 0
  );
}

type CredentialChange = 'set' | 'replaced' | 'cleared';

/** Secrets appear in the audit only as what happened to them (keys free of the words the audit masks). */
function credentialChanges(before: StoredCredentials, after: StoredCredentials): Record<string, CredentialChange> {
  const changes: Record<string, CredentialChange> = {};
  const pairs = {
    smtpAuth: [before.smtpPasswordCiphertext, after.smtpPasswordCiphertext],
    gmailClient: [before.gmailClientSecretCiphertext, after.gmailClientSecretCiphertext],
  };
  for (const [name, [old, current]] of Object.entries(pairs)) {
    if (old === current) continue;
    changes[name] = old === null ? 'set' : current === null ? 'cleared' : 'replaced';
  }
  return changes;
}

/** Dotted paths (`smtp.host`), so the audit shows each changed field on its own. */
function flatten(value: object, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, inner]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? Object.entries(flatten(inner, path)) : [[path, inner]];
    }),
  );
}
