import { type Locale, t } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { type FieldProblem, parseOrThrow, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { messageIdFor } from '../outbox/enqueue.js';
import { insertOutboxRow } from '../outbox/outbox.repository.js';
import { storeFault } from '../outbox/stored-error.js';
import { getOrganisation } from '../organisation/organisation.service.js';
import { type MailSettingsRecord, readMailSettings } from '../settings/mail-settings.service.js';
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
import { createSmtpTransport } from '../transports/smtp-transport.js';
import { type MailCheckOutcome, type MailCheckRequest, mailCheckRequestSchema } from '../../contracts/mail-checks.js';

/** Who runs a check: whose address is the default recipient, and how the answer and the mail read. */
export interface CheckOperator {
  login: string;
  email: string | null;
  locale: Locale;
  timeZone: string;
}

/** [接続テスト] (SPEC §2.4): the whole envelope against the form's server, nothing sent. */
export async function testConnection(ctx: AppContext, operator: CheckOperator, body: unknown): Promise<MailCheckOutcome> {
  const resolution = await targetForRequest(ctx, parseOrThrow(mailCheckRequestSchema, body));
  if (!resolution.ok) return failed(operator.locale, resolution.fault);
  const { target } = resolution;
  const recipient = operator.email ?? target.from;
  const deadline = AbortSignal.timeout(ctx.config.smtpTimeouts.testMailMs);
  try {
    await probeEnvelope(ctx, target, recipient, deadline);
  } catch (error) {
    return failed(operator.locale, faultOf(ctx, error, deadline));
  }
  const security = t(operator.locale, `smtp.security.${target.security}`);
  const message = t(operator.locale, 'smtp.check.connection_ok', { host: target.host, port: target.port, security });
  return { ok: true, recipient, message };
}

/** [テストメール送信] with the form's values: sent directly, not through the outbox. */
export async function sendTestMail(ctx: AppContext, operator: CheckOperator, body: unknown): Promise<MailCheckOutcome> {
  const request = parseOrThrow(mailCheckRequestSchema, body);
  const to = request.to ?? operator.email;
  if (!to) throw validationError([{ path: 'to', code: 'validation.required' }]);
  return deliverTestMail(ctx, operator, await targetForRequest(ctx, request), to);
}

/** `tayori mail test --to ADDRESS`: the test mail with the saved settings. */
export async function sendTestMailWithSavedSettings(ctx: AppContext, to: string): Promise<MailCheckOutcome> {
  const organisation = await getOrganisation(ctx.db);
  const operator: CheckOperator = { login: 'cli', email: null, locale: organisation.defaultLocale, timeZone: organisation.timeZone };
  return deliverTestMail(ctx, operator, resolveDeliveryTarget(ctx, await readMailSettings(ctx.db)), to);
}

/**
 * The server the form describes. In managed mode that is the relay whatever the form says; a
 * stored password is used only through passwordForForm (host, port and user unchanged).
 */
async function targetForRequest(ctx: AppContext, request: MailCheckRequest): Promise<TargetResolution> {
  if (ctx.config.managedRelay) return { ok: true, target: managedRelayTarget(ctx.config.managedRelay) };
  const record = await readMailSettings(ctx.db);
  if ((request.server ?? record.settings.server) === 'gmail') {
    return resolveDeliveryTarget(ctx, { ...record, settings: { ...record.settings, server: 'gmail' } });
  }
  const password = request.smtp ? passwordForForm(ctx, record, request.smtp) : null;
  const problems = missingOwnServerFields(record, request, password);
  if (problems.length > 0 || !request.smtp) throw validationError(problems);
  return ownServerTarget(request.smtp, request.senderAddress ?? null, password);
}

function missingOwnServerFields(record: MailSettingsRecord, request: MailCheckRequest, password: string | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!request.smtp?.host) problems.push({ path: 'smtp.host', code: 'validation.required' });
  if (!request.senderAddress) problems.push({ path: 'senderAddress', code: 'validation.required' });
  if (request.smtp?.authEnabled && password === null) {
    // A saved password exists but belongs to another host, port or user: say why it is not used.
    const code = record.smtpPasswordCiphertext === null ? 'validation.required' : 'smtp.password_reenter';
    problems.push({ path: 'smtp.password', code });
  }
  return problems;
}

async function deliverTestMail(ctx: AppContext, operator: CheckOperator, resolution: TargetResolution, to: string): Promise<MailCheckOutcome> {
  const startedAt = ctx.clock.now();
  const subject = t(operator.locale, 'smtp.test_mail.subject');
  const id = newId();
  const messageId = messageIdFor(ctx, id);
  let fault: DeliveryFault | null = resolution.ok ? null : resolution.fault;
  let text = '';
  if (resolution.ok) {
    text = testMailBody(operator, resolution.target, startedAt);
    fault = await sendDirectly(ctx, resolution.target, { to, subject, text, messageId });
  }
  await recordTestDelivery(ctx, { id, messageId, to, subject, text, startedAt, fault });
  if (fault) return failed(operator.locale, fault);
  return { ok: true, recipient: to, message: t(operator.locale, 'smtp.check.test_mail_sent', { to }) };
}

async function sendDirectly(
  ctx: AppContext,
  target: SmtpTarget,
  mail: { to: string; subject: string; text: string; messageId: string },
): Promise<DeliveryFault | null> {
  const deadline = AbortSignal.timeout(ctx.config.smtpTimeouts.testMailMs);
  const transport = createSmtpTransport(ctx, target, { pool: false });
  try {
    await transport.sendMail({ ...mail, from: target.from, signal: deadline });
    return null;
  } catch (error) {
    return faultOf(ctx, error, deadline);
  } finally {
    transport.close();
  }
}

/** The delivery log row of a test mail (kind `test`): one attempt, already finished. */
async function recordTestDelivery(
  ctx: AppContext,
  mail: { id: string; messageId: string; to: string; subject: string; text: string; startedAt: Date; fault: DeliveryFault | null },
) {
  const startedIso = mail.startedAt.toISOString();
  const finishedIso = ctx.clock.now().toISOString();
  const error = mail.fault ? storeFault(mail.fault) : null;
  await insertOutboxRow(ctx.db, {
    id: mail.id,
    message_id: mail.messageId,
    kind: 'test',
    state: mail.fault ? 'failed' : 'sent',
    message: JSON.stringify({ to: [mail.to], cc: [], bcc: [], subject: mail.subject, text: mail.text, attachments: [] }),
    recipients: mail.to,
    subject: mail.subject,
    attempts: 1,
    created_at: startedIso,
    next_attempt_at: startedIso,
    expires_at: startedIso,
    lease_owner: null,
    lease_expires_at: null,
    send_started_at: startedIso,
    finished_at: finishedIso,
    last_error: error?.details ?? null,
    last_error_code: error?.code ?? null,
    service_token_id: null,
    idempotency_key: null,
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
function faultOf(ctx: AppContext, error: unknown, deadline: AbortSignal): DeliveryFault {
  if (!deadline.aborted) return classifySmtpError(error);
  const seconds = Math.round(ctx.config.smtpTimeouts.testMailMs / 100) / 10;
  return { scope: 'transport', code: 'smtp.test_timeout', params: { seconds } };
}

function failed(locale: Locale, fault: DeliveryFault): MailCheckOutcome {
  return {
    ok: false,
    scope: fault.scope,
    code: fault.code,
    message: describeFault(locale, fault),
    ...(fault.reply ? { reply: fault.reply } : {}),
  };
}
