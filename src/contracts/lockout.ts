import { z } from 'zod';

/** アカウント停止 (SPEC §3): the policy form, its view, and the suspended accounts. */

/** A number out of range is reported as such, not also as "not a whole number" (1e308 is not a safe integer). */
const wholeNumber = (min: number, max: number) =>
  z.number().min(min, { abort: true }).max(max, { abort: true }).int({ message: 'validation.not_integer' });

export const DEFAULT_LOCKOUT_POLICY = { threshold: 5, windowMinutes: 30, durationMinutes: 30 } as const;

/** PUT /api/settings/lockout. `durationMinutes: null` is 無期限: until an administrator lifts it. */
export const lockoutPolicyForm = z.strictObject({
  threshold: wholeNumber(1, 100),
  windowMinutes: wholeNumber(1, 1440),
  durationMinutes: wholeNumber(1, 1440).nullable(),
  /** The version read with GET: a save over a newer one is refused with 409. */
  version: z.number().int({ message: 'validation.not_integer' }).min(0).optional(),
});

export const lockoutPolicyView = z.object({
  threshold: z.number().int(),
  windowMinutes: z.number().int(),
  durationMinutes: z.number().int().nullable(),
  /** 0 while the defaults were never saved. */
  version: z.number().int(),
});

/** One suspended account, as GET /api/suspensions lists it. */
export const suspensionView = z.object({
  userId: z.string(),
  loginId: z.string(),
  displayName: z.string(),
  suspendedAt: z.string(),
  /** null: 無期限. */
  resumesAt: z.string().nullable(),
  failures: z.number().int(),
  lastIp: z.string().nullable(),
});

export const suspensionList = z.array(suspensionView);

export type LockoutPolicyForm = z.infer<typeof lockoutPolicyForm>;
export type LockoutPolicyView = z.infer<typeof lockoutPolicyView>;
export type SuspensionView = z.infer<typeof suspensionView>;
