import { createServer } from 'node:http';
import { once } from 'node:events';
import { DELIVERY_STATES } from '../contracts/mail.js';
import type { AppContext } from './context.js';
import { isDatabaseReachable } from './db/database.js';
import type { BackgroundService } from './main.js';
import { countByState } from './outbox/outbox.repository.js';
import { readTransportState } from './outbox/transport-state.repository.js';

/** Prometheus text exposition of what an operator alerts on: database, transport, outbox backlog. */
export async function renderMetrics(ctx: AppContext): Promise<string> {
  const databaseUp = await isDatabaseReachable(ctx.db);
  const lines = ['# HELP tayori_database_up 1 when the database answers.', '# TYPE tayori_database_up gauge', `tayori_database_up ${databaseUp ? 1 : 0}`];
  if (!databaseUp) return `${lines.join('\n')}\n`;
  const counts = await countByState(ctx.db);
  const transport = await readTransportState(ctx.db);
  lines.push('# HELP tayori_outbox_mails Mails in the outbox by state.', '# TYPE tayori_outbox_mails gauge');
  for (const state of DELIVERY_STATES) lines.push(`tayori_outbox_mails{state="${state}"} ${counts[state] ?? 0}`);
  lines.push(
    '# HELP tayori_transport_failing 1 while the mail transport has transport-wide faults.',
    '# TYPE tayori_transport_failing gauge',
    `tayori_transport_failing ${transport?.state === 'failing' ? 1 : 0}`,
  );
  return `${lines.join('\n')}\n`;
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
      (body) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body),
      (error) => {
        ctx.log.error({ err: error }, 'metrics failed');
        response.writeHead(500).end();
      },
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { name: 'metrics', stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
