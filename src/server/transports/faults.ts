import { cleanForeignText, headAndTail } from '../../contracts/foreign-text.js';
import { type Locale, type MessageKey, type MessageParams, t } from '../../i18n/index.js';
import { credentialForms, withoutCredentials } from './credential-echo.js';
import type { SmtpAuth } from './delivery-target.js';
import { CaFileError } from './tls-trust.js';

/**
 * How a failed SMTP exchange counts (SPEC §2.3):
 * - transport: not the mail's fault (refused, DNS, timeout, TLS, auth, 421, quota): keep it queued.
 * - transient: this mail, retry with back-off (4xx to RCPT/DATA, connection dropped mid-DATA).
 * - permanent: this mail fails now (5xx to RCPT for its recipients).
 */
export type FaultScope = 'transport' | 'transient' | 'permanent';

export interface DeliveryFault {
  scope: FaultScope;
  /** Catalog key of a message that says what to check. */
  code: MessageKey;
  params?: MessageParams;
  /** The server's reply, quoted, when there was one. */
  reply?: string;
  /** The whole message had gone to the server and it never answered: it may have taken the mail. */
  possiblyDelivered?: true;
}

/** An error that already knows what it means for delivery (the OAuth token source throws these). */
export class TransportFaultError extends Error {
  constructor(readonly fault: DeliveryFault) {
    super(fault.code);
    this.name = 'TransportFaultError';
  }
}

/** The fields nodemailer puts on its errors (see nodemailer/lib/smtp-connection `_formatError`). */
export interface NodemailerErrorFields {
  code?: string;
  /** The Node error code nodemailer's own code replaced (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT…). */
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  timeoutType?: string;
  message?: string;
}

const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED_CERTIFICATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** A server that speaks only TLS 1.1 or older, or offers keys too short to be safe (old servers). */
const WEAK_TLS = new Set([
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_DH_KEY_TOO_SMALL',
  'ERR_SSL_EE_KEY_TOO_SMALL',
  'ERR_SSL_CA_KEY_TOO_SMALL',
  'ERR_SSL_CA_MD_TOO_WEAK',
]);
/** TLS was spoken on both sides, but no cipher both accept. */
const NO_COMMON_CIPHER = new Set(['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'ERR_SSL_NO_SHARED_CIPHER', 'ERR_SSL_NO_CIPHERS_AVAILABLE']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE']);
const STARTTLS_FIRST = /STARTTLS (command )?(first|required)|must issue a STARTTLS|encryption required/i;
/**
 * AUTH answered "unrecognized", "not implemented", "bad sequence" or "mechanism not implemented"
 * (500, 502, 503, 504): the server offers no login on this connection (Postfix offers it only
 * after STARTTLS: `503 5.5.1 Error: authentication not enabled`), so the password is not what
 * to check.
 */
const AUTH_NOT_OFFERED = /^50[0234][ -]/;
const QUOTA_TEXT = /quota|rate.?limit|sending limit|too many (messages|mails|emails|connections)|limit (exceeded|reached)/i;

export const fault = (scope: FaultScope, code: MessageKey, reply?: string): DeliveryFault =>
  reply === undefined ? { scope, code } : { scope, code, reply, params: { reply } };

/** A reply longer than any real one is the server's mistake or its attack; it is shown by its start and end. */
const MAX_REPLY_SHOWN = 1000;

/**
 * An SMTP server's reply as the delivery log, the banner, the alert mail and the CLI show it.
 * Before, a reply was kept whole and raw: 31 mails refused with a 1 MB reply made one page of the
 * delivery log 62.7 MB, and a reply's terminal codes and U+202E reached the operator's terminal and
 * reversed the banner's own sentence.
 */
export function replyAsShown(response: string): string | undefined {
  const shown = headAndTail(cleanForeignText(response).trim(), MAX_REPLY_SHOWN);
  return shown === '' ? undefined : shown;
}

/** `sentWith`: the credentials the conversation logged in with, masked wherever the server quotes them. */
export function classifySmtpError(error: unknown, sentWith: SmtpAuth | null = null): DeliveryFault {
  if (error instanceof CaFileError) return { scope: 'transport', code: 'smtp.ca_file_unreadable', params: { path: error.path } };
  if (error instanceof TransportFaultError) return error.fault;
  const e = errorFields(error, credentialForms(sentWith));
  const reply = typeof e.response === 'string' ? replyAsShown(e.response) : undefined;
  const classified = classifyReply(e, reply);
  return reply !== undefined && isGmailReply(reply) ? inGmailWords(classified, reply) : classified;
}

