import type { AppContext } from '../context.js';
import type { SmtpTarget } from '../transports/delivery-target.js';
import { type MailSender, SmtpThread } from '../transports/smtp-thread.js';
import { createSmtpTransport, smtpTransportOptions, transportKey } from '../transports/smtp-transport.js';

/**
 * The worker's pooled connections to the current target, replaced when the target changes (a
 * save, a new password, a refreshed token). The target is remembered by a digest, so no
 * credential is kept as a key in clear. A password or no login sends on a thread of its own
 * (SmtpThread); XOAUTH2 (Gmail) stays on the main thread, where its login asks the token
 * source for a live token at each connection.
 */
export class TransportPool {
  private current: { identity: string; sender: MailSender } | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly maxConnections: number,
  ) {}

  for(target: SmtpTarget): MailSender {
    const identity = transportKey(target);
    if (this.current?.identity !== identity) {
      this.close();
      const options = { pool: true, maxConnections: this.maxConnections };
      const sender =
        target.auth?.method === 'XOAUTH2'
          ? createSmtpTransport(this.ctx, target, options)
          : new SmtpThread(smtpTransportOptions(this.ctx, target, options));
      this.current = { identity, sender };
    }
    return this.current.sender;
  }

  close(): void {
    this.current?.sender.close();
    this.current = null;
  }

  /** Ends the sender's conversations at once and forgets it; false when it is not this pool's. */
  abandon(sender: MailSender): boolean {
    if (this.current?.sender !== sender) return false;
    if (sender.abort) sender.abort();
    else sender.close();
    this.current = null;
    return true;
  }
}
