import { type ExpressionBuilder, type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { AccountLockoutsTable, DB, LockoutPolicyTable } from '../db/schema.js';

export type AccountLockoutRow = Selectable<AccountLockoutsTable>;
export type LockoutPolicyRow = Selectable<LockoutPolicyTable>;

const POLICY_ID = 1;

export function findLockoutPolicyRow(db: Database): Promise<LockoutPolicyRow | undefined> {
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

export function findAccountLockout(db: Database, userId: string): Promise<AccountLockoutRow | undefined> {
  return db.selectFrom('account_lockouts').selectAll().where('user_id', '=', userId).executeTakeFirst();
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
  /** Failures at or before this time no longer count (the counting window). */
  countAfter: string;
  threshold: number;
  /** When a suspension this failure causes ends; null: 無期限. */
  resumesAt: string | null;
  ip: string | null;
}

interface StateBefore {
  count: RawBuilder<number>;
  lastFailureAt: RawBuilder<string | null>;
  suspendedAt: RawBuilder<string | null>;
  resumesAt: RawBuilder<string | null>;
  suspensionFailures: RawBuilder<number | null>;
}

const existing = <T>(column: keyof AccountLockoutsTable) => sql<T>`${sql.ref(`account_lockouts.${column}`)}`;

const EXISTING_ACCOUNT: StateBefore = {
  count: existing('failure_count'),
  lastFailureAt: existing('last_failure_at'),
  suspendedAt: existing('suspended_at'),
  resumesAt: existing('resumes_at'),
  suspensionFailures: existing('suspension_failures'),
};

/** An account that never failed: typed NULLs, because PostgreSQL cannot guess the type of a bare one. */
const UNTOUCHED_ACCOUNT: StateBefore = {
  count: sql<number>`0`,
  lastFailureAt: sql<null>`cast(null as text)`,
  suspendedAt: sql<null>`cast(null as text)`,
  resumesAt: sql<null>`cast(null as text)`,
  suspensionFailures: sql<null>`cast(null as integer)`,
};

/**
 * The row a failure leaves behind, written as SQL over the row before it, so the database
 * applies the whole rule in the statement that takes the row's lock: the count restarts at 1
 * when the last failure is outside the window, else grows by one; reaching the threshold
 * suspends the account and resets the count.
 */
function afterFailure(before: StateBefore, failure: LoginFailure) {
  const counted = sql<number>`(case when ${before.lastFailureAt} > ${failure.countAfter} then ${before.count} + 1 else 1 end)`;
  const reached = sql<boolean>`${counted} >= ${failure.threshold}`;
  return {
    failure_count: sql<number>`case when ${reached} then 0 else ${counted} end`,
    last_failure_at: failure.at,
    last_ip: failure.ip,
    suspended_at: sql<string | null>`case when ${reached} then ${failure.at} else ${before.suspendedAt} end`,
    resumes_at: sql<string | null>`case when ${reached} then ${failure.resumesAt} else ${before.resumesAt} end`,
    suspension_failures: sql<number | null>`case when ${reached} then ${counted} else ${before.suspensionFailures} end`,
  };
}

/**
 * Counts one failed login in one atomic statement (correct with any number of instances): an
 * upsert whose update applies only while the account is not suspended. Returns the row after
 * the failure, or undefined when the account was already suspended and nothing was counted.
 */
export function recordLoginFailure(db: Database, failure: LoginFailure): Promise<AccountLockoutRow | undefined> {
  return db
    .insertInto('account_lockouts')
    .values({ user_id: failure.userId, ...afterFailure(UNTOUCHED_ACCOUNT, failure) })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet(afterFailure(EXISTING_ACCOUNT, failure))
        .where((eb) => eb.not(suspendedAt(eb, failure.at))),
    )
    .returningAll()
    .executeTakeFirst();
}

/** A successful login resets the count; the row returned tells whether a suspension began meanwhile. */
export function resetFailureCount(db: Database, userId: string): Promise<AccountLockoutRow | undefined> {
  return db.updateTable('account_lockouts').set({ failure_count: 0 }).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

/** Ends a suspension in force by moving its end to now, and resets the count; undefined when none was in force. */
export function liftSuspension(db: Database, userId: string, nowIso: string): Promise<AccountLockoutRow | undefined> {
  return db
    .updateTable('account_lockouts')
    .set({ resumes_at: nowIso, failure_count: 0 })
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
