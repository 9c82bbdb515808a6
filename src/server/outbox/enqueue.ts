import { toAsciiAddress } from '../../contracts/address.js';
import { formatMailbox, type MailKind, type OutgoingMessage, type OutgoingMessageInput, outgoingMessageSchema } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { parseOrThrow } from '../errors.js';
import { newId } from '../ids.js';
import { type MailSettingsRecord, readMailSettings } from '../settings/mail-settings.record.js';
import { insertOutboxRows, type OutboxRow } from './outbox.repository.js';
import { storeMessage } from './stored-error.js';

export interface EnqueueOptions {
  kind?: MailKind;
  serviceTokenId?: string;
  idempotencyKey?: string;
}

export const SUPPRESSED_NOTE = storeMessage('mail.suppressed');

/**
 * A Message-ID fixed when the mail is made, so every (re)delivery of it carries the same one.
 * Its domain is the sender's (spam filters penalise `@localhost`); the public URL's host only
 * while no sender is configured yet.
 */
export function messageIdFor(id: string, senderAddress: string | null, publicUrl: string): string {
  return messageIdAt(id, messageIdDomain(senderAddress, publicUrl));
}

const messageIdAt = (id: string, domain: string) => `<${id}@${domain}>`;

function messageIdDomain(senderAddress: string | null, publicUrl: string): string {
  return senderAddress ? toAsciiAddress(senderAddress).split('@').pop()! : new URL(publicUrl).hostname;
}

/** The address mail leaves from with these settings, when one is configured. */
function configuredSender(ctx: Pick<AppContext, 'config'>, record: MailSettingsRecord): string | null {
  if (ctx.config.managedRelay) return ctx.config.managedRelay.from;
  return record.settings.senderAddress ?? (record.settings.server === 'gmail' ? record.gmail.accountEmail : null);
}

/**
 * Writes one mail into the outbox, inside the caller's transaction, so the mail exists exactly
 * when the change that caused it does (ARCHITECTURE.md convention 8). The Message-ID is fixed
 * here, so a redelivery after a crash carries the same one. With sending 無効 the mail is
 * recorded as suppressed and will never be sent.
 */
export async function enqueueMail(
  ctx: Pick<AppContext, 'clock' | 'config'>,
  trx: Database,
  message: OutgoingMessage,
  options: EnqueueOptions = {},
): Promise<OutboxRow> {
  const [row] = await enqueueMails(ctx, trx, [{ message, options }]);
  return row;
}

/** Several mails as enqueueMail writes one: the settings read once, the rows in one statement. */
export async function enqueueMails(
  ctx: Pick<AppContext, 'clock' | 'config'>,
  trx: Database,
  mails: { message: OutgoingMessage; options?: EnqueueOptions }[],
): Promise<OutboxRow[]> {
  if (mails.length === 0) return [];
  const rows = outboxRowsFor(ctx, await readMailSettings(trx), mails);
  await insertOutboxRows(trx, rows);
  return rows;
}

/** The rows of these mails under these settings, not yet written. */
export function outboxRowsFor(
  ctx: Pick<AppContext, 'clock' | 'config'>,
  record: MailSettingsRecord,
  mails: { message: OutgoingMessage; options?: EnqueueOptions }[],
): OutboxRow[] {
  const rowOf = rowMaker(ctx, record);
  return mails.map(({ message, options }) => rowOf(message, options ?? {}));
}

/** Makes rows under these settings; what the settings decide is worked out once, not per mail. */
function rowMaker(ctx: Pick<AppContext, 'clock' | 'config'>, record: MailSettingsRecord) {
  const domain = messageIdDomain(configuredSender(ctx, record), ctx.config.publicUrl);
  const suppressed = !record.settings.sendingEnabled;
  return (message: OutgoingMessage, options: EnqueueOptions): OutboxRow => {
    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    const id = newId();
    return {
      id,
      message_id: messageIdAt(id, domain),
      kind: options.kind ?? 'app',
      state: suppressed ? 'suppressed' : 'queued',
      message: JSON.stringify(message),
      recipients: message.to.map(formatMailbox).join(', '),
      cc_recipients: message.cc.map(formatMailbox).join(', '),
      bcc_recipients: message.bcc.map(formatMailbox).join(', '),
      subject: message.subject,
      attempts: 0,
      created_at: nowIso,
      next_attempt_at: nowIso,
      expires_at: new Date(now.getTime() + ctx.config.outbox.retryWindowMs).toISOString(),
      lease_owner: null,
      lease_expires_at: null,
      send_started_at: null,
      finished_at: suppressed ? nowIso : null,
      last_error: suppressed ? SUPPRESSED_NOTE.details : null,
      last_error_code: suppressed ? SUPPRESSED_NOTE.code : null,
      service_token_id: options.serviceTokenId ?? null,
      idempotency_key: options.idempotencyKey ?? null,
    };
  };
}

/** The in-process API the application uses: `mail.enqueue(trx, message)`, validated like the HTTP API. */
export function createMailApi(ctx: Pick<AppContext, 'clock' | 'config'>) {
  return {
    enqueue: (trx: Database, message: OutgoingMessageInput, options?: EnqueueOptions) =>
      enqueueMail(ctx, trx, parseOrThrow(outgoingMessageSchema, message), options),
  };
}
