import {
  LABELS,
  type MailSettingsForm,
  mailSettingsFormSchema,
  type SmtpForm,
  smtpFormSchema,
} from '../../contracts/mail-settings.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { type FieldProblem, problemsFromZod, validationError } from '../errors.js';
import type { MailSettingsRecord } from './mail-settings.record.js';
import { smtpPasswordSource, storedPasswordAppliesTo } from './smtp-credentials.js';

/**
 * The rules of the メール送信設定 form beyond its schema (SPEC §1.1–§1.3): what the mode accepts
 * and what sending needs. They are checked even when other parts of the body are invalid, so one
 * answer lists every problem.
 */

export type MailMode = 'managed' | 'custom';

/** The server section (SPEC §1.3): operator-managed in managed mode, neither shown nor accepted. */
const SERVER_FIELDS = ['server', 'smtp', 'senderAddress', 'gmail'] as const;

export const modeOf = (ctx: Pick<AppContext, 'config'>): MailMode => (ctx.config.managedRelay ? 'managed' : 'custom');

const isServerField = (path: string) => SERVER_FIELDS.some((field) => path === field || path.startsWith(`${field}.`));

export function visibleFieldsFor(mode: MailMode): string[] {
  const fields = Object.keys(LABELS);
  return mode === 'managed' ? fields.filter((field) => !isServerField(field)) : fields;
}

/** The valid parts of a body, and which top-level keys it gave (a given key missing from `form` was invalid). */
interface FormCheck {
  form: Partial<MailSettingsForm>;
  given: ReadonlySet<string>;
  /** The valid fields of a given `smtp` section that is invalid as a whole. */
  smtpFields?: Partial<SmtpForm>;
}

type FormKey = keyof MailSettingsForm;

const problem = (path: string, code: MessageKey, params?: MessageParams): FieldProblem => ({ path, code, params });
const UNKNOWN = Symbol('invalid in the body');

/** The value a save would use: the given one, the stored one when omitted, UNKNOWN when given but invalid. */
function effective<K extends FormKey, T>(check: FormCheck, key: K, stored: T): Exclude<MailSettingsForm[K], undefined> | T | typeof UNKNOWN {
  const value = check.form[key];
  if (value !== undefined) return value as Exclude<MailSettingsForm[K], undefined>;
  return check.given.has(key) ? UNKNOWN : stored;
}

function checkOfForm(form: MailSettingsForm): FormCheck {
  return { form, given: new Set(Object.keys(form).filter((key) => form[key as FormKey] !== undefined)) };
}

function checkOfInvalidBody(body: unknown): FormCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { form: {}, given: new Set() };
  const form: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [key, schema] of Object.entries(mailSettingsFormSchema.shape)) {
    if (!Object.hasOwn(body, key)) continue;
    given.add(key);
    const result = schema.safeParse((body as Record<string, unknown>)[key]);
    if (result.success) form[key] = result.data;
  }
  const smtp = (body as Record<string, unknown>).smtp;
  const smtpFields = given.has('smtp') && !form.smtp ? validFieldsOf(smtp) : undefined;
  return { form: form as Partial<MailSettingsForm>, given, smtpFields };
}

/** A bad port must not hide an empty host: each field of the section, checked on its own. */
function validFieldsOf(smtp: unknown): Partial<SmtpForm> {
  if (typeof smtp !== 'object' || smtp === null || Array.isArray(smtp)) return {};
  const fields: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(smtpFormSchema.shape)) {
    const result = schema.safeParse((smtp as Record<string, unknown>)[key]);
    if (result.success) fields[key] = result.data;
  }
  return fields as Partial<SmtpForm>;
}

/** The form of a request body, or a 422 listing every problem: schema, mode and sending rules together. */
export function parseMailSettingsBody(ctx: Pick<AppContext, 'config'>, record: MailSettingsRecord, body: unknown): MailSettingsForm {
  const parsed = mailSettingsFormSchema.safeParse(body, { reportInput: true });
  const check = parsed.success ? checkOfForm(parsed.data) : checkOfInvalidBody(body);
  const problems = modeProblems(ctx, record, check, parsed.success ? [] : problemsFromZod(parsed.error));
  if (!parsed.success || problems.length > 0) throw validationError(problems);
  return parsed.data;
}

