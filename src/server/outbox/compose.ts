import type { MailKind, OutgoingMessage } from '../../contracts/mail.js';
import type { OutboxRow } from './outbox.repository.js';

/**
 * The notices Tayori writes by itself. RFC 3834's `Auto-Submitted` (and Exchange's own header)
 * keeps out-of-office replies and helpdesk acknowledgements from answering them: they go to
 * shared addresses, and two automatic mailboxes answering each other loop.
 */
const AUTOMATIC_KINDS: ReadonlySet<MailKind> = new Set(['suspension', 'monitor', 'alert']);
const AUTOMATIC_HEADERS = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' };

/**
 * Line breaks as the mail format wants them (CRLF). A text encoded as base64 (any Japanese text)
 * kept the caller's LF and lone CR inside the encoding, and clients differ on a lone CR.
 */
const canonicalLineBreaks = (text: string | undefined) => text?.replace(/\r\n|\r|\n/g, '\r\n');

/** An outbox row's message: as given, and for a mail sent again to some of its recipients, those. */
export type StoredMessage = OutgoingMessage & { envelopeTo?: string[] };

/**
 * The nodemailer message of an outbox row, from the configured sender address with the
 * message's own display name, if it has one. nodemailer encodes names per RFC 2047 and sends
 * internationalised domains as punycode to servers without SMTPUTF8.
 */
export function composeMail(row: OutboxRow, senderAddress: string) {
  const message: StoredMessage = JSON.parse(row.message);
  return {
    from: message.fromName ? { name: message.fromName, address: senderAddress } : senderAddress,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    replyTo: message.replyTo,
    subject: message.subject,
    text: canonicalLineBreaks(message.text),
    html: canonicalLineBreaks(message.html),
    messageId: row.message_id,
    envelope: message.envelopeTo ? { from: senderAddress, to: message.envelopeTo } : undefined,
    headers: AUTOMATIC_KINDS.has(row.kind as MailKind) ? AUTOMATIC_HEADERS : undefined,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      encoding: 'base64',
    })),
  };
}
