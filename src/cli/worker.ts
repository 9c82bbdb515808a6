import type { Command } from 'commander';
import { createContext, prepareInstallation } from '../server/bootstrap.js';
import { startBackground, stopOnSignal } from '../server/main.js';
import { startMetricsServer } from '../server/metrics/metrics.server.js';
import { startOutboxWorker } from '../server/outbox/outbox.background.js';
import { configOrExit } from './context.js';
import { text } from './output.js';

export function workerCommand(program: Command) {
  program
    .command('worker')
    .description(text('cli.help.worker'))
    .action(async () => {
      const ctx = createContext(configOrExit());
      await prepareInstallation(ctx);
      const services = await startBackground(ctx, [startOutboxWorker, startMetricsServer]);
      ctx.log.info('outbox worker started');
      stopOnSignal(ctx, async () => {
        for (const service of services) await service.stop();
      });
    });
}
