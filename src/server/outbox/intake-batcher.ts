import type { OutgoingMessage } from '../../contracts/mail.js';
import { type AppContext, perContext } from '../context.js';
import { tokenRefused } from '../errors.js';
import { type MailSettingsRecord, readMailSettings } from '../settings/mail-settings.record.js';
import { type EnqueueOptions, outboxRowsFor } from './enqueue.js';
import { insertOutboxRowsIfCurrent, type OutboxRow } from './outbox.repository.js';
import { liveServiceTokenIds } from './service-tokens.repository.js';

interface Waiting {
  message: OutgoingMessage;
  options: EnqueueOptions;
  done: (row: OutboxRow) => void;
  failed: (error: unknown) => void;
  answered?: true;
}

/** Enough for any burst; a statement's parameters stay well within SQLite's limit. */
const MAX_GROUP = 200;
/** A group is written again after a settings save; saves that keep coming that fast are a fault. */
const MAX_ROUNDS = 5;
/**
 * Groups written at once. On PostgreSQL a group's insert waits for the flush to disk and for CPU
 * that delivery shares; groups written meanwhile overlap that wait (with the worker delivering,
 * 1,550 requests/s with one, 2,070 with three; no gain with sending off). SQLite writes on the
 * event loop itself, so a second write could not overlap the first.
 */
const GROUPS_AT_ONCE = { postgres: 3, sqlite: 1 };

/**
 * Mail from the HTTP API written as a group commit, as the worker records sent mail: a write
 * starts at the end of the event-loop turn, carrying every request that arrived meanwhile, and
 * while GROUPS_AT_ONCE are being written the next one waits for one of them to end. Each request
 * still answers only once its own mail is committed. A group that fails (an idempotency key that
 * arrived twice at once) is written again mail by mail, so one request's fault is only its own.
 *
 * A group is one statement that inserts a mail only while the settings it was made from are
 * still the saved ones and its service token is still live (insertOutboxRowsIfCurrent). So the
 * batcher keeps the settings between groups instead of reading them for each (on PostgreSQL four
 * of a group's five round trips), and the API may keep the tokens it let in. Mail left out is
 * answered 401 when its token was revoked meanwhile, and otherwise written again with the
 * settings read anew.
 */
export class IntakeBatcher {
  private waiting: Waiting[] = [];
  private groupsBeingWritten = 0;
  private groupScheduled = false;
  private settings: MailSettingsRecord | null = null;
  private readonly groupsAtOnce: number;

  constructor(private readonly ctx: AppContext) {
    this.groupsAtOnce = GROUPS_AT_ONCE[ctx.database.dialect];
  }

  enqueue(message: OutgoingMessage, options: EnqueueOptions): Promise<OutboxRow> {
    return new Promise((done, failed) => {
      this.waiting.push({ message, options, done, failed });
      this.scheduleGroup();
    });
  }

  /** The next group starts at the end of this event-loop turn, if fewer than GROUPS_AT_ONCE are being written. */
  private scheduleGroup(): void {
    if (this.groupScheduled || this.groupsBeingWritten >= this.groupsAtOnce || this.waiting.length === 0) return;
    this.groupScheduled = true;
    setImmediate(() => {
      this.groupScheduled = false;
      void this.writeNextGroup();
    });
  }

  private async writeNextGroup(): Promise<void> {
    const group = this.waiting.splice(0, MAX_GROUP);
    this.groupsBeingWritten++;
    this.scheduleGroup();
    try {
      await this.write(group);
    } finally {
      this.groupsBeingWritten--;
      this.scheduleGroup();
    }
  }

  private async write(group: Waiting[]): Promise<void> {
    try {
      await this.insert(group);
    } catch (error) {
      const unanswered = group.filter((mail) => !mail.answered);
      if (unanswered.length === 1) return answer(unanswered[0], { error });
      for (const mail of unanswered) await this.write([mail]);
    }
  }

  private async insert(group: Waiting[]): Promise<void> {
    const { ctx } = this;
    let pending = group;
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new Error('the mail settings changed at every attempt to write a group');
      const settings = (this.settings ??= await readMailSettings(ctx.db));
      const rows = outboxRowsFor(ctx, settings, pending);
      const seen = { version: settings.version, gmailAccount: settings.gmail.accountEmail };
      const inserted = await insertOutboxRowsIfCurrent(ctx.db, ctx.database.dialect, rows, seen);
      const left = pending.filter((mail, i) => {
        if (!inserted.has(rows[i].id)) return true;
        answer(mail, { row: rows[i] });
        return false;
      });
      if (left.length === 0) return;
      this.settings = null;
      const live = await liveServiceTokenIds(ctx.db, left.flatMap((mail) => mail.options.serviceTokenId ?? []));
      pending = left.filter((mail) => {
        const tokenId = mail.options.serviceTokenId;
        if (tokenId === undefined || live.has(tokenId)) return true;
        answer(mail, { error: tokenRefused() });
        return false;
      });
    }
  }
}

function answer(mail: Waiting, outcome: { row: OutboxRow } | { error: unknown }): void {
  mail.answered = true;
  if ('row' in outcome) mail.done(outcome.row);
  else mail.failed(outcome.error);
}

/** The process's batcher for this installation. */
export const intakeBatcherOf = perContext((ctx) => new IntakeBatcher(ctx));
