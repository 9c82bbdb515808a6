import { type RunOutcome, THREAD_KINDS, type ThreadKind } from '../../contracts/monitoring.js';
import type { ThreadKindSettings } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { newId } from '../ids.js';
import { assertLeaseHeld, type HeldLease } from '../leases/lease.js';
import { getOrganisation } from '../organisation/organisation.service.js';
import { enqueueMail } from '../outbox/enqueue.js';
import { readMailSettings } from '../settings/mail-settings.record.js';
import { composeDigest, type DigestEntry, type DigestSetting } from './digest-mail.js';
import { insertDigest, insertLook } from './monitor.repository.js';
import {
  findLongRunningCandidates,
  markHeartbeatsLost,
  markLongRunningSeen,
  markNotices,
  NOTICE_NOT_REPORTED,
  NOTICE_SUPPRESSED,
  type RunRow,
  takeUnseenOutcomes,
} from './runs.repository.js';

export interface LookSummary {
  lookId: string;
  at: string;
  /** Runs reported per kind, for the kinds that got a digest. */
  digests: Partial<Record<ThreadKind, number>>;
}

/** Which notices of a kind go into its digest: none while the kind is 無効. */
interface Watched {
  outcomes: RunOutcome[];
  longRunning: boolean;
  longRunningMs: number;
}

type MonitorTiming = AppContext['config']['monitor'];

/** Whether a run of the kind that ends so is to be reported: the kind 有効 and the outcome checked. */
export const reportsOutcome = (kind: ThreadKindSettings, outcome: RunOutcome) => kind.enabled && (outcome === 'failed' ? kind.abnormalEnd : kind.normalEnd);

function watchedOf(kind: ThreadKindSettings, timing: MonitorTiming): Watched {
  return {
    outcomes: (['failed', 'succeeded'] as const).filter((outcome) => reportsOutcome(kind, outcome)),
    longRunning: kind.enabled && kind.longRunning,
    longRunningMs: kind.longRunningHours * 60 * timing.minuteMs,
  };
}

const before = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

/**
 * One look of the monitor, in one transaction under the leader's lease: for each kind, settles
 * every run event not yet dealt with and writes at most one digest of what is watched. A run is
 * marked in the same transaction that writes the digest listing it, so an event committed late,
 * a restart or a gap in looks never loses or repeats it; no time cursor is involved.
 */
export function lookOnce(ctx: AppContext, lease: HeldLease, now: Date): Promise<LookSummary> {
  const nowIso = now.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    // First, before anything is written: a former leader whose lease is gone writes nothing.
    await assertLeaseHeld(trx, lease, now);
    const { settings } = await readMailSettings(trx);
    const organisation = await getOrganisation(trx);
    const look: LookSummary = { lookId: newId(), at: nowIso, digests: {} };
    await insertLook(trx, { id: look.lookId, at: nowIso, owner: lease.owner, fencing_token: lease.fencingToken });

    for (const kind of THREAD_KINDS) {
      const kindSettings = settings.monitoring.kinds[kind];
      const entries = await settleKind(ctx, trx, kind, watchedOf(kindSettings, ctx.config.monitor), now);
      if (entries.length === 0) continue;
      // A run that ended while watched, after which every kind was switched off and the addresses
      // cleared: a digest to nobody failed in the delivery log, and the run read メールで通知済み.
      if (settings.monitoring.recipients.length === 0) {
        await markNotices(trx, listedIn(entries), NOTICE_NOT_REPORTED);
        continue;
      }
      const setting: DigestSetting = {
        kind,
        recipients: settings.monitoring.recipients,
        longRunningHours: kindSettings.longRunningHours,
        locale: organisation.defaultLocale,
        timeZone: organisation.timeZone,
        now,
      };
      const mail = await enqueueMail(ctx, trx, composeDigest(setting, entries), { kind: 'monitor' });
      if (mail.state === 'suppressed') await markNotices(trx, listedIn(entries), NOTICE_SUPPRESSED);
      await insertDigest(trx, { mail_id: mail.id, look_id: look.lookId, kind, at: nowIso, runs: entries.length });
      look.digests[kind] = entries.length;
    }
    return look;
  });
}

/** Marks every pending event of the kind and returns those its digest reports. */
async function settleKind(ctx: AppContext, trx: Database, kind: ThreadKind, watched: Watched, now: Date): Promise<DigestEntry[]> {
  const nowIso = now.toISOString();
  const silentSince = before(now, ctx.config.monitor.heartbeatLossMinutes * ctx.config.monitor.minuteMs);
  await markHeartbeatsLost(trx, kind, silentSince, nowIso);
  const longRunning = await settleLongRunning(trx, kind, watched, now);
  const ended = await takeUnseenOutcomes(trx, kind, nowIso, watched.outcomes);

  const reportedEnds = ended.filter((run) => run.outcome_reported === 1);
  return [
    ...inStartOrder(reportedEnds.filter((run) => run.outcome === 'failed')).map((run) => ({ notice: 'failed' as const, run })),
    ...(watched.longRunning ? longRunning : []),
    ...inStartOrder(reportedEnds.filter((run) => run.outcome === 'succeeded')).map((run) => ({ notice: 'succeeded' as const, run })),
  ];
}

/**
 * 長時間, once per run: runs of the kind that passed its threshold — still running now, or having
 * ended after the threshold while no look came (downtime). While 長時間 is not watched, a run that
 * has ended is marked seen silently, so turning 長時間 on later does not report old runs by
 * surprise; one still running is left for a look that watches, so turning it on because a job
 * hangs reports that job (before, it was marked seen and never reported). Runs whose heartbeats were just
 * found lost are settled first: one of them passed the threshold only if it still heartbeated
 * after it, and is never listed as still running beside its own 異常終了.
 */
async function settleLongRunning(trx: Database, kind: ThreadKind, watched: Watched, now: Date): Promise<DigestEntry[]> {
  const candidates = await findLongRunningCandidates(trx, kind, before(now, watched.longRunningMs));
  const lastSignOfLife = (run: (typeof candidates)[number]) =>
    run.ended_at ?? (run.heartbeat_lost_at === null ? null : (run.last_heartbeat_at ?? run.started_at));
  const passed = candidates.filter((run) => {
    const lastSeen = lastSignOfLife(run);
    return lastSeen === null || Date.parse(lastSeen) - Date.parse(run.started_at) >= watched.longRunningMs;
  });
  const settled = watched.longRunning ? passed : passed.filter((run) => lastSignOfLife(run) !== null);
  const marked = await markLongRunningSeen(trx, settled.map((run) => run.id), now.toISOString(), watched.longRunning);
  return inStartOrder(marked).map((run) => ({
    notice: 'long-running',
    run,
    crossedAt: new Date(Date.parse(run.started_at) + watched.longRunningMs),
  }));
}

const listedIn = (entries: DigestEntry[]) => ({
  outcomes: entries.filter((entry) => entry.notice !== 'long-running').map((entry) => entry.run.id),
  longRunning: entries.filter((entry) => entry.notice === 'long-running').map((entry) => entry.run.id),
});

const inStartOrder = (runs: RunRow[]) =>
  [...runs].sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
