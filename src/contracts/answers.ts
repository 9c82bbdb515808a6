import { z } from 'zod';
import { organisationView, userView } from './accounts.js';
import { createdServiceTokenSchema, deliveryViewSchema, serviceTokenViewSchema } from './mail.js';
import { createdReportTokenSchema, reportTokenView } from './monitoring.js';

/**
 * The envelopes some answers wrap their views in (`{"user": …}`, `{"tokens": […]}`). Kept apart
 * from the views so that the screen's first page does not load what only other pages need.
 */

/** GET /healthz (anyone): whether this instance can serve — 200 `ok`, 503 `unavailable` — and nothing about why. */
export const livenessSchema = z.object({ status: z.enum(['ok', 'unavailable']) });

/** GET /api/users */
export const userListSchema = z.object({ users: z.array(userView) });

/** One user: POST /api/users (201), GET and PUT /api/users/:id, GET and PUT /api/me. */
export const userAnswerSchema = z.object({ user: userView });

/** GET and PUT /api/organisation */
export const organisationAnswerSchema = z.object({ organisation: organisationView });

/** POST /api/mail/messages: the mail as queued (202), or as queued before under the same Idempotency-Key (200). */
export const submittedMailSchema = z.object({ delivery: deliveryViewSchema });

/** GET /api/mail/tokens */
export const serviceTokenListSchema = z.object({ tokens: z.array(serviceTokenViewSchema) });

/** POST /api/mail/tokens (201): the only answer that holds the token itself. */
export const createdServiceTokenAnswerSchema = z.object({ token: createdServiceTokenSchema });

/** DELETE /api/mail/tokens/:id: the token as revoked. */
export const serviceTokenAnswerSchema = z.object({ token: serviceTokenViewSchema });

/** POST /api/runs (201): the ID the heartbeats and the finish name. */
export const startedRunSchema = z.object({ id: z.string() });

/** GET /api/report-tokens */
export const reportTokenListSchema = z.object({ tokens: z.array(reportTokenView) });

/** POST /api/report-tokens (201): the only answer that holds the token itself. */
export const createdReportTokenAnswerSchema = z.object({ token: createdReportTokenSchema });

/** DELETE /api/report-tokens/:id: the token as revoked. */
export const reportTokenAnswerSchema = z.object({ token: reportTokenView });
