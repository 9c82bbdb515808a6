import { hostname } from 'node:os';
import type { MailKind } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { newId } from '../ids.js';
import { metrics } from '../metrics/registry.js';
import { readMailSettings } from '../settings/mail-settings.record.js';
import { resolveDeliveryTarget, type SmtpTarget } from '../transports/delivery-target.js';
import { afterWholeMessage, beforeMessage, classifySmtpError, type DeliveryFault, SEND_TIMEOUT } from '../transports/faults.js';
import { ON_MESSAGE_STARTED, ON_MESSAGE_WRITTEN } from '../transports/message-writes.js';
import type { MailSender, SentInfo } from '../transports/smtp-thread.js';
import { createSmtpTransport } from '../transports/smtp-transport.js';
import { fallbackAlertTarget } from './alert-fallback.js';
import { composeMail } from './compose.js';
import { SUPPRESSED_NOTE } from './enqueue.js';
import { recordFailure } from './failure-outcome.js';
import { HeldMails } from './held-mails.js';
import { followUpFor, partialDeliveryNote, recipientRefusals } from './deferred-recipients.js';
import { claimDueMails, markSent, markSentWithFollowUp, type OutboxRow, requeue, suppressWaitingMails } from './outbox.repository.js';
import { nextRetryAt } from './retry-policy.js';
import { SentRecorder } from './sent-recorder.js';
import { TransportBackoff } from './transport-backoff.js';
import { TransportHealth } from './transport-health.js';
import { TransportPool } from './transport-pool.js';

/**
 * Mails of a dead worker are looked for at the first claim and then every this many claims: a
 * second statement on every claim would cost more than the rare take-over is worth.
 */
const ABANDONED_CHECK_EVERY_CLAIMS = 16;

/**
 * The slowest upload a send is given time for beyond TAYORI_SMTP_SEND_TIMEOUT_MS (256 kbit/s).
 * Without it, 10 MB of attachments to a server behind a link slower than 1 Mbit/s was cut off at
 * every try as the transport failing: the mail never went and the banner stayed up.
 */
const SLOWEST_UPLOAD_BYTES_PER_S = 32 * 1024;

/**
 * About the bytes a mail takes on the wire, from above: its text in UTF-8 (three bytes to a
 * Japanese character) and base64 on top. Counted in characters, a Japanese text was given a
 * quarter of the time it needed.
 */
const wireSizeOf = (row: OutboxRow) => Math.ceil((Buffer.byteLength(row.message) * 4) / 3);

/**
 * The fault a pass reports: the first, unless it is only the consequence of another (a send cut
 * off because another ran out of time), which could finish recording first on busy cores and put
 * itself in the banner instead of the cause.
 */
const causeOf = (first: DeliveryFault | null, next: DeliveryFault): DeliveryFault =>
  first === null || first.code === 'smtp.cut_off_with_another' ? next : first;

/**
 * Delivers the outbox. Any number of workers (in `tayori serve` or `tayori worker`, on any
 * instance) can run at once: each claims a few due mails at a time under a lease it keeps
 * renewing, sends them over pooled connections, and records each result only while it still
 * holds the lease.
 */
export class OutboxWorker {
  readonly owner = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  readonly health: TransportHealth;
  private readonly held: HeldMails;
  private readonly sent: SentRecorder;
  private readonly backoff: TransportBackoff;
  private readonly pool: TransportPool;
  private claims = 0;
  /** Senders whose conversations were all ended because one send ran out of time. */
  private readonly cutOff = new WeakSet<MailSender>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  /** Whoever sleeps until the next poll: the loop between passes, idle lanes during one. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly ctx: AppContext) {
    this.health = new TransportHealth(ctx);
    this.held = new HeldMails(ctx, this.owner);
    this.sent = new SentRecorder(ctx, this.owner);
    this.backoff = new TransportBackoff(ctx);
    this.pool = new TransportPool(ctx, ctx.config.outbox.concurrency);
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.runLoop();
  }

  /**
   * Stops claiming; mails claimed but not started go back to the queue at once, sends under way
   * finish; then the connections close.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleepers();
    await this.loop;
    this.loop = null;
    this.held.stop();
    this.pool.close();
  }

  /** Something was enqueued: look now instead of at the next poll. */
  wake(): void {
    this.wakeSleepers();
  }

