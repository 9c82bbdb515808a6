// INTERFACE STUB — implemented by the transports work (helper T). Signatures are the contract.
import type { SmtpSecurity } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import type { MailSettingsRecord } from '../settings/mail-settings.service.js';
import type { DeliveryFault } from './faults.js';

/** Where and how mail leaves: the managed relay, the company's own server, or Gmail. */
export interface SmtpTarget {
  via: 'managed' | 'smtp' | 'gmail';
  host: string;
  port: number;
  security: SmtpSecurity;
  auth: { user: string; pass: string } | null;
  rejectUnauthorized: boolean;
  from: string;
}

export type TargetResolution = { ok: true; target: SmtpTarget } | { ok: false; fault: DeliveryFault };

/** The target of the saved settings, or the transport-wide fault that stops delivery (not configured, Gmail not authorised). */
export function resolveDeliveryTarget(ctx: AppContext, record: MailSettingsRecord): TargetResolution {
  void ctx, record;
  throw new Error('not implemented');
}
