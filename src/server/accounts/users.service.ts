import { randomBytes, randomUUID } from 'node:crypto';
import type { CreateUserRequest, UpdateMeRequest, UpdateUserRequest, UserView } from '../../contracts/accounts.js';
import type { AuditAction } from '../../contracts/audit.js';
import { sameAddress } from '../../contracts/address.js';
import { type Actor, diffForAudit, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database, DialectName } from '../db/database.js';
import { AppError, fieldError, notFound } from '../errors.js';
import { findOrganisation } from '../organisation/organisation.repository.js';
import { findAccountForLogin } from './lockout.repository.js';
import { isSuspended, liftSuspensionInside, passwordAccepted } from './lockout.service.js';
import { hashPassword } from './passwords.js';
import { deleteSession, deleteSessionsOfUser, type SessionWithUser } from './sessions.repository.js';
import {
  countUsers,
  findUserById,
  findUserByLoginId,
  insertUser,
  listUsers,
  lockActiveAdmins,
  type UserRow,
  updateUser as updateUserRow,
} from './users.repository.js';

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    loginId: row.login_id,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    locale: row.locale,
    timeZone: row.time_zone,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const auditable = (view: UserView) => {
  const { createdAt, updatedAt, ...rest } = view;
  return rest;
};

export async function listUserViews(ctx: AppContext): Promise<UserView[]> {
  return (await listUsers(ctx.db)).map(toUserView);
}

export async function getUserView(ctx: AppContext, id: string): Promise<UserView> {
  return toUserView(await requireUser(ctx.db, id));
}

async function requireUser(db: Database, id: string): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw notFound();
  return user;
}

/** `beforeCommit` runs inside the transaction once the user is written, just before it commits. */
export async function createUser(
  ctx: AppContext,
  actor: Actor,
  input: CreateUserRequest,
  options: { beforeCommit?: (user: UserView) => void } = {},
): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    if (await findUserByLoginId(trx, input.loginId)) throw fieldError('loginId', 'accounts.login_id_taken');
    // Always set on the user, so that a later change of the organisation's defaults moves nobody.
    const organisation = await findOrganisation(trx);
    const now = ctx.clock.now().toISOString();
    const row: UserRow = {
      id: randomUUID(),
      login_id: input.loginId,
      display_name: input.displayName,
      email: input.email,
      role: input.role,
      locale: input.locale ?? (organisation?.default_locale === 'en' ? 'en' : 'ja'),
      time_zone: input.timeZone ?? organisation?.time_zone ?? 'Asia/Tokyo',
      active: 1,
      password_hash: passwordHash,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    };
    if (!(await insertUser(trx, row))) throw fieldError('loginId', 'accounts.login_id_taken');
    const view = toUserView(row);
    await recordAudit(trx, ctx.clock, actor, 'user.create', view.loginId, { after: auditable(view) });
    options.beforeCommit?.(view);
    return view;
  });
}

/** Refuses a change that would leave nobody able to administer the installation. */
async function assertAdminRemains(db: Database, dialect: DialectName, user: UserRow, next: { role: string; active: boolean }) {
  const wasActiveAdmin = user.role === 'admin' && user.active === 1;
  const staysActiveAdmin = next.role === 'admin' && next.active;
  if (wasActiveAdmin && !staysActiveAdmin && (await lockActiveAdmins(db, dialect)) <= 1) {
    throw new AppError('accounts.last_admin', 409);
  }
}

export async function updateUser(ctx: AppContext, actor: Actor, id: string, input: UpdateUserRequest): Promise<UserView> {
  return ctx.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const active = input.active ?? user.active === 1;
    if (!active && actor.userId === id) throw new AppError('accounts.cannot_deactivate_self', 409);
    // One's own address changes on the profile, with the current password (updateMe).
    if (actor.userId === id && input.email !== undefined && !sameAddress(input.email, user.email)) throw fieldError('email', 'accounts.own_email_on_profile');
    await assertAdminRemains(trx, ctx.database.dialect, user, { role: input.role ?? user.role, active });
    const changes = {
      display_name: input.displayName,
      email: input.email,
      role: input.role,
      locale: input.locale,
      time_zone: input.timeZone,
      active: active ? 1 : 0,
    };
    const view = await saveUserChanges(trx, ctx, actor, user, changes, active ? 'user.update' : 'user.deactivate');
    if (!active) await deleteSessionsOfUser(trx, id);
    return view;
  });
}

type UserChanges = Partial<Pick<UserRow, 'display_name' | 'email' | 'role' | 'locale' | 'time_zone' | 'active'>>;

/** Writes the given changes (undefined: unchanged) and audits them; a save that changes nothing writes nothing. */
async function saveUserChanges(
  trx: Database,
  ctx: AppContext,
  actor: Actor,
  user: UserRow,
  changes: UserChanges,
  action: AuditAction,
): Promise<UserView> {
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as UserChanges;
  const before = toUserView(user);
  const after = toUserView({ ...user, ...given });
  const diff = diffForAudit(auditable(before), auditable(after));
  if (Object.keys(diff).length === 0) return before;
  const updatedAt = ctx.clock.now().toISOString();
  await updateUserRow(trx, user.id, { ...given, updated_at: updatedAt });
  await recordAudit(trx, ctx.clock, actor, action, user.login_id, { changes: diff });
  return { ...after, updatedAt };
}

