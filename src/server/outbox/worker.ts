import { hostname } from 'node:os';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailKind, OutgoingMessage } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { newId } from '../ids.js';
import { readMailSettings } from '../settings/mail-settings.service.js';
import { managedRelayTarget, resolveDeliveryTarget, type SmtpTarget } from '../transports/delivery-target.js';
import { classifySmtpError, type DeliveryFault } from '../transports/faults.js';
import { createSmtpTransport } from '../transports/smtp-transport.js';
import {
  claimDueMails,
  markFailed,
  markSent,
  type OutboxRow,
  requeue,
  suppressWaitingMails,
} from './outbox.repository.js';
import { retryDelayMs } from './retry-policy.js';
import { storeFault, storeMessage } from './stored-error.js';
import { SUPPRESSED_NOTE } from './enqueue.js';
import { SentRecorder } from './sent-recorder.js';
import { TransportHealth } from './transport-health.js';

type SmtpTransporter = Transporter<SMTPTransport.SentMessageInfo>;

const DEV_MAILBOX_SENDER = 'tayori@localhost';

/**
 * Delivers the outbox. Any number of workers (in `tayori serve` or `tayori worker`, on any
 * instance) can run at once: each claims due mails under a lease, sends them over a pooled
 * connection, and records each result only while it still holds the lease.
 */
export class OutboxWorker {
  readonly owner = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  private running = false;
  /** Set by stop(): sends under way finish, nothing new is claimed. */
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pausedUntil = 0;
  private transportFailures = 0;
  private transport: { key: string; transporter: SmtpTransporter } | null = null;
  readonly health: TransportHealth;

  constructor(private readonly ctx: AppContext) {
    this.health = new TransportHealth(ctx);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.runLoop();
  }

  /** Stops claiming, lets the sends under way finish, and closes the connections. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    this.running = false;
    this.transport?.transporter.close();
    this.transport = null;
  }

  /** Something was enqueued: look now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  private async runLoop(): Promise<void> {
    while (!this.stopping) {
      let delivered = 0;
      try {
        delivered = await this.deliverDueMails();
      } catch (error) {
        this.ctx.log.error({ err: error }, 'outbox worker pass failed');
      }
      if (delivered === 0 && !this.stopping) await this.sleep(this.nextWaitMs());
    }
  }

  private nextWaitMs(): number {
    const pause = this.pausedUntil - this.ctx.clock.now().getTime();
    return pause > 0 ? Math.min(pause, this.ctx.config.outbox.pollMs * 10) : this.ctx.config.outbox.pollMs;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * One pass: claims and sends until nothing is due, the transport fails, or the worker stops.
   * Returns how many mails reached a final or retry state.
   */
  async deliverDueMails(): Promise<number> {
    if (this.ctx.clock.now().getTime() < this.pausedUntil) return 0;
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
    const transporter = this.transporterFor(resolution.target);
    const processed = await this.sendClaimed(resolution.target, transporter);
    return this.transportFailures > 0 ? processed + (await this.deliverAlertsViaFallback(resolution.target)) : processed;
  }

  /**
   * While the configured transport fails, the admins' alert still has a way out when the
   * managed relay or the dev mailbox is available (SPEC §2.5); otherwise it waits with the rest.
   */
  private async deliverAlertsViaFallback(failing: SmtpTarget | null): Promise<number> {
    const fallback = fallbackAlertTarget(this.ctx, failing);
    if (!fallback) return 0;
    const alerts = await this.claim(this.ctx.config.outbox.batchSize, 'alert');
    if (alerts.length === 0) return 0;
    const transporter = createSmtpTransport(this.ctx, fallback, { pool: false });
    const sent = new SentRecorder(this.ctx, this.owner);
    try {
      for (const row of alerts) await this.deliverOne(row, fallback, transporter, sent);
    } finally {
      transporter.close();
      await sent.flush();
    }
    return alerts.length;
  }

  private transporterFor(target: SmtpTarget): SmtpTransporter {
    const key = JSON.stringify(target);
    if (this.transport?.key !== key) {
      this.transport?.transporter.close();
      const transporter = createSmtpTransport(this.ctx, target, {
        pool: true,
        maxConnections: this.ctx.config.outbox.concurrency,
      });
      this.transport = { key, transporter };
    }
    return this.transport.transporter;
  }

