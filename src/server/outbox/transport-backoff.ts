import type { AppContext } from '../context.js';
import { retryDelayMs } from './retry-policy.js';
import { readRetryGeneration } from './transport-state.repository.js';

/**
 * How long a worker leaves a failing transport alone: exponential back-off with jitter after
 * each transport-wide fault, ended at once when an administrator fixes something — a settings
 * save or a successful check bumps a generation in the database that every worker, on every
 * instance, reads while it waits.
 */
export class TransportBackoff {
  private failures = 0;
  private pausedUntil = 0;
  private seenGeneration: number | null = null;

  constructor(private readonly ctx: AppContext) {}

  /** Whether to try the transport now. */
  async mayDeliver(): Promise<boolean> {
    const generation = await readRetryGeneration(this.ctx.db);
    if (this.seenGeneration !== null && generation !== this.seenGeneration) this.recovered();
    this.seenGeneration = generation;
    return this.ctx.clock.now().getTime() >= this.pausedUntil;
  }

  get failing(): boolean {
    return this.failures > 0;
  }

  failed(): void {
    this.failures++;
    this.pausedUntil = this.ctx.clock.now().getTime() + retryDelayMs(this.failures, this.ctx.config.outbox);
  }

  recovered(): void {
    this.failures = 0;
    this.pausedUntil = 0;
  }
}
