import type { AppContext } from '../context.js';
import type { DeliveryFault } from '../transports/faults.js';
import { markFailed, type OutboxRow, requeue } from './outbox.repository.js';
import { nextRetryAt } from './retry-policy.js';
import { storeFault, storeMessage } from './stored-error.js';

/**
 * What a failed send means for the mail (SPEC §2.3):
 * - permanent: it fails now, the server's reply recorded;
 * - transient: it is retried with back-off, the last try at the end of its window;
 * - transport-wide: not the mail's fault — it stays due, uncounted, and the worker backs off;
 * - possibly delivered (no answer after the whole message went): retried as a transient fault,
 *   so the copies a server that took it in silently gets are counted and spaced by the back-off,
 *   not sent again at every pass. The copies carry the same Message-ID.
 * Only once its window has ended does a mail fail for a transient or transport-wide fault.
 */
export async function recordFailure(ctx: AppContext, owner: string, row: OutboxRow, fault: DeliveryFault): Promise<void> {
  const mail = { id: row.id, owner };
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  if (fault.scope === 'permanent') {
    await markFailed(ctx.db, mail, nowIso, storeFault(fault));
    return;
  }
  if (nowIso >= row.expires_at) {
    const hours = Math.round(ctx.config.outbox.retryWindowMs / 3_600_000);
    // With no reply to quote, the reason is the fault's own message, put in words when the log is read.
    const reason = fault.reply ?? (fault.possiblyDelivered ? 'mail.possibly_delivered' : fault.code);
    await markFailed(ctx.db, mail, nowIso, storeMessage('mail.expired', { ...fault.params, hours, reason }, fault.reply ?? null));
    return;
  }
  if (fault.scope === 'transport' && !fault.possiblyDelivered) {
    await requeue(ctx.db, mail, { nextAttemptAt: row.next_attempt_at, error: storeFault(fault), countAttempt: false });
    return;
  }
  await requeue(ctx.db, mail, {
    nextAttemptAt: nextRetryAt(row, now, ctx.config.outbox),
    error: fault.possiblyDelivered ? storeMessage('mail.possibly_delivered') : storeFault(fault),
    countAttempt: true,
  });
}
