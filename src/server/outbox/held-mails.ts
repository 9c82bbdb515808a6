import type { AppContext } from '../context.js';
import { renewHeldMails } from './outbox.repository.js';

/**
 * The mails a worker has claimed and not yet finished, and their lease. Every quarter of the
 * lease the worker renews it (fenced by the owner), so a mail waiting its turn, or a slow server,
 * never lets the lease run out while the worker lives. A send may start only while the lease has
 * comfortably more time left than a send can take; otherwise the lease is renewed first, and a
 * mail another worker took over meanwhile is dropped, not sent a second time.
 */
export class HeldMails {
  private readonly held = new Set<string>();
  /** Until when every held mail's lease is certain to last (epoch ms of the worker's clock). */
  private validUntil = 0;
  private renewing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly leaseMs: number;
  private readonly sendMarginMs: number;

  constructor(
    private readonly ctx: AppContext,
    private readonly owner: string,
  ) {
    this.leaseMs = ctx.config.outbox.leaseMs;
    const { connectMs, greetingMs, socketMs } = ctx.config.smtpTimeouts;
    this.sendMarginMs = Math.min(this.leaseMs / 2, connectMs + greetingMs + socketMs);
    this.timer = setInterval(() => {
      if (this.held.size > 0) this.renew().catch((error) => ctx.log.warn({ err: error }, 'renewing the outbox lease failed'));
    }, this.leaseMs / 4);
    this.timer.unref();
  }

  /** Mails just claimed with a lease until `claimedAt + lease`. */
  add(ids: string[], claimedAt: number): void {
    const until = claimedAt + this.leaseMs;
    this.validUntil = this.held.size === 0 ? until : Math.min(this.validUntil, until);
    for (const id of ids) this.held.add(id);
  }

  /** The mail's outcome is recorded (or it went back to the queue): it is no longer this worker's. */
  forget(id: string): void {
    this.held.delete(id);
  }

  forgetAll(): void {
    this.held.clear();
  }

  /** Whether this worker may start sending the mail now: it still holds it, with time to spare. */
  async mayStart(id: string): Promise<boolean> {
    if (this.validUntil - this.ctx.clock.now().getTime() < this.sendMarginMs) await this.renew();
    return this.held.has(id);
  }

  /** One renewal at a time; callers arriving meanwhile share it. */
  renew(): Promise<void> {
    this.renewing ??= this.renewNow().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /**
   * Renews exactly the mails held when the renewal starts. A mail claimed meanwhile (on another
   * connection) is not in the answer yet and stays held; a mail this worker let go of is not
   * renewed, so its lease runs out and another worker can take it.
   */
  private async renewNow(): Promise<void> {
    const startedAt = this.ctx.clock.now().getTime();
    const until = startedAt + this.leaseMs;
    const renewing = [...this.held];
    if (renewing.length === 0) return;
    const stillHeld = new Set(await renewHeldMails(this.ctx.db, this.owner, renewing, new Date(until).toISOString()));
    for (const id of renewing) if (!stillHeld.has(id)) this.held.delete(id);
    this.validUntil = until;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
