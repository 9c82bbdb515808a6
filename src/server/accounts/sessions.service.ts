import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import {
  deleteExpiredSessions,
  deleteSession,
  findSessionWithUser,
  insertSession,
  type SessionWithUser,
  touchSession,
} from './sessions.repository.js';
import { findUserByLoginId, type UserRow } from './users.repository.js';

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

/** Checks a login ID and password; the same refusal for an unknown ID, a wrong password or an inactive user. */
export async function authenticate(ctx: AppContext, loginId: string, password: string): Promise<UserRow> {
  const user = await findUserByLoginId(ctx.db, loginId);
  const valid = user ? await verifyPassword(user.password_hash, password) : await verifyAgainstDummy(password);
  if (!user || !valid || user.active !== 1) throw new AppError('accounts.login_failed', 401);
  return user;
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