/** An already parsed form (in-process callers), or a 422 when the mode or sending rules refuse it. */
export function checkMailSettingsForm(ctx: Pick<AppContext, 'config'>, record: MailSettingsRecord, form: MailSettingsForm): MailSettingsForm {
  const problems = modeProblems(ctx, record, checkOfForm(form), []);
  if (problems.length > 0) throw validationError(problems);
  return form;
}

function modeProblems(
  ctx: Pick<AppContext, 'config'>,
  record: MailSettingsRecord,
  check: FormCheck,
  schemaProblems: FieldProblem[],
): FieldProblem[] {
  if (modeOf(ctx) === 'managed') {
    const refused = SERVER_FIELDS.filter((field) => check.given.has(field));
    return [
      ...schemaProblems.filter((problem) => !isServerField(problem.path)),
      ...refused.map((path) => problem(path, 'settings.managed_field')),
    ];
  }
  return [...schemaProblems, ...gmailProblems(record, check), ...sendingProblems(record, check)];
}

function gmailProblems(record: MailSettingsRecord, check: FormCheck): FieldProblem[] {
  const stored = record.settings;
  const server = effective(check, 'server', stored.server);
  const gmail = check.form.gmail;
  const problems: FieldProblem[] = [];
  if (server === 'smtp' && gmail) {
    if (gmail.clientId !== null) problems.push(problem('gmail.clientId', 'settings.gmail_not_selected'));
    if (gmail.clientSecret !== undefined) problems.push(problem('gmail.clientSecret', 'settings.gmail_not_selected'));
  }
  if (server === 'gmail' && gmail && record.gmail.locked) {
    if (gmail.clientId !== stored.gmail.clientId) problems.push(problem('gmail.clientId', 'settings.gmail_locked'));
    if (gmail.clientSecret !== undefined) problems.push(problem('gmail.clientSecret', 'settings.gmail_locked'));
  }
  const account = record.gmail.accountEmail;
  const sender = effective(check, 'senderAddress', stored.senderAddress);
  if (server === 'gmail' && account && typeof sender === 'string' && sender.toLowerCase() !== account.toLowerCase()) {
    problems.push(problem('senderAddress', 'settings.gmail_sender_mismatch', { account }));
  }
  return problems;
}

/**
 * With sending 有効化, the own server must be complete so mail can leave at once (SPEC §1.6).
 * With sending 無効 it may stay incomplete: an admin can fill in the recipients first.
 */
function sendingProblems(record: MailSettingsRecord, check: FormCheck): FieldProblem[] {
  if (check.form.sendingEnabled !== true) return [];
  if (effective(check, 'server', record.settings.server) !== 'smtp') return [];
  const problems: FieldProblem[] = [];
  const smtp = effective(check, 'smtp', record.settings.smtp);
  const host = smtp === UNKNOWN ? check.smtpFields?.host : smtp.host;
  if (host === null || host === '') problems.push(problem('smtp.host', 'settings.required_to_send'));
  if (smtp !== UNKNOWN) {
    if (smtp.authEnabled && smtpPasswordSource(record, { password: undefined, ...smtp }) === null) {
      problems.push(problem('smtp.password', passwordMissingReason(record, smtp)));
    }
  }
  if (effective(check, 'senderAddress', record.settings.senderAddress) === null) {
    problems.push(problem('senderAddress', 'settings.required_to_send'));
  }
  return problems;
}

function passwordMissingReason(record: MailSettingsRecord, smtp: SmtpForm) {
  const storedForAnotherConnection = record.smtpPasswordCiphertext !== null && !storedPasswordAppliesTo(record.settings.smtp, smtp);
  return storedForAnotherConnection ? 'smtp.password_reenter' : 'settings.required_to_send';
}
