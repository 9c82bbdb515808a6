import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { findAccountForLogin } from './lockout.repository.js';
import { isSuspended, passwordAccepted } from './lockout.service.js';
import { verifyAgainstDummy } from './passwords.js';
import { attemptStart, lastAsLongAsACheckedRefusal, rememberCheckedRefusal } from './refusal-timing.js';
import {
  deleteExpiredSessions,
  deleteSession,
  findSessionWithUser,
  insertSession,
  type SessionWithUser,
  touchSession,
} from './sessions.repository.js';
import type { UserRow } from './users.repository.js';

export const SESSION_COOKIE = 'tayori_session';

/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface NewSession {
  token: string;
  csrfToken: string;
  user: UserRow;
  expiresAt: string;
}

const loginFailed = () => new AppError('accounts.login_failed', 401);

/**
 * Checks a login ID and password, counting failures toward アカウント停止 (SPEC §3). One and the
 * same refusal, taking about the same time, for an unknown ID (checked against a dummy hash), a
 * wrong password, an inactive user and a suspended account (not checked: a timer waits instead).
 */
export async function authenticate(ctx: AppContext, loginId: string, password: string, client: { ip: string | null }): Promise<UserRow> {
  const startedAt = attemptStart();
  const account = await findAccountForLogin(ctx.db, loginId);
  if (!account) {
    await verifyAgainstDummy(password);
    throw refusedAfterCheck(startedAt);
  }
  const { user, suspension } = account;
  if (isSuspended(suspension, ctx.clock.now())) {
    await lastAsLongAsACheckedRefusal(startedAt, () => verifyAgainstDummy(password));
    throw loginFailed();
  }
  // An inactive account cannot sign in anyway: its failures are not counted and mail nobody.
  const active = user.active === 1;
  if (!(await passwordAccepted(ctx, account, password, client.ip, active)) || !active) throw refusedAfterCheck(startedAt);
  return user;
}

function refusedAfterCheck(startedAt: number): AppError {
  rememberCheckedRefusal(startedAt);
  return loginFailed();
}

export async function startSession(
  ctx: AppContext,
  user: UserRow,
  client: { ip: string | null; userAgent: string | null },
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessions.absoluteMs).toISOString();
  await insertSession(ctx.db, {
    id: hashToken(token),
    user_id: user.id,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiresAt,
    ip: client.ip,
    user_agent: client.userAgent?.slice(0, 500) ?? null,
  });
  return { token, csrfToken, user, expiresAt };
}

/** The live session for a cookie value, or undefined when it is unknown, expired, idle too long or its user is inactive. */
export async function resolveSession(ctx: AppContext, token: string): Promise<SessionWithUser | undefined> {
  const id = hashToken(token);
  const session = await findSessionWithUser(ctx.db, id);
  if (!session) return undefined;
  const now = ctx.clock.now();
  const idleLimit = new Date(session.last_seen_at).getTime() + ctx.config.sessions.idleMs;
  if (now.toISOString() >= session.expires_at || now.getTime() >= idleLimit || session.user.active !== 1) {
    await deleteSession(ctx.db, id);
    return undefined;
  }
  if (now.getTime() - new Date(session.last_seen_at).getTime() >= TOUCH_EVERY_MS) {
    await touchSession(ctx.db, id, now.toISOString());
  }
  return session;
}

export async function endSession(ctx: AppContext, token: string): Promise<void> {
  await deleteSession(ctx.db, hashToken(token));
}

export async function purgeExpiredSessions(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  await deleteExpiredSessions(ctx.db, now.toISOString(), new Date(now.getTime() - ctx.config.sessions.idleMs).toISOString());
}