type ErrorFields = NodemailerErrorFields & { message: string };

/** What an error says: its message and the server's reply, the credentials masked in both. */
function errorFields(error: unknown, credentials: readonly string[]): ErrorFields {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as NodemailerErrorFields;
  const message = error instanceof Error ? error.message : typeof fields.message === 'string' ? fields.message : String(error);
  return {
    ...fields,
    message: withoutCredentials(message, credentials),
    response: typeof fields.response === 'string' ? withoutCredentials(fields.response, credentials) : undefined,
  };
}

function classifyReply(e: ErrorFields, reply: string | undefined): DeliveryFault {
  if (reply !== undefined) {
    if (e.responseCode === 421) return fault('transport', 'smtp.server_closing', reply);
    if (isQuotaReply(reply)) return fault('transport', 'smtp.quota', reply);
    // Postfix `530 5.7.0 Must issue a STARTTLS command first`, smtp-server `538 …`: the answer to
    // AUTH or MAIL FROM over a plain connection. The fix is the encryption type, not the password.
    if (STARTTLS_FIRST.test(reply)) return fault('transport', 'smtp.starttls_required', reply);
  }
  if (/^invalid_grant/.test(e.message ?? '')) return fault('transport', 'smtp.gmail_reauth_required');
  switch (e.code) {
    case 'EDNS':
      return fault('transport', 'smtp.dns');
    case 'ETIMEDOUT':
      return fault('transport', timeoutCode(e.timeoutType));
    case 'ESOCKET':
      return socketFault(e) ?? unexpected(e);
    case 'ECONNECTION':
      return fault('transient', 'smtp.connection_dropped');
    case 'ETLS':
      return reply ? fault('transport', 'smtp.starttls_unavailable', reply) : fault('transport', 'smtp.tls_failed');
    case 'EAUTH':
    case 'EOAUTH2':
      if (reply && AUTH_NOT_OFFERED.test(reply)) return fault('transport', 'smtp.auth_not_offered', reply);
      return reply ? fault('transport', 'smtp.auth_rejected', reply) : fault('transport', 'smtp.auth_failed');
    case 'EPROTOCOL':
      if (reply && e.command === 'CONN') return fault('transport', 'smtp.greeting_rejected', reply);
      return reply ? fault('transport', 'smtp.protocol', reply) : unexpected(e);
    case 'EENVELOPE':
      return envelopeFault(e, reply);
    case 'EMESSAGE':
      return messageFault(e, reply);
    default:
      return unexpected(e);
  }
}

/** Gmail ends its replies with "gsmtp" (`421 4.7.0 Try again later, closing connection. … - gsmtp`). */
const isGmailReply = (reply: string) => /gsmtp\s*$/i.test(reply);

/** Gmail's replies by status and enhanced code, with a message that says what an admin of Gmail can do. */
const GMAIL_REPLIES: Record<string, MessageKey> = {
  '421 4.7.0': 'gmail.smtp_try_later',
  '535 5.7.8': 'gmail.smtp_token_refused',
  '550 5.7.1': 'gmail.smtp_policy',
};

/** The scope stays the one the reply has for any server; only the message is Gmail's. */
function inGmailWords(classified: DeliveryFault, reply: string): DeliveryFault {
  const status = /^(\d{3})[ -](\d\.\d{1,3}\.\d{1,3})/.exec(reply);
  const code = status ? GMAIL_REPLIES[`${status[1]} ${status[2]}`] : undefined;
  return code ? { ...classified, code, reply, params: { reply } } : classified;
}

/**
 * A conversation that ended with no answer from the server after the whole message had gone
 * (a timeout or a dropped connection while the server took it in) may have delivered the mail:
 * RFC 1047's duplicate problem. An answer (451, 554…) says what happened and stays as it is.
 */
export function afterWholeMessage(deliveryFault: DeliveryFault): DeliveryFault {
  return deliveryFault.reply === undefined ? { ...deliveryFault, possiblyDelivered: true } : deliveryFault;
}

/**
 * A connection that ended before the server took DATA — before its greeting, after EHLO, after
 * RCPT — sent nothing of this mail: the server or the way to it failed (a load balancer with no
 * live backend accepts and hangs up), as with a refused connection. Counted against each mail,
 * every mail used up its attempts with no banner and no alert.
 */
