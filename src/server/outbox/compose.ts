import type { OutgoingMessage } from '../../contracts/mail.js';
import type { OutboxRow } from './outbox.repository.js';

/**
 * The nodemailer message of an outbox row, from the configured sender address with the
 * message's own display name, if it has one. nodemailer encodes names per RFC 2047 and sends
 * internationalised domains as punycode to servers without SMTPUTF8.
 */
export function composeMail(row: OutboxRow, senderAddress: string) {
  const message: OutgoingMessage = JSON.parse(row.message);
  return {
    from: message.fromName ? { name: message.fromName, address: senderAddress } : senderAddress,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: row.message_id,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      encoding: 'base64',
    })),
  };
}