  /** Keeps `concurrency` sends in flight, refilling the local queue before it runs dry. */
  private async sendClaimed(target: SmtpTarget, transporter: SmtpTransporter): Promise<number> {
    const { batchSize, concurrency } = this.ctx.config.outbox;
    const queue: OutboxRow[] = [];
    let exhausted = false;
    let refilling: Promise<void> | null = null;
    let transportFault: DeliveryFault | null = null;
    let processed = 0;
    const sent = new SentRecorder(this.ctx, this.owner);

    const refill = async () => {
      const rows = await this.claim(batchSize);
      if (rows.length === 0) exhausted = true;
      queue.push(...rows);
    };
    const lane = async () => {
      for (;;) {
        if (!exhausted && !refilling && !transportFault && !this.stopping && queue.length <= concurrency) {
          refilling = refill().finally(() => {
            refilling = null;
          });
        }
        if (queue.length === 0 && refilling) await refilling;
        const row = queue.shift();
        if (!row) return;
        if (transportFault || this.stopping) {
          await requeue(this.ctx.db, { id: row.id, owner: this.owner }, { nextAttemptAt: row.next_attempt_at, countAttempt: false });
          continue;
        }
        const fault = await this.deliverOne(row, target, transporter, sent);
        if (fault) transportFault = fault;
        processed++;
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, lane));
    } finally {
      await sent.flush();
    }

    if (transportFault) await this.transportDown(transportFault);
    else if (processed > 0) await this.transportUp();
    return processed;
  }

  private claim(limit: number, onlyKind?: MailKind): Promise<OutboxRow[]> {
    const now = this.ctx.clock.now();
    return claimDueMails(this.ctx.db, this.ctx.database.dialect, {
      owner: this.owner,
      nowIso: now.toISOString(),
      leaseExpiresAt: new Date(now.getTime() + this.ctx.config.outbox.leaseMs).toISOString(),
      limit,
      onlyKind,
    });
  }

  /** Sends one mail and records the outcome; returns the fault when the whole transport is failing. */
  private async deliverOne(
    row: OutboxRow,
    target: SmtpTarget,
    transporter: SmtpTransporter,
    sent: SentRecorder,
  ): Promise<DeliveryFault | null> {
    try {
      const info = await transporter.sendMail(composeMail(row, target.from));
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length === 0) {
        await sent.add(row.id);
        return null;
      }
      const note = storeMessage('mail.partially_rejected', { addresses: rejected.join(', ') }, info.rejectedErrors?.[0]?.message ?? null);
      await markSent(this.ctx.db, { ids: [row.id], owner: this.owner }, this.ctx.clock.now().toISOString(), note);
      return null;
    } catch (error) {
      const fault = classifySmtpError(error);
      await this.recordFailure(row, fault);
      return fault.scope === 'transport' ? fault : null;
    }
  }

  private async recordFailure(row: OutboxRow, fault: DeliveryFault): Promise<void> {
    const mail = { id: row.id, owner: this.owner };
    const now = this.ctx.clock.now();
    const stored = storeFault(fault);
    if (fault.scope === 'permanent') {
      await markFailed(this.ctx.db, mail, now.toISOString(), stored);
      return;
    }
    const delay =
      fault.scope === 'transport'
        ? retryDelayMs(this.transportFailures + 1, this.ctx.config.outbox)
        : retryDelayMs(row.attempts, this.ctx.config.outbox);
    const nextAttemptAt = new Date(now.getTime() + delay);
    if (nextAttemptAt.toISOString() > row.expires_at) {
      const hours = Math.round(this.ctx.config.outbox.retryWindowMs / 3_600_000);
      const expired = storeMessage('mail.expired', { hours, reason: fault.reply ?? fault.code }, fault.reply ?? null);
      await markFailed(this.ctx.db, mail, now.toISOString(), expired);
      return;
    }
    await requeue(this.ctx.db, mail, {
      nextAttemptAt: nextAttemptAt.toISOString(),
      error: stored,
      countAttempt: fault.scope !== 'transport',
    });
  }

  private async transportDown(fault: DeliveryFault): Promise<void> {
    this.transportFailures++;
    this.pausedUntil = this.ctx.clock.now().getTime() + retryDelayMs(this.transportFailures, this.ctx.config.outbox);
    await this.health.failing(fault);
  }

  private async transportUp(): Promise<void> {
    this.transportFailures = 0;
    this.pausedUntil = 0;
    await this.health.working();
  }
}

function fallbackAlertTarget(ctx: AppContext, failing: SmtpTarget | null): SmtpTarget | null {
  const candidates: SmtpTarget[] = [];
  if (ctx.config.managedRelay) candidates.push(managedRelayTarget(ctx.config.managedRelay));
  if (ctx.config.devMailbox.enabled) {
    candidates.push({
      via: 'smtp',
      host: '127.0.0.1',
      port: ctx.config.devMailbox.port,
      security: 'none',
      auth: null,
      rejectUnauthorized: true,
      from: failing?.from ?? DEV_MAILBOX_SENDER,
    });
  }
  return candidates.find((c) => !failing || c.host !== failing.host || c.port !== failing.port) ?? null;
}

/**
 * The nodemailer message of an outbox row, from the configured sender. Internationalised
 * domains stay in Unicode: nodemailer sends them as punycode to servers without SMTPUTF8.
 */
export function composeMail(row: OutboxRow, from: string) {
  const message: OutgoingMessage = JSON.parse(row.message);
  return {
    from,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: row.message_id,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      encoding: 'base64',
    })),
  };
}
