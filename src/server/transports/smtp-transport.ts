// INTERFACE STUB — implemented by the transports work (helper T). Signatures are the contract.
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AppContext } from '../context.js';
import type { SmtpTarget } from './delivery-target.js';

/**
 * A nodemailer transport for the target: TLS as chosen (none = never upgraded, starttls =
 * required, tls = implicit), certificates verified against system CAs + TAYORI_SMTP_CA_FILE,
 * the configured timeouts. `pool` for the outbox worker.
 */
export function createSmtpTransport(
  ctx: AppContext,
  target: SmtpTarget,
  options: { pool: boolean; maxConnections?: number },
): Transporter<SMTPTransport.SentMessageInfo> {
  void ctx, target, options;
  throw new Error('not implemented');
}
