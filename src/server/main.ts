import { buildApp } from './app.js';
import { createContext, prepareInstallation } from './bootstrap.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { startDevMailbox } from './dev-mailbox/dev-mailbox.server.js';
import { startHousekeeping } from './housekeeping.js';
import { startMetricsServer } from './metrics/metrics.server.js';
import { startMonitor } from './monitoring/monitor.js';
import { startOutboxWorker } from './outbox/outbox.background.js';
import { portProblem } from './port-problems.js';

/** A background part of the process (outbox worker, dev mailbox, monitor) with a way to stop it. */
export interface BackgroundService {
  name: string;
  stop(): Promise<void>;
}

export type BackgroundStarter = (ctx: AppContext) => Promise<BackgroundService | null>;

/** Background parts `tayori serve` runs beside the HTTP server; modules add theirs here. */
export const serveBackground: BackgroundStarter[] = [startDevMailbox, startOutboxWorker, startHousekeeping, startMetricsServer, startMonitor];

export async function serve(config: Config): Promise<void> {
  const ctx = createContext(config);
  await prepareInstallation(ctx);
  const services = await startBackground(ctx, serveBackground);
  const app = await buildApp(ctx);
  const address = await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
    throw portProblem(error, 'TAYORI_PORT', config.port);
  });
  ctx.log.info({ url: config.publicUrl, address }, 'Tayori is listening');
  stopOnSignal(ctx, async () => {
    await app.close();
    await stopAll(services);
  });
}

export async function startBackground(ctx: AppContext, starters: BackgroundStarter[]): Promise<BackgroundService[]> {
  const started: BackgroundService[] = [];
  for (const start of starters) {
    const service = await start(ctx);
    if (service) started.push(service);
  }
  return started;
}

async function stopAll(services: BackgroundService[]) {
  for (const service of [...services].reverse()) await service.stop();
}

export function stopOnSignal(ctx: AppContext, stop: () => Promise<void>) {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ signal }, 'shutting down');
    // Within the 30 s a supervisor usually allows: sends that outlast this are taken up again after their lease.
    const forceExit = setTimeout(() => {
      ctx.log.error('shutdown did not finish within 25 s: exiting; mails still being sent are taken up again when their lease ends');
      process.exit(1);
    }, 25_000);
    forceExit.unref();
    try {
      await stop();
      await ctx.database.close();
      process.exit(0);
    } catch (error) {
      // A supervisor must not read a failed shutdown as a clean one.
      ctx.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
