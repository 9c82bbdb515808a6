import type { AppContext } from '../context.js';
import { markSent } from './outbox.repository.js';

interface Waiting {
  id: string;
  done: () => void;
  failed: (error: unknown) => void;
}

/**
 * Records sent mails as a group commit: a write starts as soon as the previous one ended and
 * carries every mail accepted meanwhile (no timer, no batch size). Each connection waits for its
 * mail's record before it starts the next mail, so at a crash only the mails actually in flight
 * (at most one per connection) can be sent again, and under load one write still records many.
 */
export class SentRecorder {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly owner: string,
  ) {}

  /** Resolves once the mail is recorded as sent. */
  record(id: string): Promise<void> {
    return new Promise((done, failed) => {
      this.waiting.push({ id, done, failed });
      if (!this.writing) void this.writeWhileWaiting();
    });
  }

  private async writeWhileWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        await markSent(this.ctx.db, { ids: group.map((w) => w.id), owner: this.owner }, this.ctx.clock.now().toISOString());
        for (const w of group) w.done();
      } catch (error) {
        for (const w of group) w.failed(error);
      }
    }
    this.writing = false;
  }
}
