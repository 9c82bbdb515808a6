import { hostname } from 'node:os';
import { type MonitorStatusView, THREAD_KINDS } from '../../contracts/monitoring.js';
import type { AppContext } from '../context.js';
import { newId } from '../ids.js';
import { acquireLease, type HeldLease, LeaseLostError, readLease, releaseLease, renewLease } from '../leases/lease.js';
import type { BackgroundService } from '../main.js';
import { readMailSettings } from '../settings/mail-settings.record.js';
import { metrics } from '../metrics/registry.js';
import { type LookSummary, lookOnce } from './look.js';
import { findLastDigest, findLastLook } from './monitor.repository.js';

export const MONITOR_LEASE = 'monitor';

/** [監視間隔] in milliseconds, read from the saved settings each time: a change applies from the next look. */
async function lookIntervalMs(ctx: AppContext): Promise<number> {
  const { settings } = await readMailSettings(ctx.db);
  return settings.monitoring.intervalMinutes * ctx.config.monitor.minuteMs;
}

/** When the next look is due: [監視間隔] after the last one, whoever made it; at once when there was none. */
async function nextLookAt(ctx: AppContext): Promise<Date | null> {
  const last = await findLastLook(ctx.db);
  return last ? new Date(Date.parse(last.at) + (await lookIntervalMs(ctx))) : null;
}

/**
 * The monitor of スレッド監視. Every instance runs one; the one holding the lease looks, every
 * [監視間隔] after the last look recorded in the database, so a new leader keeps the schedule.
 */
export class Monitor {
  readonly owner = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  private lease: HeldLease | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly ctx: AppContext) {}

  get isLeader(): boolean {
    return this.lease !== null;
  }

  /**
   * One beat: take or keep the lease, then look if a look is due. Returns the look made, if any.
   * A lease lost meanwhile is noticed at the latest inside the look's transaction, which then
   * writes nothing.
   */
  async tick(): Promise<LookSummary | null> {
    const now = this.ctx.clock.now();
    const { leaseMs } = this.ctx.config.monitor;
    // Renew while held; otherwise (never held, or lost) try to take it, which succeeds only once it is free.
    const renewed = this.lease && (await renewLease(this.ctx.db, this.lease, leaseMs, now));
    this.lease = renewed || (await acquireLease(this.ctx.db, { name: MONITOR_LEASE, owner: this.owner, ttlMs: leaseMs, now }));
    if (!this.lease) return null;
    const due = await nextLookAt(this.ctx);
    if (due && due > now) return null;
    try {
      const look = await lookOnce(this.ctx, this.lease, now);
      metrics.monitorLooks.inc();
      for (const kind of Object.keys(look.digests)) metrics.monitorDigests.inc({ kind });
      return look;
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      this.ctx.log.warn('the monitor lost its lease during a look; the look wrote nothing');
      this.lease = null;
      return null;
    }
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops beating and hands the lease over at once, so another instance need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.lease) await releaseLease(this.ctx.db, this.lease, this.ctx.clock.now());
    this.lease = null;
  }

  /** Often enough to renew the lease in time and to look soon after a look is due. */
  private beatMs(): number {
    const { leaseMs, minuteMs } = this.ctx.config.monitor;
    return Math.max(20, Math.min(leaseMs / 3, minuteMs));
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then((look) => {
          if (look && Object.keys(look.digests).length > 0) this.ctx.log.info({ digests: look.digests }, 'monitor digests written');
        })
        .catch((error: unknown) => this.ctx.log.error({ err: error }, 'monitor look failed'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.beatMs());
        });
    }, delayMs);
  }
}

export async function startMonitor(ctx: AppContext): Promise<BackgroundService> {
  const monitor = new Monitor(ctx);
  monitor.start();
  return { name: 'monitor', stop: () => monitor.stop() };
}

/** GET /api/monitor: the last and next look, the leader, each kind's last digest. */
export async function monitorStatus(ctx: AppContext): Promise<MonitorStatusView> {
  const now = ctx.clock.now().toISOString();
  const [last, next, lease] = [await findLastLook(ctx.db), await nextLookAt(ctx), await readLease(ctx.db, MONITOR_LEASE)];
  const lastDigests = {} as MonitorStatusView['lastDigests'];
  for (const kind of THREAD_KINDS) {
    const digest = await findLastDigest(ctx.db, kind);
    lastDigests[kind] = digest ? { at: digest.at, runs: digest.runs, suppressed: digest.mail_state === 'suppressed' } : null;
  }
  return {
    lastLookAt: last?.at ?? null,
    nextLookAt: next?.toISOString() ?? null,
    leader: lease && lease.expires_at > now ? lease.owner : null,
    lastDigests,
  };
}