export function beforeMessage(deliveryFault: DeliveryFault): DeliveryFault {
  return deliveryFault.code === 'smtp.connection_dropped' ? { ...deliveryFault, scope: 'transport' } : deliveryFault;
}

/** The fault as a sentence in the reader's language, the server's reply quoted in it. */
export function describeFault(locale: Locale, deliveryFault: DeliveryFault): string {
  return t(locale, deliveryFault.code, deliveryFault.params);
}

/**
 * x.4.5 (congestion; Gmail's daily quota is 5.4.5) and replies that speak of quotas or rate
 * limits are about the sender's allowance. x.2.x is the recipient's mailbox (full), not ours.
 */
function isQuotaReply(reply: string): boolean {
  const enhanced = /^\d{3}[ -]\d\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  if (enhanced?.[1] === '2') return false;
  if (enhanced?.[1] === '4' && enhanced[2] === '5') return true;
  return QUOTA_TEXT.test(reply);
}

/** The outbox worker's own timeout of one whole send (worker.ts), classified like nodemailer's. */
export const SEND_TIMEOUT = 'SEND_TIMEOUT';

function timeoutCode(timeoutType: string | undefined): MessageKey {
  if (timeoutType === 'GREETING_TIMEOUT') return 'smtp.timeout_greeting';
  if (timeoutType === 'SOCKET_TIMEOUT') return 'smtp.timeout_socket';
  if (timeoutType === SEND_TIMEOUT) return 'smtp.timeout_send';
  if (timeoutType === 'UPGRADE_TIMEOUT') return 'smtp.tls_mismatch';
  return 'smtp.timeout_connect';
}

function socketFault(e: NodemailerErrorFields): DeliveryFault | null {
  const cause = e.originalCode ?? '';
  if (cause === 'ECONNREFUSED') return fault('transport', 'smtp.refused');
  if (UNREACHABLE.has(cause)) return fault('transport', 'smtp.unreachable');
  if (cause === 'ETIMEDOUT') return fault('transport', 'smtp.timeout_connect');
  if (UNTRUSTED_CERTIFICATE.has(cause)) return fault('transport', 'smtp.certificate_untrusted');
  if (EXPIRED_CERTIFICATE.has(cause)) return fault('transport', 'smtp.certificate_expired');
  if (cause === 'ERR_TLS_CERT_ALTNAME_INVALID') return fault('transport', 'smtp.certificate_name_mismatch');
  if (WEAK_TLS.has(cause)) return fault('transport', 'smtp.tls_too_weak');
  if (NO_COMMON_CIPHER.has(cause)) return fault('transport', 'smtp.tls_failed');
  // OpenSSL cannot read what the server sent as TLS: it speaks plain text (or STARTTLS) on that port
  if (cause.startsWith('ERR_SSL_') || cause === 'EPROTO') return fault('transport', 'smtp.tls_mismatch');
  if (DROPPED.has(cause)) return fault('transient', 'smtp.connection_dropped');
  return null;
}

/** MAIL FROM refusals concern every mail (sender, authentication); RCPT TO ones this mail's recipient. */
function envelopeFault(e: NodemailerErrorFields, reply: string | undefined): DeliveryFault {
  if (reply === undefined) return fault('permanent', 'smtp.recipient_invalid');
  const temporary = (e.responseCode ?? 0) < 500;
  if (e.command === 'MAIL FROM') {
    if (e.responseCode === 530 || /authenticat/i.test(reply)) return fault('transport', 'smtp.auth_required', reply);
    return fault('transport', temporary ? 'smtp.sender_deferred' : 'smtp.sender_rejected', reply);
  }
  if (e.command === 'DATA') return messageFault(e, reply);
  if (!temporary && /relay/i.test(reply)) return fault('transport', 'smtp.relay_denied', reply);
  return temporary ? fault('transient', 'smtp.recipient_deferred', reply) : fault('permanent', 'smtp.recipient_rejected', reply);
}

function messageFault(e: NodemailerErrorFields, reply: string | undefined): DeliveryFault {
  if (reply === undefined) return fault('permanent', 'smtp.message_too_large');
  return (e.responseCode ?? 0) < 500
    ? fault('transient', 'smtp.message_deferred', reply)
    : fault('permanent', 'smtp.message_rejected', reply);
}

function unexpected(e: ErrorFields): DeliveryFault {
  const detail = e.message.split('\n')[0].slice(0, 200);
  return { scope: 'transport', code: 'smtp.unexpected', params: { detail } };
}
