import { z } from 'zod';
// Not from mail.ts: every admin page reads the health, and mail.ts is the whole mail API's contract.
import { storedErrorViewSchema } from './stored-error.js';

/** GET /api/health (admins): what the admin banners show (SPEC §2.5, §2.6). */
export const healthViewSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ dialect: z.string(), reachable: z.boolean() }),
  transport: z
    .object({
      state: z.enum(['unknown', 'ok', 'failing']),
      /** Transport-wide faults for longer than the alert delay, or 再認証が必要. */
      banner: z.boolean(),
      failingSince: z.string().nullable(),
      lastSuccessAt: z.string().nullable(),
      reason: storedErrorViewSchema.nullable(),
    })
    .nullable(),
  outbox: z.record(z.string(), z.number()).nullable(),
  /** Whether the built-in development mailbox runs (its banner and page). */
  devMailbox: z.boolean(),
});
export type HealthView = z.infer<typeof healthViewSchema>;
