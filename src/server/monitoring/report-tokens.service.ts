import type { ReportTokenView, ThreadKind } from '../../contracts/monitoring.js';
import { type Actor, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import type { ServiceCaller } from '../outbox/service-tokens.service.js';
import { authenticateBearerToken, type BearerTokenStore, newBearerToken } from '../security/bearer-tokens.js';
import {
  findUsableReportToken,
  insertReportToken,
  listReportTokens,
  markReportTokenUsed,
  type ReportTokenRow,
  revokeReportTokenRow,
} from './report-tokens.repository.js';

/** Distinct from the mail API's `tyr_`, so a token pasted into the wrong place is recognisable. */
const REPORT_TOKEN_PREFIX = 'tyrr_';

export const reportTokenViewOf = (row: ReportTokenRow): ReportTokenView => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  createdAt: row.created_at,
  createdBy: row.created_by,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

export async function listReportTokenViews(ctx: AppContext): Promise<ReportTokenView[]> {
  return (await listReportTokens(ctx.db)).map(reportTokenViewOf);
}

/** A token that reports runs of one kind; the token itself is returned this once and stored only as its hash. */
export async function createReportToken(ctx: AppContext, actor: Actor, request: { name: string; kind: ThreadKind }) {
  const { token, record } = newBearerToken(ctx, actor, REPORT_TOKEN_PREFIX, request.name);
  const row: ReportTokenRow = { ...record, kind: request.kind };
  await ctx.db.transaction().execute(async (trx) => {
    await insertReportToken(trx, row);
    await recordAudit(trx, ctx.clock, actor, 'report_token.create', request.name, { id: row.id, kind: request.kind });
  });
  return { ...reportTokenViewOf(row), token };
}

/** Revoking a revoked token answers the same and is audited once: a retried DELETE changes nothing. */
export function revokeReportToken(ctx: AppContext, actor: Actor, id: string): Promise<ReportTokenView> {
  return ctx.db.transaction().execute(async (trx) => {
    const nowIso = ctx.clock.now().toISOString();
    const row = await revokeReportTokenRow(trx, id, nowIso);
    if (!row) throw notFound();
    if (row.revoked_at === nowIso) await recordAudit(trx, ctx.clock, actor, 'report_token.revoke', row.name, { id, kind: row.kind });
    return reportTokenViewOf(row);
  });
}

/** A worker reporting runs of one kind with a report token (スレッド監視). */
export interface ReportCaller extends ServiceCaller {
  kind: ThreadKind;
}

const reportTokens: BearerTokenStore<ReportTokenRow> = {
  prefix: REPORT_TOKEN_PREFIX,
  findUsable: findUsableReportToken,
  recordUse: markReportTokenUsed,
};

export async function authenticateReportToken(ctx: AppContext, token: string): Promise<ReportCaller | null> {
  const row = await authenticateBearerToken(ctx, reportTokens, token);
  return row && { tokenId: row.id, name: row.name, kind: row.kind };
}
