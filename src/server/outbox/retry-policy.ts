/**
 * Exponential back-off with jitter: attempt n waits base·2^(n−1), capped, then scaled by a
 * random factor in [0.5, 1) so that many mails failing together do not retry together.
 */
export function retryDelayMs(attempt: number, policy: { retryBaseMs: number; retryMaxMs: number }, random = Math.random): number {
  const exponential = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(exponential * (0.5 + random() / 2)));
}
