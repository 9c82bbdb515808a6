import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AppContext } from '../context.js';
import type { SmtpTarget } from '../transports/delivery-target.js';
import { createSmtpTransport, transportKey } from '../transports/smtp-transport.js';

export type SmtpTransporter = Transporter<SMTPTransport.SentMessageInfo>;

/**
 * The worker's pooled connections to the current target, replaced when the target changes (a
 * save, a new password, a refreshed token). The target is remembered by a digest, so no
 * credential is kept as a key in clear.
 */
export class TransportPool {
  private current: { identity: string; transporter: SmtpTransporter } | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly maxConnections: number,
  ) {}

  for(target: SmtpTarget): SmtpTransporter {
    const identity = transportKey(target);
    if (this.current?.identity !== identity) {
      this.close();
      const transporter = createSmtpTransport(this.ctx, target, { pool: true, maxConnections: this.maxConnections });
      this.current = { identity, transporter };
    }
    return this.current.transporter;
  }

  close(): void {
    this.current?.transporter.close();
    this.current = null;
  }
}
