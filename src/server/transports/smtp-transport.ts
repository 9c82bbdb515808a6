import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AppContext } from '../context.js';
import type { SmtpTarget } from './delivery-target.js';
import { trustedCertificates } from './tls-trust.js';

/**
 * Connection options for the target, shared by the transports and the connection test so both
 * speak to the server the same way: なし = plain and never upgraded, STARTTLS = required,
 * SSL/TLS = implicit; certificates verified against the system CAs + TAYORI_SMTP_CA_FILE unless
 * [証明書を検証しない]; the configured timeouts.
 */
export function smtpConnectionOptions(ctx: Pick<AppContext, 'config'>, target: SmtpTarget): SMTPConnection.Options {
  const timeouts = ctx.config.smtpTimeouts;
  return {
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    ignoreTLS: target.security === 'none',
    requireTLS: target.security === 'starttls',
    connectionTimeout: timeouts.connectMs,
    dnsTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    socketCloseTimeout: 1_000,
    tls: {
      rejectUnauthorized: target.rejectUnauthorized,
      ca: target.rejectUnauthorized ? trustedCertificates(ctx.config.smtpCaFile) : undefined,
    },
    logger: false,
  };
}

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
  return nodemailer.createTransport({
    ...smtpConnectionOptions(ctx, target),
    // With credentials configured, AUTH is sent even when the server does not announce it, so
    // a server that wants STARTTLS first says so instead of the mail going out unauthenticated.
    auth: target.auth ?? undefined,
    forceAuth: target.auth !== null,
    pool: options.pool,
    maxConnections: options.maxConnections,
  }) as Transporter<SMTPTransport.SentMessageInfo>;
}
