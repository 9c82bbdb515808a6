import { z } from 'zod';

/**
 * Every action the audit trail records: the screen names each in the reader's language and
 * offers each in its filter. Seven were recorded without either (アカウント停止 and its lifting
 * among them), and showed as their code.
 */
export const AUDIT_ACTIONS = [
  'settings.mail.update',
  'settings.lockout.update',
  'organisation.update',
  'user.create',
  'user.update',
  'user.deactivate',
  'user.password_set',
  'me.update',
  'me.password_change',
  'service_token.create',
  'service_token.revoke',
  'report_token.create',
  'report_token.revoke',
  'account.suspend',
  'account.unlock',
  'gmail.authorised',
  'gmail.reauth_required',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of the audit trail (GET /api/audit): who did what, when; secrets already masked. */
export const auditEntryViewSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntryViewSchema),
  nextCursor: z.string().nullable(),
});
