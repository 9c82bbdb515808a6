import type { AuditAction, AuditEntryView } from '../../contracts/audit.js';
import { newId } from '../ids.js';
import type { Clock } from '../clock.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { type AuditRow, insertAuditEntry, listAuditEntries } from './audit.repository.js';

export interface Actor {
  userId: string | null;
  login: string | null;
  ip: string | null;
}

export const systemActor = (login = 'system'): Actor => ({ userId: null, login, ip: null });

export const SECRET_MASK = '********';

/** Keys whose values are never written to the audit trail, only whether they changed. */
const SECRET_KEY_PATTERN = /(password|secret|token)/i;

/** Replaces every value under a secret-looking key with the mask; null stays null, so "cleared" still shows. */
export function maskSecrets(value: unknown, underSecretKey = false): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((inner) => maskSecrets(inner, underSecretKey));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, maskSecrets(inner, underSecretKey || SECRET_KEY_PATTERN.test(key))]),
    );
  }
  return underSecretKey ? SECRET_MASK : value;
}

const maskPresence = (value: unknown) => (value === null || value === undefined ? null : SECRET_MASK);

/** Only the keys whose value changed, as { key: { before, after } }, secrets masked. */
export function diffForAudit(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = SECRET_KEY_PATTERN.test(key)
        ? { before: maskPresence(before[key]), after: maskPresence(after[key]) }
        : { before: maskSecrets(before[key]), after: maskSecrets(after[key]) };
    }
  }
  return changes;
}

export async function recordAudit(
  db: Database,
  clock: Clock,
  actor: Actor,
  action: AuditAction,
  target: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await insertAuditEntry(db, {
    id: newId(),
    at: clock.now().toISOString(),
    actor_user_id: actor.userId,
    actor_login: actor.login,
    action,
    target,
    details: JSON.stringify(maskSecrets(details)),
    ip: actor.ip,
  });
}

const auditEntryView = (row: AuditRow): AuditEntryView => ({
  id: row.id,
  at: row.at,
  actor: row.actor_login,
  action: row.action,
  target: row.target,
  details: JSON.parse(row.details) as unknown,
  ip: row.ip,
});

/** A window of the audit trail, newest first. */
export async function readAuditTrail(
  ctx: AppContext,
  window: { limit: number; before?: { at: string; id: string }; action?: string },
): Promise<AuditEntryView[]> {
  return (await listAuditEntries(ctx.db, window)).map(auditEntryView);
}
