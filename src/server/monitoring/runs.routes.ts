import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createdReportTokenAnswerSchema, reportTokenAnswerSchema, reportTokenListSchema, startedRunSchema } from '../../contracts/answers.js';
import { createReportTokenRequest, finishRunRequest, monitorStatusView, runPageSchema, startRunRequest } from '../../contracts/monitoring.js';
import { idParamsSchema, runsQuerySchema } from '../../contracts/parameters.js';
import { t } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { AppError, parseOrThrow, tokenRefused } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { fetchPage } from '../http/pagination.js';
import { monitorStatus } from './monitor.js';
import { createReportToken, listReportTokenViews, type ReportCaller, revokeReportToken } from './report-tokens.service.js';
import { listRuns } from './runs.repository.js';
import { finishRun, heartbeatRun, runViewOf, startRun } from './runs.service.js';

function reporterOf(request: FastifyRequest): ReportCaller {
  if (!request.reportCaller) throw tokenRefused();
  return request.reportCaller;
}

/** スレッド監視: the run-report API (report tokens), the runs list, the monitor's status and the tokens. */
export function runRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/runs', { config: { access: 'report' } }, async (request, reply) => {
    const reporter = reporterOf(request);
    const run = parseOrThrow(startRunRequest, request.body);
    if (run.kind !== reporter.kind) {
      throw new AppError('monitoring.wrong_kind', 403, { kind: t(request.locale, `monitoring.kind.${run.kind}`) });
    }
    return reply.code(201).send(startedRunSchema.parse({ id: await startRun(ctx, run) }));
  });

  app.post('/api/runs/:id/heartbeat', { config: { access: 'report', bodyOptional: true } }, async (request, reply) => {
    const { id } = parseOrThrow(idParamsSchema, request.params);
    await heartbeatRun(ctx, id, { kind: reporterOf(request).kind });
    return reply.code(204).send();
  });

  app.post('/api/runs/:id/finish', { config: { access: 'report' } }, async (request, reply) => {
    const { id } = parseOrThrow(idParamsSchema, request.params);
    const reporter = reporterOf(request);
    await finishRun(ctx, id, parseOrThrow(finishRunRequest, request.body), { kind: reporter.kind });
    return reply.code(204).send();
  });

  app.get('/api/runs', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(runsQuerySchema, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => listRuns(ctx.db, { ...window, kind: query.kind, state: query.outcome }),
      (row) => ({ at: row.started_at, id: row.id }),
    );
    return runPageSchema.parse({ runs: page.map(runViewOf), nextCursor });
  });

  app.get('/api/monitor', { config: { access: 'admin' } }, async () => monitorStatusView.parse(await monitorStatus(ctx)));

  app.get('/api/report-tokens', { config: { access: 'admin' } }, async () => reportTokenListSchema.parse({ tokens: await listReportTokenViews(ctx) }));

  app.post('/api/report-tokens', { config: { access: 'admin' } }, async (request, reply) => {
    const token = await createReportToken(ctx, actorOf(request), parseOrThrow(createReportTokenRequest, request.body));
    return reply.code(201).send(createdReportTokenAnswerSchema.parse({ token }));
  });

  app.delete('/api/report-tokens/:id', { config: { access: 'admin' } }, async (request) => {
    const { id } = parseOrThrow(idParamsSchema, request.params);
    return reportTokenAnswerSchema.parse({ token: await revokeReportToken(ctx, actorOf(request), id) });
  });
}
