import { z } from 'zod';
import { requiredText } from './common.js';
import { cleanForeignText, headAndTail } from './foreign-text.js';
import { THREAD_KINDS } from './mail-settings.js';

/**
 * スレッド監視 (SPEC §4): runs reported by the application, by external workers over HTTP and by
 * `tayori run`; the report tokens that authenticate the workers; the monitor's status.
 */

export { THREAD_KINDS, type ThreadKind } from './mail-settings.js';

export const RUN_OUTCOMES = ['succeeded', 'failed'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** Filter of the runs list: an outcome, or still running. */
export const RUN_STATES = [...RUN_OUTCOMES, 'running'] as const;

export const MAX_RUN_NAME = 200;
export const MAX_RUN_ERROR = 4000;

/** An error text as a worker sends it, up to the request's size. */
const MAX_RUN_ERROR_RECEIVED = 1_000_000;

/**
 * Taken as it comes and kept as sanitiseRunError keeps it. Refused for its length or a control
 * character, a failure report left its run 実行中 for good (a Java stack trace is easily over
 * 4,000 characters, a terminal's stderr holds colour codes).
 */
export const runErrorSchema = z.string().max(MAX_RUN_ERROR_RECEIVED).transform((text) => sanitiseRunError(text));

/**
 * Keeps what an error text may hold (cleanForeignText) and at most 4,000 characters of it: the
 * first line (what failed) and the end (usually the cause).
 */
export function sanitiseRunError(text: string): string {
  return headAndTail(cleanForeignText(text), MAX_RUN_ERROR);
}

export const runNameSchema = requiredText(MAX_RUN_NAME);

/** POST /api/runs */
export const startRunRequest = z.strictObject({
  kind: z.enum(THREAD_KINDS),
  name: runNameSchema,
});

/** POST /api/runs/:id/finish */
export const finishRunRequest = z.strictObject({
  outcome: z.enum(RUN_OUTCOMES),
  error: runErrorSchema.optional(),
});
export type FinishRunRequest = z.infer<typeof finishRunRequest>;

/** POST /api/report-tokens */
export const createReportTokenRequest = z.strictObject({
  name: requiredText(100),
  kind: z.enum(THREAD_KINDS),
});

/** Whether the monitor dealt with one notification of a run, and whether a digest listed it. */
/** `reported`: listed in a digest that went by mail; `suppressed`: in one that sending 無効 kept back. */
const noticeView = z.object({ seenAt: z.string().nullable(), reported: z.boolean(), suppressed: z.boolean() });

export const runView = z.object({
  id: z.string(),
  kind: z.enum(THREAD_KINDS),
  name: z.string(),
  startedAt: z.string(),
  lastHeartbeatAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** null while running. */
  outcome: z.enum(RUN_OUTCOMES).nullable(),
  error: z.string().nullable(),
  /** When the monitor marked the run 異常終了 for lack of heartbeats. */
  heartbeatLostAt: z.string().nullable(),
  /** It finished after it had been marked "heartbeat lost". */
  lateFinish: z.boolean(),
  notices: z.object({
    /** `unwatched`: the notification settings did not watch this outcome when the run ended, so no digest will list it. */
    outcome: noticeView.extend({ unwatched: z.boolean() }),
    longRunning: noticeView,
  }),
});
export type RunView = z.infer<typeof runView>;

/** GET /api/runs: one page, newest first, and the cursor of the next one. */
export const runPageView = z.object({ runs: z.array(runView), nextCursor: z.string().nullable() });

export const reportTokenView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(THREAD_KINDS),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ReportTokenView = z.infer<typeof reportTokenView>;

/** POST /api/report-tokens: the view and, this once, the token itself. */
export const createdReportTokenView = reportTokenView.extend({ token: z.string() });

/** `suppressed`: written while sending was 無効, so recorded and not sent. */
const lastDigestView = z.object({ at: z.string(), runs: z.number().int(), suppressed: z.boolean() }).nullable();

/** GET /api/monitor */
export const monitorStatusView = z.object({
  lastLookAt: z.string().nullable(),
  nextLookAt: z.string().nullable(),
  /** The instance holding the monitor's lease, or null when none does. */
  leader: z.string().nullable(),
  lastDigests: z.record(z.enum(THREAD_KINDS), lastDigestView),
});
export type MonitorStatusView = z.infer<typeof monitorStatusView>;

/** GET /api/runs: one page of runs, newest first. */
export const runPageSchema = z.object({
  runs: z.array(runView),
  nextCursor: z.string().nullable(),
});

/** A report token as created: the token itself appears only in this answer. */
export const createdReportTokenSchema = reportTokenView.extend({ token: z.string() });
