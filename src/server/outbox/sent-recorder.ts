import type { AppContext } from '../context.js';
import { markSent } from './outbox.repository.js';

const FLUSH_AT_COUNT = 25;
const FLUSH_AFTER_MS = 200;

/**
 * Records sent mails a batch at a time, so a connection goes straight on to its next mail
 * instead of waiting for a write per mail. A crash before a flush leaves those mails "sending":
 * they are redelivered when the lease ends, which the outbox allows for mails whose send had
 * started (same Message-ID).
 */
export class SentRecorder {
  private pending: string[] = [];
  private oldestPendingAt = 0;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly owner: string,
  ) {}

  add(id: string): Promise<void> {
    if (this.pending.length === 0) this.oldestPendingAt = Date.now();
    this.pending.push(id);
    const due = this.pending.length >= FLUSH_AT_COUNT || Date.now() - this.oldestPendingAt >= FLUSH_AFTER_MS;
    return due ? this.flush() : Promise.resolve();
  }

  /** Writes what is pending; writes stay in order, and a failed one fails this call. */
  flush(): Promise<void> {
    const ids = this.pending.splice(0);
    if (ids.length > 0) {
      const nowIso = this.ctx.clock.now().toISOString();
      this.writes = this.writes.then(() => markSent(this.ctx.db, { ids, owner: this.owner }, nowIso));
    }
    return this.writes;
  }
}
