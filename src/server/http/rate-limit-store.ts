import type { AppContext } from '../context.js';
import { countHit } from './rate-limits.repository.js';

type Answer = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit that counts in the database, so a limit holds across every
 * instance behind the load balancer instead of each instance allowing its own share.
 */
export function databaseRateLimitStore(ctx: AppContext) {
  return class DatabaseRateLimitStore {
    incr(key: string, answer: Answer, timeWindow: number): void {
      const now = ctx.clock.now().getTime();
      countHit(ctx.db, {
        key,
        nowIso: new Date(now).toISOString(),
        windowEndedBeforeIso: new Date(now - timeWindow).toISOString(),
      }).then(
        ({ hits, windowStartedAt }) => answer(null, { current: hits, ttl: Date.parse(windowStartedAt) + timeWindow - now }),
        (error: Error) => answer(error),
      );
    }

    child(): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore();
    }
  };
}
