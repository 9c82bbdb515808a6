/**
 * Exponential back-off with jitter: attempt n waits base·2^(n−1), capped, then scaled by a
 * random factor in [0.5, 1) so that many mails failing together do not retry together.
 */
/** When a mail that has had `row.attempts` tries goes again: after the back-off, and never past its window. */
export function nextRetryAt(
  row: { attempts: number; expires_at: string },
  now: Date,
  policy: { retryBaseMs: number; retryMaxMs: number },
): string {
  const retryAt = new Date(now.getTime() + retryDelayMs(row.attempts, policy)).toISOString();
  return retryAt < row.expires_at ? retryAt : row.expires_at;
}

export function retryDelayMs(attempt: number, policy: { retryBaseMs: number; retryMaxMs: number }, random = Math.random): number {
  const exponential = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(exponential * (0.5 + random() / 2)));
}
