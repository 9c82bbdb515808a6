import type { AppContext } from '../context.js';
import type { BackgroundService } from '../main.js';
import { OutboxWorker } from './worker.js';

export async function startOutboxWorker(ctx: AppContext): Promise<BackgroundService> {
  const worker = new OutboxWorker(ctx);
  worker.start();
  return { name: 'outbox worker', stop: () => worker.stop() };
}
