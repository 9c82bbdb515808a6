import type { AppContext } from '../context.js';
import { markSent } from './outbox.repository.js';

/**
 * Records sent mails as a group commit: a write starts as soon as the previous one ended and
 * carries every mail accepted meanwhile (no timer, no batch size). A connection goes straight on
 * to its next mail, and under load one write records many; at a crash only the mails in flight
 * can be sent again — those being sent, and those in the one write under way.
 */
export class SentRecorder {
  private pending: string[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly owner: string,
  ) {}

  record(id: string): void {
    this.pending.push(id);
    // The write starts once this turn of the event loop is over, so the mails other connections
    // finished in the same turn go with it.
    this.writing ??= new Promise(setImmediate).then(() => this.writeWhilePending());
  }

  /** Resolves once every mail recorded so far is written. */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeWhilePending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const ids = this.pending.splice(0);
        try {
          await markSent(this.ctx.db, this.ctx.database.dialect, { ids, owner: this.owner }, this.ctx.clock.now().toISOString());
        } catch (error) {
          // They stay "sending" under this worker's lease and go out again once it ends.
          this.ctx.log.error({ err: error, mails: ids.length }, 'recording sent mails failed');
        }
      }
    } finally {
      this.writing = null;
    }
  }
}
