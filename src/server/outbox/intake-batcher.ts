import type { OutgoingMessage } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { type EnqueueOptions, enqueueMails } from './enqueue.js';
import type { OutboxRow } from './outbox.repository.js';

interface Waiting {
  message: OutgoingMessage;
  options: EnqueueOptions;
  done: (row: OutboxRow) => void;
  failed: (error: unknown) => void;
}

/** Enough for any burst; a statement's parameters stay well within SQLite's limit. */
const MAX_GROUP = 200;

/**
 * Mail from the HTTP API written as a group commit, as the worker records sent mail: a write
 * starts at the end of the event-loop turn, the next as soon as it ended, each carrying every
 * request that arrived meanwhile — one transaction, the settings read once, one insert. Each
 * request still answers only once its own mail is committed. A group that fails (an idempotency
 * key that arrived twice at once) is written again mail by mail, so one request's fault is only
 * its own.
 */
export class IntakeBatcher {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly ctx: AppContext) {}

  enqueue(message: OutgoingMessage, options: EnqueueOptions): Promise<OutboxRow> {
    return new Promise((done, failed) => {
      this.waiting.push({ message, options, done, failed });
      this.writing ??= new Promise(setImmediate).then(() => this.writeWhileWaiting());
    });
  }

  private async writeWhileWaiting(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.write(this.waiting.splice(0, MAX_GROUP));
    } finally {
      this.writing = null;
    }
  }

  private async write(group: Waiting[]): Promise<void> {
    try {
      const rows = await this.ctx.db.transaction().execute((trx) => enqueueMails(this.ctx, trx, group));
      group.forEach((mail, i) => mail.done(rows[i]));
    } catch (error) {
      if (group.length === 1) return group[0].failed(error);
      for (const mail of group) await this.write([mail]);
    }
  }
}

const batchers = new WeakMap<AppContext, IntakeBatcher>();

/** The process's batcher for this installation. */
export function intakeBatcherOf(ctx: AppContext): IntakeBatcher {
  let batcher = batchers.get(ctx);
  if (!batcher) {
    batcher = new IntakeBatcher(ctx);
    batchers.set(ctx, batcher);
  }
  return batcher;
}
