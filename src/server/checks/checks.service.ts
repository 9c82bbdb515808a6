import { type Locale, type MessageKey, t } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { type FieldProblem, parseOrThrow, problemsFromZod, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { enqueueMail, messageIdFor } from '../outbox/enqueue.js';
import { storeFault } from '../outbox/stored-error.js';
import { requestPromptDelivery } from '../outbox/transport-state.repository.js';
import { getOrganisation } from '../organisation/organisation.service.js';
import { SecretUnreadableError } from '../security/secret-box.js';
import { type MailSettingsRecord, readMailSettings } from '../settings/mail-settings.record.js';
import { passwordForForm } from '../settings/smtp-credentials.js';
import { formatInZone } from '../../i18n/time-format.js';
import {
  managedRelayTarget,
  ownServerTarget,
  resolveDeliveryTarget,
  type SmtpTarget,
  type TargetResolution,
} from '../transports/delivery-target.js';
import { probeEnvelope } from '../transports/envelope-probe.js';
import { classifySmtpError, type DeliveryFault, describeFault } from '../transports/faults.js';
import { type MailToSend, ON_MESSAGE_WRITTEN } from '../transports/message-writes.js';
import { createSmtpTransport } from '../transports/smtp-transport.js';
import { type MailCheckOutcome, type MailCheckRequest, managedCheckRequestSchema, mailCheckRequestSchema } from '../../contracts/mail-checks.js';
import { recordTestOutcome } from './test-deliveries.repository.js';

/** Who runs a check: whose address is the default recipient, and how the answer and the mail read. */
export interface CheckOperator {
  login: string;
  email: string | null;
  /** The language of the test mail, and of the answer unless answerLocale says otherwise. */
  locale: Locale;
  timeZone: string;
  /** The command line answers in the operator's language, while the mail is in the organisation's. */
  answerLocale?: Locale;
}

/** [接続テスト] (SPEC §2.4): the whole envelope against the form's server, nothing sent. */
export async function testConnection(ctx: AppContext, operator: CheckOperator, body: unknown): Promise<MailCheckOutcome> {
  const { resolution } = await readCheckRequest(ctx, body);
  if (!resolution.ok) return failed(operator.locale, resolution.fault);
  const { target } = resolution;
  const recipient = operator.email ?? target.from;
  const deadline = AbortSignal.timeout(ctx.config.smtpTimeouts.testMailMs);
  try {
    await probeEnvelope(ctx, target, recipient, deadline);
  } catch (error) {
    return failed(operator.locale, faultOf(ctx, error, target, deadline, 'smtp.check.timeout'));
  }
  const security = t(operator.locale, `smtp.security.${target.security}`);
  const message = t(operator.locale, 'smtp.check.connection_ok', { host: target.host, port: target.port, security });
  return succeeded(ctx, operator.locale, target, { recipient, message });
}

/** [テストメール送信] with the form's values: sent directly, not through the outbox. */
export async function sendTestMail(ctx: AppContext, operator: CheckOperator, body: unknown): Promise<MailCheckOutcome> {
  const { resolution, to: given } = await readCheckRequest(ctx, body);
  const to = given ?? operator.email;
  if (!to) throw validationError([{ path: 'to', code: 'validation.required' }]);
  return deliverTestMail(ctx, operator, resolution, to);
}

/** `tayori mail test --to ADDRESS`: the test mail with the saved settings, in the organisation's language. */
export async function sendTestMailWithSavedSettings(ctx: AppContext, to: string, answerLocale: Locale): Promise<MailCheckOutcome> {
  const organisation = await getOrganisation(ctx.db);
  const operator: CheckOperator = {
    login: 'cli',
    email: null,
    locale: organisation.defaultLocale,
    timeZone: organisation.timeZone,
    answerLocale,
  };
  return deliverTestMail(ctx, operator, resolveDeliveryTarget(ctx, await readMailSettings(ctx.db)), to);
}

/**
 * The server a check talks to, or a 422 listing every problem of the body at once. In managed
 * mode that is the relay: the form's server fields are neither shown nor read there, so only
 * the recipient is validated.
 */
async function readCheckRequest(ctx: AppContext, body: unknown): Promise<{ resolution: TargetResolution; to?: string }> {
  if (ctx.config.managedRelay) {
    const { to } = parseOrThrow(managedCheckRequestSchema, body);
    return { resolution: { ok: true, target: managedRelayTarget(ctx.config.managedRelay) }, to };
  }
  const fields = asRecord(body) ?? {};
  const { request, problems } = parseFields(fields);
  const record = await readMailSettings(ctx.db);
  if ((request.server ?? record.settings.server) === 'gmail') {
    if (problems.length > 0) throw validationError(problems);
    return { resolution: resolveDeliveryTarget(ctx, { ...record, settings: { ...record.settings, server: 'gmail' } }), to: request.to };
  }
  const password = request.smtp ? passwordForCheck(ctx, record, request.smtp) : { value: null };
  problems.push(...missingOwnServerFields(record, fields, request, password));
  if (problems.length > 0 || !request.smtp) throw validationError(problems);
  return { resolution: ownServerTarget(request.smtp, request.senderAddress ?? null, password.value), to: request.to };
}

const asRecord = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Each field of the body parsed on its own, so that a bad port does not hide a missing sender. */
function parseFields(fields: Record<string, unknown>): { request: Partial<MailCheckRequest>; problems: FieldProblem[] } {
  const request: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [key, schema] of Object.entries(mailCheckRequestSchema.shape)) {
    const result = schema.safeParse(fields[key], { reportInput: true });
    if (result.success) request[key] = result.data;
    else problems.push(...problemsFromZod(result.error).map((problem) => ({ ...problem, path: problem.path ? `${key}.${problem.path}` : key })));
  }
  return { request: request as Partial<MailCheckRequest>, problems };
}

