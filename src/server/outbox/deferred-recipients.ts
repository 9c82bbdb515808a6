import { toAsciiAddress } from '../../contracts/address.js';
import { formatMailbox, type Mailbox, mailboxAddress } from '../../contracts/mail.js';
import { newId } from '../ids.js';
import type { SentInfo } from '../transports/smtp-thread.js';
import { fault, replyAsShown } from '../transports/faults.js';
import type { StoredMessage } from './compose.js';
import type { OutboxRow } from './outbox.repository.js';
import { type StoredError, storeFault, storeMessage } from './stored-error.js';

/** A recipient the server answered with other than 2xx while it took the mail for the others. */
export interface RecipientRefusal {
  /** As it went in RCPT TO. */
  recipient: string;
  reply: string | null;
  /** 4xx: the server asks to try again later (a full mailbox, greylisting, too many recipients at once). */
  temporary: boolean;
}

export function recipientRefusals(info: SentInfo): RecipientRefusal[] {
  const rejected = (info.rejected ?? []).map(String);
  return rejected.map((recipient, index) => {
    const error = info.rejectedErrors?.[index];
    const code = error?.responseCode ?? 0;
    return {
      recipient: error?.recipient ?? recipient,
      reply: replyAsShown(error?.response ?? error?.message ?? '') ?? null,
      temporary: code >= 400 && code < 500,
    };
  });
}

/** What the delivery log says of a mail that reached only some of its recipients. */
export function partialDeliveryNote(refused: RecipientRefusal[], deferred: RecipientRefusal[]): StoredError {
  const list = (refusals: RecipientRefusal[]) => refusals.map((r) => r.recipient).join(', ');
  const reply = (refused[0] ?? deferred[0])?.reply ?? null;
  if (deferred.length === 0) return storeMessage('mail.partially_rejected', { addresses: list(refused) }, reply);
  if (refused.length === 0) return storeMessage('mail.partially_deferred', { addresses: list(deferred) }, reply);
  return storeMessage('mail.partially_rejected_and_deferred', { refused: list(refused), deferred: list(deferred) }, reply);
}

const addressKey = (address: string) => toAsciiAddress(address).toLowerCase();

/**
 * The mail again, for only the recipients the server put off: the same message and Message-ID,
 * its headers still naming every recipient as the others received it, the envelope only these.
 * Sending the whole mail again would have given the others a second copy; counting it sent lost
 * it for these (a 452 from a full mailbox or a recipient limit is the server asking for later).
 * It keeps the mail's attempts and its 24-hour window, and waits the back-off of its next attempt.
 */
export function followUpFor(row: OutboxRow, deferred: RecipientRefusal[], times: { nowIso: string; nextAttemptAt: string }): OutboxRow {
  const message: StoredMessage = JSON.parse(row.message);
  const envelopeTo = deferred.map((r) => r.recipient);
  const wanted = new Set(envelopeTo.map(addressKey));
  const named = (mailboxes: Mailbox[]) => mailboxes.filter((mailbox) => wanted.has(addressKey(mailboxAddress(mailbox))));
  const inHeaders = new Set([...message.to, ...message.cc, ...message.bcc].map((mailbox) => addressKey(mailboxAddress(mailbox))));
  const to = [...named(message.to), ...envelopeTo.filter((address) => !inHeaders.has(addressKey(address)))];
  const deferredNote = storeFault(fault('transient', 'smtp.recipient_deferred', deferred[0].reply ?? undefined));
  return {
    ...row,
    id: newId(),
    state: 'queued',
    message: JSON.stringify({ ...message, envelopeTo } satisfies StoredMessage),
    recipients: to.map(formatMailbox).join(', '),
    cc_recipients: named(message.cc).map(formatMailbox).join(', '),
    bcc_recipients: named(message.bcc).map(formatMailbox).join(', '),
    created_at: times.nowIso,
    next_attempt_at: times.nextAttemptAt,
    lease_owner: null,
    lease_expires_at: null,
    send_started_at: null,
    finished_at: null,
    last_error_code: deferredNote.code,
    last_error: deferredNote.details,
    idempotency_key: null,
  };
}
