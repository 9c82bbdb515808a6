import {
  DEFAULT_LOCKOUT_POLICY,
  type LockoutPolicyForm,
  type LockoutPolicyView,
  type SuspensionView,
  suspensionList,
} from '../../contracts/lockout.js';
import { type Actor, diffForAudit, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { AppError, conflict } from '../errors.js';
import { metrics } from '../metrics/registry.js';
import { getOrganisation } from '../organisation/organisation.service.js';
import { enqueueMails } from '../outbox/enqueue.js';
import { readMailSettings } from '../settings/mail-settings.record.js';
import {
  type AccountLockoutRow,
  findLockoutPolicyRow,
  liftSuspension as liftSuspensionRow,
  listSuspendedAccounts,
  type LoginAccount,
  type LoginFailure,
  type PolicyColumns,
  recordLoginFailure,
  recordLoginFailureShortOfThreshold,
  neededWidthFor,
  resetFailureCount,
  type Suspension,
  writeLockoutPolicyRow,
} from './lockout.repository.js';
import { type SuspensionFacts, suspensionMailCopy, suspensionMailToUser } from './suspension-mail.js';
import { verifyPassword } from './passwords.js';
import { findUserById, findUserByLoginId, readersByAddress, type UserRow } from './users.repository.js';

const MINUTE_MS = 60_000;

/** The saved policy; SPEC §3's defaults (version 0) while nothing was saved. */
export async function getLockoutPolicy(db: Database): Promise<LockoutPolicyView> {
  return policyOf(await findLockoutPolicyRow(db));
}

function policyOf(row: PolicyColumns | undefined): LockoutPolicyView {
  if (!row) return { ...DEFAULT_LOCKOUT_POLICY, version: 0 };
  return { threshold: row.threshold, windowMinutes: row.window_minutes, durationMinutes: row.duration_minutes, version: row.version };
}

/** PUT /api/settings/lockout: saved if nobody saved since `version` was read, audited. */
export async function saveLockoutPolicy(ctx: AppContext, actor: Actor, form: LockoutPolicyForm): Promise<LockoutPolicyView> {
  return ctx.db.transaction().execute(async (trx) => {
    const { version, ...before } = await getLockoutPolicy(trx);
    if (form.version !== undefined && form.version !== version) throw conflict();
    const after = { threshold: form.threshold, windowMinutes: form.windowMinutes, durationMinutes: form.durationMinutes };
    const written = await writeLockoutPolicyRow(trx, version, {
      threshold: after.threshold,
      window_minutes: after.windowMinutes,
      duration_minutes: after.durationMinutes,
      version: version + 1,
      updated_at: ctx.clock.now().toISOString(),
      updated_by: actor.userId ?? actor.login,
    });
    if (!written) throw conflict();
    await recordAudit(trx, ctx.clock, actor, 'settings.lockout.update', 'lockout_policy', { changes: diffForAudit(before, after) });
    return { ...after, version: version + 1 };
  });
}

/** Whether a suspension is in force at `now` (the same rule as the repository's SQL). */
export function isSuspended(suspension: Suspension | undefined, now: Date): boolean {
  if (!suspension?.suspended_at) return false;
  return suspension.resumes_at === null || suspension.resumes_at > now.toISOString();
}

function failureAt(now: Date, { user, policy: policyRow }: LoginAccount, ip: string | null): LoginFailure {
  const policy = policyOf(policyRow);
  return {
    userId: user.id,
    at: now.toISOString(),
    countAfter: new Date(now.getTime() - policy.windowMinutes * MINUTE_MS).toISOString(),
    threshold: policy.threshold,
    neededWidth: neededWidthFor(policy.threshold),
    resumesAt: policy.durationMinutes === null ? null : resumptionAfter(now, policy.durationMinutes),
    ip,
  };
}

/**
 * The end of a suspension, on a whole minute: the mail and the screen state 再開日時 to the
 * minute, so a suspension that ended seconds after the time they show refused the user who
 * came back at that time.
 */
function resumptionAfter(suspendedAt: Date, durationMinutes: number): string {
  const end = suspendedAt.getTime() + durationMinutes * MINUTE_MS;
  return new Date(Math.ceil(end / MINUTE_MS) * MINUTE_MS).toISOString();
}

/**
 * Checks an account's password, counting a wrong one toward アカウント停止 as a failed login
 * (SPEC §3), whoever asks: the login and the current password of a password change. `counts`
 * false (an inactive account) checks without counting. Only an attempt whose password proved
 * wrong is counted: counted on arrival, a correct password still being checked swelled the count
 * that a concurrent wrong one then found at the threshold, and suspended the account (4 of 10
 * trials of three wrong, then one right and one wrong at once). A failure that cannot suspend is
 * one statement; the one that reaches the threshold is recordFailedLogin's transaction. The
 * right password resets the count, and is refused after all if a suspension began meanwhile.
 */
export async function passwordAccepted(ctx: AppContext, account: LoginAccount, password: string, ip: string | null, counts = true): Promise<boolean> {
  if (await verifyPassword(account.user.password_hash, password)) return !counts || acceptSuccessfulLogin(ctx, account.user.id);
  if (counts && !(await recordLoginFailureShortOfThreshold(ctx.db, failureAt(ctx.clock.now(), account, ip)))) {
    await recordFailedLogin(ctx, account, ip);
  }
  return false;
}

/**
 * Counts a failed login. The failure that suspends the account writes, in the same
 * transaction, the mail to the user and a copy to each suspension recipient (SPEC §3), so a
 * suspension and its mails exist together or not at all, once per suspension.
 */
async function recordFailedLogin(ctx: AppContext, account: LoginAccount, ip: string | null): Promise<void> {
  const now = ctx.clock.now();
  const suspended = await ctx.db.transaction().execute(async (trx) => {
    // The counting statement comes first, so on SQLite the transaction takes the write lock at once.
    const after = await recordLoginFailure(trx, failureAt(now, account, ip));
    // The statement changes nothing while a suspension is in force, so one in force now began with it.
    if (!after || !isSuspended(after, now)) return false;
    await announceSuspension(ctx, trx, account.user, after);
    return true;
  });
  if (suspended) metrics.suspensions.inc();
}

async function announceSuspension(ctx: AppContext, trx: Database, user: UserRow, lockout: AccountLockoutRow): Promise<void> {
  const facts: SuspensionFacts = {
    displayName: user.display_name,
    loginId: user.login_id,
    suspendedAt: new Date(lockout.suspended_at!),
    resumesAt: lockout.resumes_at ? new Date(lockout.resumes_at) : null,
    failures: lockout.suspension_failures ?? 0,
    ip: lockout.last_ip,
    userMailed: user.email !== null,
  };
  const { settings } = await readMailSettings(trx);
  const organisation = await getOrganisation(trx);
  const toUser = user.email ? [suspensionMailToUser(facts, { address: user.email, locale: user.locale, timeZone: user.time_zone })] : [];
  // A recipient who is one of the users reads the copy in their own language and zone (SPEC §3, §5).
  const readerOf = await readersByAddress(trx, settings.suspensionRecipients);
  const organisationReader = { locale: organisation.defaultLocale, timeZone: organisation.timeZone };
  const copies = settings.suspensionRecipients.map((address) => suspensionMailCopy(facts, { address, ...(readerOf(address) ?? organisationReader) }));
  // One statement for all of them: mail by mail, 100 recipients held the suspending login 0.1–0.6 s.
  await enqueueMails(ctx, trx, [...toUser, ...copies].map((message) => ({ message, options: { kind: 'suspension' as const } })));
  await recordAudit(trx, ctx.clock, { userId: null, login: 'system', ip: lockout.last_ip }, 'account.suspend', user.login_id, {
    failures: facts.failures,
    resumesAt: lockout.resumes_at,
  });
}

/**
 * A successful login resets the count. False when a suspension began while the password was
 * being checked: the login is refused like any other attempt during a suspension.
 */
export async function acceptSuccessfulLogin(ctx: AppContext, userId: string): Promise<boolean> {
  return !isSuspended(await resetFailureCount(ctx.db, userId), ctx.clock.now());
}

export async function listSuspensions(ctx: AppContext): Promise<SuspensionView[]> {
  const rows = await listSuspendedAccounts(ctx.db, ctx.clock.now().toISOString());
  return suspensionList.parse(
    rows.map((row) => ({
      userId: row.user_id,
      loginId: row.login_id,
      displayName: row.display_name,
      suspendedAt: row.suspended_at,
      resumesAt: row.resumes_at,
      failures: row.suspension_failures ?? 0,
      lastIp: row.last_ip,
    })),
  );
}

/** DELETE /api/suspensions/:userId: ends a suspension early, audited; 404 when none is in force. */
export async function liftSuspension(ctx: AppContext, actor: Actor, userId: string): Promise<void> {
  const user = await findUserById(ctx.db, userId);
  if (!user || !(await liftAudited(ctx, actor, user))) throw new AppError('lockout.not_suspended', 404);
}

/** `tayori admin unlock LOGIN_ID`: the way back in when every administrator is suspended. */
export async function unlockByLoginId(ctx: AppContext, actor: Actor, loginId: string): Promise<'lifted' | 'not_suspended' | 'no_such_user'> {
  const user = await findUserByLoginId(ctx.db, loginId);
  if (!user) return 'no_such_user';
  return (await liftAudited(ctx, actor, user)) ? 'lifted' : 'not_suspended';
}

function liftAudited(ctx: AppContext, actor: Actor, user: UserRow): Promise<boolean> {
  return ctx.db.transaction().execute((trx) => liftSuspensionInside(trx, ctx, actor, user));
}

/**
 * Lifts the user's suspension, if any, in the caller's transaction and audits it; `reason` says
 * why when it is not the lifting itself (an administrator set a new password).
 */
export async function liftSuspensionInside(trx: Database, ctx: Pick<AppContext, 'clock'>, actor: Actor, user: UserRow, reason?: 'password_set'): Promise<boolean> {
  const lifted = await liftSuspensionRow(trx, user.id, ctx.clock.now().toISOString());
  if (!lifted) return false;
  await recordAudit(trx, ctx.clock, actor, 'account.unlock', user.login_id, {
    suspendedAt: lifted.suspended_at,
    failures: lifted.suspension_failures,
    ...(reason ? { reason } : {}),
  });
  return true;
}
