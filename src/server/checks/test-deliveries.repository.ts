import type { Database } from '../db/database.js';
import type { StoredError } from '../outbox/stored-error.js';

/**
 * Gives a test mail's delivery-log row (just enqueued, in the same transaction) the outcome of
 * the send that already happened: one attempt, finished, with the Message-ID it was sent with.
 */
export async function recordTestOutcome(
  db: Database,
  id: string,
  outcome: { messageId: string; startedAt: string; finishedAt: string; error: StoredError | null },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      message_id: outcome.messageId,
      state: outcome.error ? 'failed' : 'sent',
      attempts: 1,
      send_started_at: outcome.startedAt,
      finished_at: outcome.finishedAt,
      last_error: outcome.error?.details ?? null,
      last_error_code: outcome.error?.code ?? null,
    })
    .where('id', '=', id)
    .execute();
}
