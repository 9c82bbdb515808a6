import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AppContext } from '../context.js';
import { gmailProvider } from '../google/oauth-mail-provider.js';
import type { SmtpTarget } from './delivery-target.js';
import { FINAL_REPLY_TIMEOUT, waitLongerForTheFinalReply } from './final-reply-wait.js';
import { writeMessagesWhole } from './message-writes.js';
import { trustedCertificates } from './tls-trust.js';
import { xoauth2Login } from './xoauth2.js';

waitLongerForTheFinalReply();

/**
 * Connection options for the target, shared by the transports and the connection test so both
 * speak to the server the same way: なし = plain and never upgraded, STARTTLS = required,
 * SSL/TLS = implicit; certificates verified against the system CAs + TAYORI_SMTP_CA_FILE unless
 * [証明書を検証しない]; the configured timeouts.
 */
export function smtpConnectionOptions(ctx: AppContext, target: SmtpTarget): SMTPConnection.Options & { [FINAL_REPLY_TIMEOUT]: number } {
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
    [FINAL_REPLY_TIMEOUT]: timeouts.finalReplyMs,
    socketCloseTimeout: 1_000,
    tls: {
      rejectUnauthorized: target.rejectUnauthorized,
      ca: target.rejectUnauthorized ? trustedCertificates(ctx.config.smtpCaFile) : undefined,
    },
    logger: false,
    name: greetingName(ctx.config.publicUrl),
    ...(target.auth?.method === 'XOAUTH2' ? { customAuth: { XOAUTH2: xoauth2Login(ctx, providerOf(ctx, target.auth.provider)) } } : {}),
  };
}

/**
 * The name Tayori gives in EHLO (RFC 5321: its domain name, or its address literal). nodemailer
 * takes the machine's host name when it has a dot and otherwise says `[127.0.0.1]`, which a
 * container's short host name always got: from a remote address, a loopback literal is what
 * mail filters score as forged. The public URL's host is the product's own name.
 */
function greetingName(publicUrl: string): string | undefined {
  if (hostname().includes('.')) return undefined;
  const host = new URL(publicUrl).hostname;
  if (isIPv4(host)) return host === '127.0.0.1' ? undefined : `[${host}]`;
  return host.includes('.') && !host.startsWith('[') ? host : undefined;
}

/** The OAuth provider a target's XOAUTH2 names; Gmail is the only one so far. */
function providerOf(ctx: AppContext, key: string) {
  const provider = gmailProvider(ctx.config);
  if (key !== provider.key) throw new Error(`unknown OAuth mail provider ${key}`);
  return provider;
}

/** What nodemailer is given as `auth`: a password as is, XOAUTH2 by name (its custom login supplies the token). */
export function nodemailerAuth(target: SmtpTarget): SMTPTransport.Options['auth'] {
  if (!target.auth) return undefined;
  if (target.auth.method === 'XOAUTH2') return { type: 'CUSTOM', method: 'XOAUTH2', user: target.auth.user, pass: '' };
  return { user: target.auth.user, pass: target.auth.pass };
}

/**
 * A key for caching a connection pool per target that holds no secret in clear: a password
 * enters only as part of a hash. XOAUTH2 targets carry no token, so a refresh keeps the pool.
 */
export function transportKey(target: SmtpTarget): string {
  return createHash('sha256').update(JSON.stringify(target)).digest('hex');
}

interface PoolChoice {
  pool: boolean;
  maxConnections?: number;
}

/** nodemailer's options for a single connection or a pool. */
export type SmtpTransportOptions = SMTPTransport.Options & PoolChoice;

/**
 * nodemailer transport options for the target: TLS as chosen (none = never upgraded, starttls =
 * required, tls = implicit), certificates verified against system CAs + TAYORI_SMTP_CA_FILE,
 * the configured timeouts. `pool` for the outbox worker.
 */
export function smtpTransportOptions(ctx: AppContext, target: SmtpTarget, options: PoolChoice): SmtpTransportOptions {
  return {
    ...smtpConnectionOptions(ctx, target),
    // With credentials configured, AUTH is sent even when the server does not announce it, so
    // a server that wants STARTTLS first says so instead of the mail going out unauthenticated.
    auth: nodemailerAuth(target),
    forceAuth: target.auth !== null,
    pool: options.pool,
    maxConnections: options.maxConnections,
  };
}

export function createSmtpTransport(
  ctx: AppContext,
  target: SmtpTarget,
  options: PoolChoice,
): Transporter<SMTPTransport.SentMessageInfo> {
  return writeMessagesWhole(nodemailer.createTransport(smtpTransportOptions(ctx, target, options)) as Transporter<SMTPTransport.SentMessageInfo>);
}
