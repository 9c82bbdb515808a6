// INTERFACE STUB — implemented by the transports work (helper T). Signatures are the contract.
import type { MessageKey, MessageParams } from '../../i18n/index.js';

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
}

export function classifySmtpError(error: unknown): DeliveryFault {
  void error;
  throw new Error('not implemented');
}