/**
 * An administrator sets a new password; every session of that user ends, and a suspension is
 * lifted: the administrator gives the user a way back in, and before the new password was refused
 * for the rest of the suspension with nothing saying so.
 */
export async function setUserPassword(ctx: AppContext, actor: Actor, id: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const now = ctx.clock.now().toISOString();
    await updateUserRow(trx, id, { password_hash: passwordHash, password_changed_at: now, updated_at: now });
    await deleteSessionsOfUser(trx, id);
    await recordAudit(trx, ctx.clock, actor, 'user.password_set', user.login_id, { password: 'changed' });
    await liftSuspensionInside(trx, ctx, actor, user, 'password_set');
  });
}

/**
 * A user changes their own details. A new e-mail address (or none) needs the current password:
 * the address is where アカウント停止 tells the user someone is guessing their password, and a
 * session left open or taken over could otherwise send that notice elsewhere without a word.
 */
export async function updateMe(ctx: AppContext, actor: Actor, session: SessionWithUser, input: UpdateMeRequest): Promise<UserView> {
  const { currentPassword, ...details } = input;
  const { user, id: currentSessionId } = session;
  if (details.email !== undefined && !sameAddress(details.email, user.email)) {
    if (!currentPassword) throw fieldError('currentPassword', 'accounts.current_password_for_email');
    await proveCurrentPassword(ctx, actor, user, currentSessionId, currentPassword, 'accounts.email_change_suspended');
  }
  return ctx.db.transaction().execute(async (trx) => {
    const current = await requireUser(trx, user.id);
    const changes = { display_name: details.displayName, email: details.email, locale: details.locale, time_zone: details.timeZone };
    return saveUserChanges(trx, ctx, actor, current, changes, 'me.update');
  });
}

/**
 * Refuses a current password that is wrong, counting it as a failed login: guessing it from a
 * session is guessing a login (SPEC §3). `whileSuspended` says what a suspension stops.
 */
async function proveCurrentPassword(
  ctx: AppContext,
  actor: Actor,
  user: UserRow,
  currentSessionId: string,
  currentPassword: string,
  whileSuspended: 'accounts.password_change_suspended' | 'accounts.email_change_suspended',
): Promise<void> {
  const account = await findAccountForLogin(ctx.db, user.login_id);
  if (!account || isSuspended(account.suspension, ctx.clock.now())) throw fieldError('currentPassword', whileSuspended);
  if (await passwordAccepted(ctx, account, currentPassword, actor.ip)) return;
  const after = await findAccountForLogin(ctx.db, user.login_id);
  if (!after || !isSuspended(after.suspension, ctx.clock.now())) throw fieldError('currentPassword', 'accounts.current_password_wrong');
  // The session that guessed its way into a suspension ends with it: a suspended account
  // signs in nowhere, and this session was the one guessing. Others (the user's other
  // devices) stay, so that wrong logins by someone else never sign the user out.
  await deleteSession(ctx.db, currentSessionId);
  throw fieldError('currentPassword', whileSuspended);
}

/** A user changes their own password; their other sessions end, this one stays. */
export async function changeOwnPassword(
  ctx: AppContext,
  actor: Actor,
  userId: string,
  currentSessionId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await requireUser(ctx.db, userId);
  await proveCurrentPassword(ctx, actor, user, currentSessionId, input.currentPassword, 'accounts.password_change_suspended');
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now().toISOString();
    await updateUserRow(trx, userId, { password_hash: passwordHash, password_changed_at: now, updated_at: now });
    await deleteSessionsOfUser(trx, userId, currentSessionId);
    await recordAudit(trx, ctx.clock, actor, 'me.password_change', user.login_id, { password: 'changed' });
  });
}

export interface InitialAdmin {
  login: string;
  /** Set when TAYORI_INITIAL_ADMIN_PASSWORD was not: the only time anyone sees it. */
  generatedPassword?: string;
}

/**
 * On first start with no users, creates the administrator of TAYORI_INITIAL_ADMIN_* and hands
 * it to `announce` inside the creating transaction, just before the commit. A process killed
 * in between leaves no administrator, and the next start creates one and shows a new password;
 * killed after the commit, it has shown it. Announced after the commit, 2 of 80 first starts
 * killed (kill -9) at random moments left an administrator whose password nobody ever saw.
 */
export async function ensureInitialAdmin(ctx: AppContext, announce: (admin: InitialAdmin) => void): Promise<void> {
  if ((await countUsers(ctx.db)) > 0) return;
  const { login, password, email } = ctx.config.initialAdmin;
  const generatedPassword = password ? undefined : randomBytes(12).toString('base64url');
  try {
    await createUser(ctx, { userId: null, login: 'system', ip: null }, {
      loginId: login,
      displayName: 'システム管理者',
      email: email ?? null,
      role: 'admin',
      locale: 'ja',
      timeZone: 'Asia/Tokyo',
      password: password ?? generatedPassword!,
    }, { beforeCommit: () => announce({ login, generatedPassword }) });
  } catch (error) {
    // Another instance starting at the same moment created it first (and announced it).
    if ((await countUsers(ctx.db)) > 0) return;
    throw error;
  }
}

