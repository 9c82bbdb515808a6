import { once } from 'node:events';
import { createServer } from 'node:http';
import { DELIVERY_STATES } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { isDatabaseReachable } from '../db/database.js';
import type { BackgroundService } from '../main.js';
import { portProblem } from '../port-problems.js';
import { countByState, oldestDueAt } from '../outbox/outbox.repository.js';
import { readTransportState } from '../outbox/transport-state.repository.js';
import { metrics, registry } from './registry.js';

/** The Prometheus exposition, with the shared state read from the database just now. */
export async function renderMetrics(ctx: AppContext): Promise<string> {
  const databaseUp = await isDatabaseReachable(ctx.db);
  metrics.databaseUp.set(databaseUp ? 1 : 0);
  if (databaseUp) {
    const counts = await countByState(ctx.db);
    for (const state of DELIVERY_STATES) metrics.outboxMails.set({ state }, counts[state] ?? 0);
    const now = ctx.clock.now();
    const dueSince = await oldestDueAt(ctx.db, now.toISOString());
    metrics.oldestDueSeconds.set(dueSince ? (now.getTime() - Date.parse(dueSince)) / 1000 : 0);
    metrics.transportFailing.set((await readTransportState(ctx.db))?.state === 'failing' ? 1 : 0);
  }
  return registry.metrics();
}

/** With TAYORI_METRICS_PORT, serves GET /metrics on 127.0.0.1 only. */
export async function startMetricsServer(ctx: AppContext): Promise<BackgroundService | null> {
  const port = ctx.config.metricsPort;
  if (port === undefined) return null;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    renderMetrics(ctx).then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error) => {
        ctx.log.error({ err: error }, 'metrics failed');
        response.writeHead(500).end();
      },
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening').catch((error: unknown) => {
    throw portProblem(error, 'TAYORI_METRICS_PORT', port);
  });
  return { name: 'metrics', stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
