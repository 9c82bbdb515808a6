import { type Expression, type ExpressionBuilder, type Insertable, type Selectable, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { reusableQuery } from '../db/reusable-query.js';
import type { AccountLockoutsTable, DB, LockoutPolicyTable } from '../db/schema.js';
import { foldLoginId, loginIdFoldsTo, type UserRow } from './users.repository.js';

export type AccountLockoutRow = Selectable<AccountLockoutsTable>;
export type LockoutPolicyRow = Selectable<LockoutPolicyTable>;
export type Suspension = Pick<AccountLockoutRow, 'suspended_at' | 'resumes_at'>;
export type PolicyColumns = Pick<LockoutPolicyRow, 'threshold' | 'window_minutes' | 'duration_minutes' | 'version'>;

const POLICY_ID = 1;

export function findLockoutPolicyRow(db: Database): Promise<PolicyColumns | undefined> {
  return db.selectFrom('lockout_policy').selectAll().where('id', '=', POLICY_ID).executeTakeFirst();
}

/** Writes the policy if it is still at `expectedVersion` (0: never saved); false when another save came first. */
export async function writeLockoutPolicyRow(
  db: Database,
  expectedVersion: number,
  policy: Omit<Insertable<LockoutPolicyTable>, 'id'>,
): Promise<boolean> {
  if (expectedVersion === 0) {
    const inserted = await db
      .insertInto('lockout_policy')
      .values({ id: POLICY_ID, ...policy })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
  const updated = await db
    .updateTable('lockout_policy')
    .set(policy)
    .where('id', '=', POLICY_ID)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** What a login attempt needs to know about the account it names. */
export interface LoginAccount {
  user: UserRow;
  suspension: Suspension;
  /** undefined while the policy was never saved. */
  policy: PolicyColumns | undefined;
}

/**
 * The account a login names, its suspension and the lockout policy, in one query: a login
 * refused for a suspension reads nothing else, and a failure counts without reading more.
 */
const selectAccountForLogin = reusableQuery((db: Database, foldedLoginId: string) =>
  db
    .selectFrom('users')
    .leftJoin('account_lockouts', 'account_lockouts.user_id', 'users.id')
    .leftJoin('lockout_policy', (join) => join.on('lockout_policy.id', '=', POLICY_ID))
    .selectAll('users')
    .select(['account_lockouts.suspended_at', 'account_lockouts.resumes_at'])
    .select(['lockout_policy.threshold', 'lockout_policy.window_minutes', 'lockout_policy.duration_minutes', 'lockout_policy.version'])
    .where((eb) => loginIdFoldsTo(eb, foldedLoginId)),
);

export async function findAccountForLogin(db: Database, loginId: string): Promise<LoginAccount | undefined> {
  const [row] = (await selectAccountForLogin(db, foldLoginId(loginId))).rows;
  if (!row) return undefined;
  const { suspended_at, resumes_at, threshold, window_minutes, duration_minutes, version, ...user } = row;
  const policy = threshold === null || window_minutes === null || version === null ? undefined : { threshold, window_minutes, duration_minutes, version };
  return { user, suspension: { suspended_at, resumes_at }, policy };
}

/** A suspension is in force from suspended_at until resumes_at; without resumes_at (無期限) until lifted. */
function suspendedAt(eb: ExpressionBuilder<DB, 'account_lockouts'>, nowIso: string) {
  return eb.and([
    eb('account_lockouts.suspended_at', 'is not', null),
    eb.or([eb('account_lockouts.resumes_at', 'is', null), eb('account_lockouts.resumes_at', '>', nowIso)]),
  ]);
}

export interface LoginFailure {
  userId: string;
  at: string;
  /** Failures that began at or before this time no longer count (the counting window). */
  countAfter: string;
  threshold: number;
  /** neededWidthFor(threshold), worked out before the statement (a reusable statement takes no arithmetic on its arguments). */
  neededWidth: number;
  /** When a suspension this failure causes ends; null: 無期限. */
  resumesAt: string | null;
  ip: string | null;
}

const before = <T>(column: keyof AccountLockoutsTable) => sql<T>`${sql.ref(`account_lockouts.${column}`)}`;

/** A failure's time as kept in `recent_failures`: `toISOString()`, always this wide. */
const TIME_WIDTH = 24;
/** The most earlier failures any threshold needs (the largest threshold is 100). */
const REMEMBERED_WIDTH = 99 * TIME_WIDTH;

/** How much of `recent_failures` a threshold reads: the times of the (threshold − 1) failures before this one. */
export const neededWidthFor = (threshold: number) => Math.max(0, threshold - 1) * TIME_WIDTH;

/**
 * Whether this failure reaches the threshold: with it, `threshold` failures fall inside the
 * counting window, which ends now and began `windowMinutes` ago (a failure exactly that old no
 * longer counts). So the (threshold − 1)th failure before this one is younger than the window.
 */
const reachesThreshold = (failure: LoginFailure) => {
  const recent = before<string>('recent_failures');
  return sql<boolean>`(${failure.threshold} <= 1 or (length(${recent}) >= ${failure.neededWidth} and substr(${recent}, length(${recent}) - ${failure.neededWidth} + 1, ${sql.lit(TIME_WIDTH)}) > ${failure.countAfter}))`;
};

/** The latest times with this failure's, the oldest dropped beyond what any threshold reads. */
const rememberedWith = (failure: LoginFailure) => {
  const all = sql<string>`(${before('recent_failures')} || ${failure.at})`;
  return sql<string>`(case when length(${all}) > ${sql.lit(REMEMBERED_WIDTH)} then substr(${all}, length(${all}) - ${sql.lit(REMEMBERED_WIDTH - 1)}) else ${all} end)`;
};

/**
 * The row a failure leaves behind, as SQL over the row before it, so the database applies the
 * whole rule in the statement that holds the row's lock: reaching the threshold suspends the
 * account and resets the count.
 */
function afterFailureOfExistingRow(failure: LoginFailure) {
  const reached = reachesThreshold(failure);
  const counted = sql<number>`${before('failure_count')} + 1`;
  return {
    failure_count: sql<number>`case when ${reached} then 0 else ${counted} end`,
    first_failure_at: sql<string>`case when ${before('failure_count')} = 0 then ${failure.at} else ${before('first_failure_at')} end`,
    recent_failures: sql<string>`case when ${reached} then '' else ${rememberedWith(failure)} end`,
    last_failure_at: failure.at,
    last_ip: failure.ip,
    suspended_at: sql<string | null>`case when ${reached} then ${failure.at} else ${before('suspended_at')} end`,
    resumes_at: sql<string | null>`case when ${reached} then ${failure.resumesAt} else ${before('resumes_at')} end`,
    // The failures inside the window that suspended it: the threshold (more only if it was lowered meanwhile).
    suspension_failures: sql<number | null>`case when ${reached} then ${failure.threshold} else ${before('suspension_failures')} end`,
  };
}

/** The same rule for an account that has no row yet: its first failure counts 1. */
function afterFirstFailure(failure: LoginFailure, reached = 1 >= failure.threshold): Insertable<AccountLockoutsTable> {
  return {
    user_id: failure.userId,
    failure_count: reached ? 0 : 1,
    first_failure_at: failure.at,
    recent_failures: reached ? '' : failure.at,
    last_failure_at: failure.at,
    last_ip: failure.ip,
    suspended_at: reached ? failure.at : null,
    resumes_at: reached ? failure.resumesAt : null,
    suspension_failures: reached ? 1 : null,
  };
}

/** The counting upsert; an existing row is updated only where `counts` holds. */
function upsertFailure(
  db: Database,
  failure: LoginFailure,
  firstRow: Insertable<AccountLockoutsTable>,
  counts: (eb: ExpressionBuilder<DB, 'account_lockouts'>) => Expression<SqlBool>,
) {
  return db
    .insertInto('account_lockouts')
    .values(firstRow)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(afterFailureOfExistingRow(failure)).where(counts));
}

/**
 * Counts one failed login in one atomic statement (correct with any number of instances): an
 * upsert whose update applies only while the account is not suspended. Returns the row after
 * the failure, or undefined when the account was already suspended and nothing was counted.
 */
export function recordLoginFailure(db: Database, failure: LoginFailure): Promise<AccountLockoutRow | undefined> {
  return upsertFailure(db, failure, afterFirstFailure(failure), (eb) => eb.not(suspendedAt(eb, failure.at)))
    .returningAll()
    .executeTakeFirst();
}

const upsertFailureShortOfThreshold = reusableQuery(
  (db: Database, userId: string, at: string, countAfter: string, threshold: number, neededWidth: number, resumesAt: string | null, ip: string | null) => {
    const failure = { userId, at, countAfter, threshold, neededWidth, resumesAt, ip };
    return upsertFailure(db, failure, afterFirstFailure(failure, false), (eb) => eb.and([eb.not(suspendedAt(eb, at)), eb.not(reachesThreshold(failure))]));
  },
);

/**
 * The same count in the same single statement, written only where it cannot suspend the
 * account: false (nothing written) when this failure would reach the threshold or the account
 * is suspended. Such a count never writes mail, so it needs no transaction.
 */
export async function recordLoginFailureShortOfThreshold(db: Database, failure: LoginFailure): Promise<boolean> {
  if (failure.threshold <= 1) return false;
  const { userId, at, countAfter, threshold, neededWidth, resumesAt, ip } = failure;
  const result = await upsertFailureShortOfThreshold(db, userId, at, countAfter, threshold, neededWidth, resumesAt, ip);
  return result.numAffectedRows === 1n;
}

/** A successful login resets the count; the row returned tells whether a suspension began meanwhile. */
export function resetFailureCount(db: Database, userId: string): Promise<AccountLockoutRow | undefined> {
  return db.updateTable('account_lockouts').set({ failure_count: 0, recent_failures: '' }).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

/** Ends a suspension in force by moving its end to now, and resets the count; undefined when none was in force. */
export function liftSuspension(db: Database, userId: string, nowIso: string): Promise<AccountLockoutRow | undefined> {
  return db
    .updateTable('account_lockouts')
    .set({ resumes_at: nowIso, failure_count: 0, recent_failures: '' })
    .where('user_id', '=', userId)
    .where((eb) => suspendedAt(eb, nowIso))
    .returningAll()
    .executeTakeFirst();
}

export function listSuspendedAccounts(db: Database, nowIso: string) {
  return db
    .selectFrom('account_lockouts')
    .innerJoin('users', 'users.id', 'account_lockouts.user_id')
    .select([
      'users.id as user_id',
      'users.login_id',
      'users.display_name',
      'account_lockouts.suspended_at',
      'account_lockouts.resumes_at',
      'account_lockouts.suspension_failures',
      'account_lockouts.last_ip',
    ])
    .where((eb) => suspendedAt(eb, nowIso))
    .orderBy('account_lockouts.suspended_at', 'desc')
    .orderBy('users.login_id')
    .execute();
}
