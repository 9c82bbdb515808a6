import type { Locale } from '../../i18n/index.js';
import type { DeliveryState, DeliveryView, MailKind, OutgoingMessage } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { PageCursor } from '../http/pagination.js';
import { intakeBatcherOf } from './intake-batcher.js';
import { findByIdempotencyKey, listDeliveries, type OutboxRow } from './outbox.repository.js';
import type { ServiceCaller } from './service-tokens.service.js';
import { describeStoredError } from './stored-error.js';

export function deliveryView(row: OutboxRow, locale: Locale): DeliveryView {
  return {
    id: row.id,
    messageId: row.message_id,
    kind: row.kind,
    state: row.state,
    to: row.recipients,
    cc: row.cc_recipients,
    bcc: row.bcc_recipients,
    subject: row.subject,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.state === 'queued' ? row.next_attempt_at : null,
    finishedAt: row.finished_at,
    lastError: describeStoredError(locale, row.last_error_code, row.last_error),
  };
}

/** A window of the delivery log, newest first, in the reader's language. */
export async function readDeliveryLog(
  ctx: AppContext,
  locale: Locale,
  filter: { limit: number; before?: PageCursor; state?: DeliveryState; kind?: MailKind },
) {
  return (await listDeliveries(ctx.db, filter)).map((row) => deliveryView(row, locale));
}

/**
 * Mail from the application over HTTP. With an idempotency key a retried request returns the
 * mail the first one enqueued instead of enqueuing it again; the same key with another message
 * is refused.
 */
export async function submitApplicationMail(
  ctx: AppContext,
  caller: ServiceCaller,
  message: OutgoingMessage,
  idempotencyKey: string | undefined,
): Promise<{ row: OutboxRow; created: boolean }> {
  const existing = async () => {
    if (!idempotencyKey) return undefined;
    const row = await findByIdempotencyKey(ctx.db, caller.tokenId, idempotencyKey);
    if (row && row.message !== JSON.stringify(message)) throw new AppError('mail.idempotency_conflict', 409);
    return row;
  };
  const earlier = await existing();
  if (earlier) return { row: earlier, created: false };
  try {
    const row = await intakeBatcherOf(ctx).enqueue(message, { kind: 'app', serviceTokenId: caller.tokenId, idempotencyKey });
    return { row, created: true };
  } catch (error) {
    // The same key arrived twice at once: the unique index let one in; answer with that one.
    const winner = await existing();
    if (winner) return { row: winner, created: false };
    throw error;
  }
}
