import { z } from 'zod';
import { DELIVERY_STATES, MAIL_KINDS } from './mail.js';
import { RUN_STATES, THREAD_KINDS } from './monitoring.js';
import { pageQuerySchema } from './pagination.js';

/**
 * The path parameters and query strings of the API (bodies and answers are in their feature's
 * module). Kept apart so that the screen's first page does not load what only lists need.
 */

/** The `:id` of a path (`/api/users/:id`); a longer one names nothing (404 before any route runs). */
export const idParamsSchema = z.object({ id: z.string().max(100) });

/** DELETE /api/suspensions/:userId */
export const suspensionParamsSchema = z.object({ userId: z.string().max(100) });

/*
 * The lists' query strings are strict: a misspelt filter (`?stat=failed`) was ignored and the
 * whole list answered as if it were the filtered one.
 */

/** GET /api/audit?limit&cursor&action */
export const auditQuerySchema = pageQuerySchema.extend({ action: z.string().max(100).optional() }).strict();

/** GET /api/mail/deliveries?state&kind&limit&cursor */
export const deliveryLogQuerySchema = pageQuerySchema.extend({
  state: z.enum(DELIVERY_STATES).optional(),
  kind: z.enum(MAIL_KINDS).optional(),
}).strict();

/** GET /api/runs?kind&outcome&limit&cursor; `outcome` is an outcome, or `running`. */
export const runsQuerySchema = pageQuerySchema.extend({
  kind: z.enum(THREAD_KINDS).optional(),
  outcome: z.enum(RUN_STATES).optional(),
}).strict();

/**
 * What Google adds to the redirect URI (GET /oauth/google/callback), as documented. The route
 * does not refuse anything here with a 422: a browser lands there, and every outcome is a
 * redirect to the settings page with a reason (the state check refuses what is not ours).
 */
export const gmailCallbackQuerySchema = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  /** `access_denied` when the admin did not press 許可. */
  error: z.string().optional(),
});