type CheckPassword = { value: string | null; unreadable?: true };

/** The password for the form's server (SPEC §2.4): typed, or stored for the same server and no weaker connection. */
function passwordForCheck(ctx: AppContext, record: MailSettingsRecord, smtp: NonNullable<MailCheckRequest['smtp']>): CheckPassword {
  try {
    return { value: passwordForForm(ctx, record, smtp) };
  } catch (error) {
    if (error instanceof SecretUnreadableError) return { value: null, unreadable: true };
    throw error;
  }
}

/** What the own server needs to be tried, judged on the fields as given (a section of the wrong type has its own problem). */
function missingOwnServerFields(
  record: MailSettingsRecord,
  fields: Record<string, unknown>,
  request: Partial<MailCheckRequest>,
  password: CheckPassword,
): FieldProblem[] {
  const smtp = fields.smtp === undefined ? {} : asRecord(fields.smtp);
  const problems: FieldProblem[] = [];
  if (smtp && isBlank(smtp.host)) problems.push({ path: 'smtp.host', code: 'validation.required' });
  if (isBlank(fields.senderAddress)) problems.push({ path: 'senderAddress', code: 'validation.required' });
  if (request.smtp?.authEnabled && password.value === null) {
    // A saved password exists but cannot be used: say why, so the admin knows to type it again.
    const code = password.unreadable
      ? 'smtp.secret_unreadable'
      : record.smtpPasswordCiphertext === null
        ? 'validation.required'
        : 'smtp.password_reenter';
    problems.push({ path: 'smtp.password', code });
  }
  return problems;
}

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

async function deliverTestMail(ctx: AppContext, operator: CheckOperator, resolution: TargetResolution, to: string): Promise<MailCheckOutcome> {
  const startedAt = ctx.clock.now();
  const subject = t(operator.locale, 'smtp.test_mail.subject');
  const messageId = messageIdFor(newId(), resolution.ok ? resolution.target.from : null, ctx.config.publicUrl);
  const text = resolution.ok ? testMailBody(operator, resolution.target, startedAt) : '';
  const fault = resolution.ok ? await sendDirectly(ctx, resolution.target, { to, subject, text, messageId }) : resolution.fault;
  await recordTestDelivery(ctx, { messageId, to, subject, text, startedAt, fault });
  const answerLocale = operator.answerLocale ?? operator.locale;
  if (!resolution.ok) return failed(answerLocale, resolution.fault);
  if (fault) return failed(answerLocale, fault);
  const message = t(answerLocale, 'smtp.check.test_mail_sent', { to });
  return succeeded(ctx, answerLocale, resolution.target, { recipient: to, message });
}