  private wakeSleepers(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private async runLoop(): Promise<void> {
    while (!this.stopping) {
      let delivered = 0;
      try {
        delivered = await this.deliverDueMails();
      } catch (error) {
        this.ctx.log.error({ err: error }, 'outbox worker pass failed');
      }
      if (delivered === 0 && !this.stopping) await this.sleep(this.ctx.config.outbox.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /**
   * One pass: claims and sends until nothing is due, the transport fails, or the worker stops.
   * Returns how many mails reached a final or retry state.
   */
  async deliverDueMails(): Promise<number> {
    if (!(await this.backoff.mayDeliver())) {
      // The alert written now leaves the other way at once, not at the next try of the failing server.
      if (!(await this.health.alertWhenDue())) return 0;
      return this.deliverAlertsViaFallback(await this.configuredTarget());
    }
    const record = await readMailSettings(this.ctx.db);
    if (!record.settings.sendingEnabled) {
      await suppressWaitingMails(this.ctx.db, this.ctx.clock.now().toISOString(), SUPPRESSED_NOTE);
      return 0;
    }
    const resolution = resolveDeliveryTarget(this.ctx, record);
    if (!resolution.ok) {
      await this.transportDown(resolution.fault);
      return this.deliverAlertsViaFallback(null);
    }
    const { target } = resolution;
    const pass = await this.sendDueMails(target, this.pool.for(target), this.ctx.config.outbox.concurrency);
    if (!pass.transportFault) return pass.processed;
    await this.transportDown(pass.transportFault);
    return pass.processed + (await this.deliverAlertsViaFallback(target));
  }

  private async configuredTarget(): Promise<SmtpTarget | null> {
    const resolution = resolveDeliveryTarget(this.ctx, await readMailSettings(this.ctx.db));
    return resolution.ok ? resolution.target : null;
  }

  /** While the configured transport fails, the admins' alert may still leave another way (SPEC §2.5). */
  private async deliverAlertsViaFallback(failing: SmtpTarget | null): Promise<number> {
    const fallback = fallbackAlertTarget(this.ctx, failing);
    if (!fallback) return 0;
    const transporter = createSmtpTransport(this.ctx, fallback, { pool: false });
    try {
      return (await this.sendDueMails(fallback, transporter, 1, { alertsViaFallback: true })).processed;
    } finally {
      transporter.close();
    }
  }

  /**
   * Keeps `lanes` sends in flight. The lanes claim a little ahead (at most four mails per lane
   * waiting, refilled when fewer than one per lane are left), so a claimed mail starts within a
   * few sends while claims stay few.
   */
  private async sendDueMails(target: SmtpTarget, transporter: MailSender, lanes: number, { alertsViaFallback = false } = {}) {
    const onlyKind: MailKind | undefined = alertsViaFallback ? 'alert' : undefined;
    const queue: OutboxRow[] = [];
    let exhausted = false;
    let refilling: Promise<void> | null = null;
    let transportFault: DeliveryFault | null = null;
    let processed = 0;
    let sending = 0;

    const refill = async () => {
      const rows = await this.claim(4 * lanes - queue.length, onlyKind);
      if (rows.length === 0) exhausted = true;
      queue.push(...rows);
    };
    const lane = async () => {
      for (;;) {
        if (!exhausted && !refilling && !transportFault && !this.stopping && queue.length < lanes) {
          refilling = refill().finally(() => {
            refilling = null;
          });
        }
        if (queue.length === 0 && refilling) {
          await refilling;
          continue;
        }
        const row = queue.shift();
        if (!row) {
          // Another lane is still in a long send (a big attachment to a slow server): look for new
          // mail again at the next poll rather than leave it to the next pass, which starts only
          // when that send ends. New mail waited minutes behind one slow upload.
          if (sending === 0 || transportFault || this.stopping) return;
          await this.sleep(this.ctx.config.outbox.pollMs);
          exhausted = false;
          continue;
        }
        if (transportFault || this.stopping) {
          await this.giveBack(row);
          continue;
        }
        if (!(await this.held.mayStart(row.id))) continue;
        sending++;
        const fault = await this.deliverOne(row, target, transporter, !alertsViaFallback).finally(() => {
          // The lanes waiting for it look once more and end the pass, instead of at the next poll.
          if (--sending === 0) this.wakeSleepers();
        });
        if (fault) transportFault = causeOf(transportFault, fault);
        processed++;
      }
    };
    // Every lane ends before the leftovers go back: a lane that failed (a database error) must
    // not leave the others sending mails that are being given back.
    const lanesEnded = await Promise.allSettled(Array.from({ length: lanes }, lane));
    await Promise.allSettled(queue.splice(0).map((row) => this.giveBack(row)));
    await this.sent.settled();
    this.held.forgetAll();
    const failed = lanesEnded.find((lane) => lane.status === 'rejected');
    if (failed) throw failed.reason;
    return { processed, transportFault };
  }

  private async claim(limit: number, onlyKind?: MailKind): Promise<OutboxRow[]> {
    const now = this.ctx.clock.now();
    const rows = await claimDueMails(this.ctx.db, this.ctx.database.dialect, {
      owner: this.owner,
      nowIso: now.toISOString(),
      leaseExpiresAt: new Date(now.getTime() + this.ctx.config.outbox.leaseMs).toISOString(),
      limit: Math.max(1, limit),
      onlyKind,
      takeOverAbandoned: this.claims++ % ABANDONED_CHECK_EVERY_CLAIMS === 0,
    });
    this.held.add(
      rows.map((row) => row.id),
      now.getTime(),
    );
    return rows;
  }

  /** A claimed mail this worker will not send after all: due again at once, no attempt counted. */
  private async giveBack(row: OutboxRow): Promise<void> {
    this.held.forget(row.id);
    await requeue(this.ctx.db, { id: row.id, owner: this.owner }, { nextAttemptAt: row.next_attempt_at, countAttempt: false });
  }

  /**
   * Sends one mail and records the outcome; returns the fault when the whole transport is failing.
   * Only a send through the configured transport says it works again: an alert delivered through
   * the fallback ended the incident, so every failure after it started a new one with an alert of
   * its own (18 alerts in 100 s, the banner down nearly all the time, 最後に成功 moving on).
   */
  private async deliverOne(row: OutboxRow, target: SmtpTarget, transporter: MailSender, viaConfiguredTransport: boolean): Promise<DeliveryFault | null> {
    let fault: DeliveryFault | null = null;
    let messageStarted = false;
    let messageWritten = false;
    const mail = {
      ...composeMail(row, target.from),
      [ON_MESSAGE_STARTED]: () => (messageStarted = true),
      [ON_MESSAGE_WRITTEN]: () => (messageWritten = true),
    };
    const timeSend = metrics.sendSeconds.startTimer({ transport: target.via });
    try {
      const wholeMessageWritten = () => messageWritten || (transporter.wholeMessageWritten?.(mail) ?? false);
      const info = await this.withinSendTime(transporter, transporter.sendMail(mail), wireSizeOf(row), wholeMessageWritten);
      timeSend();
      await this.recordSent(row, info);
      if (viaConfiguredTransport) {
        this.backoff.recovered();
        await this.health.working();
      }
    } catch (error) {
      timeSend();
      fault = this.faultOf(error, transporter, target);
      if (messageWritten) fault = afterWholeMessage(fault);
      else if (!messageStarted) fault = beforeMessage(fault);
      await recordFailure(this.ctx, this.owner, row, fault);
    } finally {
      this.held.forget(row.id);
    }
    metrics.sends.inc({ outcome: fault?.scope ?? 'sent', transport: target.via });
    this.ctx.log.debug({ mailId: row.id, messageId: row.message_id, kind: row.kind, outcome: fault?.code ?? 'sent' }, 'outbox delivery');
    return fault?.scope === 'transport' ? fault : null;
  }

  /** A send ended because another one of its sender ran out of time says so, rather than "unexpected error". */
  private faultOf(error: unknown, transporter: MailSender, target: SmtpTarget): DeliveryFault {
    const fault = classifySmtpError(error, target.auth);
    if (!this.cutOff.has(transporter) || fault.code === 'smtp.timeout_send') return fault;
    return { scope: 'transport', code: 'smtp.cut_off_with_another' };
  }

  /**
   * A send that outlasts its time fails as a transport fault, and every conversation of its
   * sender ends: a server that trickles bytes never trips the socket timeout, and one endless
   * conversation would otherwise hold this pass, and every mail after it, for good. The mails in
   * flight stay queued (no attempt counted); the next pass starts new connections. Its time is
   * TAYORI_SMTP_SEND_TIMEOUT_MS and, for a large mail, the time to upload it at a slow link's pace.
   * A send whose whole message has gone by then waits TAYORI_SMTP_FINAL_REPLY_TIMEOUT_MS more for
   * the server's answer (final-reply-wait.ts): cut off, the mail would go again.
   */
  private withinSendTime<T>(transporter: MailSender, send: Promise<T>, messageSize: number, wholeMessageWritten: () => boolean): Promise<T> {
    const { sendMs, finalReplyMs } = this.ctx.config.smtpTimeouts;
    const limitMs = sendMs + Math.ceil((messageSize / SLOWEST_UPLOAD_BYTES_PER_S) * 1000);
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<never>((_, reject) => {
      const cutOffAfter = (ms: number, waitingForReply: boolean) => {
        timer = setTimeout(() => {
          if (!waitingForReply && wholeMessageWritten()) return cutOffAfter(finalReplyMs, true);
          const tookMs = waitingForReply ? limitMs + finalReplyMs : limitMs;
          // Rejected first: ending the sender fails its sends too, and the race takes the first.
          reject(Object.assign(new Error(`the send took longer than ${tookMs} ms`), { code: 'ETIMEDOUT', timeoutType: SEND_TIMEOUT }));
          this.cutOff.add(transporter);
          if (!this.pool.abandon(transporter)) transporter.close();
        }, ms);
      };
      cutOffAfter(limitMs, false);
    });
    return Promise.race([send, cutOff]).finally(() => clearTimeout(timer));
  }

  /**
   * Accepted: recorded with the group commit. Accepted for only some recipients: recorded with a
   * note of the others, and those the server put off (4xx) get the mail again after the back-off.
   */
  private async recordSent(row: OutboxRow, info: SentInfo): Promise<void> {
    const refusals = recipientRefusals(info);
    if (refusals.length === 0) {
      this.sent.record(row.id);
      return;
    }
    const deferred = refusals.filter((refusal) => refusal.temporary);
    const note = partialDeliveryNote(refusals.filter((refusal) => !refusal.temporary), deferred);
    const now = this.ctx.clock.now();
    const nowIso = now.toISOString();
    if (deferred.length === 0) {
      await markSent(this.ctx.db, this.ctx.database.dialect, { ids: [row.id], owner: this.owner }, nowIso, note);
      return;
    }
    const followUp = followUpFor(row, deferred, { nowIso, nextAttemptAt: nextRetryAt(row, now, this.ctx.config.outbox) });
    await markSentWithFollowUp(this.ctx.db, this.ctx.database.dialect, { id: row.id, owner: this.owner }, nowIso, note, followUp);
  }

  private async transportDown(fault: DeliveryFault): Promise<void> {
    this.backoff.failed();
    await this.health.failing(fault);
  }
}
