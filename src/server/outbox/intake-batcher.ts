import type { OutgoingMessage } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { type MailSettingsRecord, readMailSettings } from '../settings/mail-settings.service.js';
import { type EnqueueOptions, outboxRowsFor } from './enqueue.js';
import { insertOutboxRows, insertOutboxRowsIfSettingsUnchanged, type OutboxRow } from './outbox.repository.js';

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
 * request that arrived meanwhile. Each request still answers only once its own mail is
 * committed. A group that fails (an idempotency key that arrived twice at once) is written again
 * mail by mail, so one request's fault is only its own.
 *
 * A group is one statement that inserts only while the settings the rows were made from are
 * still the saved ones, so the settings are kept between groups instead of read in each: on
 * PostgreSQL reading them cost four of a group's five round trips. When they changed, the group
 * reads them and inserts in one transaction, as in-process mail does.
 */
export class IntakeBatcher {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;
  private settings: MailSettingsRecord | null = null;

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
      const rows = await this.insert(group);
      group.forEach((mail, i) => mail.done(rows[i]));
    } catch (error) {
      if (group.length === 1) return group[0].failed(error);
      for (const mail of group) await this.write([mail]);
    }
  }

  private async insert(group: Waiting[]): Promise<OutboxRow[]> {
    const { ctx, settings } = this;
    if (settings) {
      const rows = outboxRowsFor(ctx, settings, group);
      const seen = { version: settings.version, gmailAccount: settings.gmail.accountEmail };
      if (await insertOutboxRowsIfSettingsUnchanged(ctx.db, ctx.database.dialect, rows, seen)) return rows;
    }
    return ctx.db.transaction().execute(async (trx) => {
      const current = await readMailSettings(trx);
      const rows = outboxRowsFor(ctx, current, group);
      await insertOutboxRows(trx, rows);
      this.settings = current;
      return rows;
    });
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