async function sendDirectly(
  ctx: AppContext,
  target: SmtpTarget,
  mail: { to: string; subject: string; text: string; messageId: string },
): Promise<DeliveryFault | null> {
  const deadline = AbortSignal.timeout(ctx.config.smtpTimeouts.testMailMs);
  const transport = createSmtpTransport(ctx, target, { pool: false });
  let messageWritten = false;
  try {
    const options: MailToSend = { ...mail, from: target.from, [ON_MESSAGE_WRITTEN]: () => (messageWritten = true) };
    await transport.sendMail({ ...options, signal: deadline });
    return null;
  } catch (error) {
    const fault = faultOf(ctx, error, target, deadline, 'smtp.test_timeout');
    // The server has the whole mail and never answered: it may well be in the inbox.
    if (messageWritten && fault.reply === undefined) return { scope: 'transient', code: 'smtp.check.possibly_delivered', params: { to: mail.to } };
    return fault;
  } finally {
    transport.close();
  }
}

/**
 * The delivery log row of a test mail (kind `test`): written by the outbox's own enqueue, and
 * in the same transaction given the outcome of the send that already happened, so no worker
 * ever sees it waiting.
 */
async function recordTestDelivery(
  ctx: AppContext,
  mail: { messageId: string; to: string; subject: string; text: string; startedAt: Date; fault: DeliveryFault | null },
) {
  const message = { to: [mail.to], cc: [], bcc: [], subject: mail.subject, text: mail.text, attachments: [] };
  await ctx.db.transaction().execute(async (trx) => {
    const row = await enqueueMail(ctx, trx, message, { kind: 'test' });
    await recordTestOutcome(trx, row.id, {
      messageId: mail.messageId,
      startedAt: mail.startedAt.toISOString(),
      finishedAt: ctx.clock.now().toISOString(),
      error: mail.fault ? storeFault(inCheckWords(mail.fault)) : null,
    });
  });
}

function testMailBody(operator: CheckOperator, target: SmtpTarget, sentAt: Date): string {
  const locale = operator.locale;
  return t(locale, 'smtp.test_mail.body', {
    via: t(locale, `smtp.via.${target.via}`),
    host: target.host,
    port: target.port,
    security: t(locale, `smtp.security.${target.security}`),
    from: target.from,
    time: formatInZone(sentAt, operator.timeZone, locale),
    admin: operator.login,
  });
}

/** Past the deadline every failure is the deadline's: nodemailer reports the abort its own way. */
function faultOf(ctx: AppContext, error: unknown, target: SmtpTarget, deadline: AbortSignal, timeoutCode: MessageKey): DeliveryFault {
  if (!deadline.aborted) return classifySmtpError(error, target.auth);
  const seconds = Math.round(ctx.config.smtpTimeouts.testMailMs / 100) / 10;
  return { scope: 'transport', code: timeoutCode, params: { seconds } };
}

/** A check sends nothing later: its answer says to try again where the outbox's says the mail will be. */
const IN_CHECK_WORDS: Partial<Record<MessageKey, MessageKey>> = {
  'smtp.server_closing': 'smtp.check.server_closing',
  'smtp.quota': 'smtp.check.quota',
  'smtp.sender_deferred': 'smtp.check.sender_deferred',
  'smtp.recipient_deferred': 'smtp.check.recipient_deferred',
  'smtp.message_deferred': 'smtp.check.message_deferred',
  'smtp.connection_dropped': 'smtp.check.connection_dropped',
  'gmail.refresh_busy': 'smtp.check.gmail_refresh_busy',
  'gmail.authorisation_replaced': 'smtp.check.gmail_authorisation_replaced',
  'gmail.refresh_unreachable': 'smtp.check.gmail_refresh_unreachable',
};

const inCheckWords = (fault: DeliveryFault): DeliveryFault => ({ ...fault, code: IN_CHECK_WORDS[fault.code] ?? fault.code });

/**
 * The server answered: say so, and that the certificate was not verified when it was not. A
 * check that got through also ends the workers' back-off, so waiting mail leaves at once.
 */
async function succeeded(
  ctx: AppContext,
  locale: Locale,
  target: SmtpTarget,
  outcome: { recipient: string; message: string },
): Promise<MailCheckOutcome> {
  await requestPromptDelivery(ctx.db);
  if (target.rejectUnauthorized) return { ok: true, ...outcome };
  return { ok: true, ...outcome, warning: t(locale, 'smtp.check.certificate_not_verified') };
}

function failed(locale: Locale, fault: DeliveryFault): MailCheckOutcome {
  return {
    ok: false,
    scope: fault.scope,
    code: fault.code,
    message: describeFault(locale, inCheckWords(fault)),
    ...(fault.reply ? { reply: fault.reply } : {}),
  };
}
