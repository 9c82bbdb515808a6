import { setTimeout as sleep } from 'node:timers/promises';
import { median, standInForAVerification } from './verification-lanes.js';

/**
 * A login refused without checking the password (a suspended account) must take as long as one
 * refused after checking it, or timing would tell a suspended account from a wrong password.
 * This keeps the durations of recent checked refusals in this process and makes an unchecked
 * refusal wait on timers, which cost no CPU: first in the queue of password verifications,
 * holding a lane as long as a verification does (verification-lanes.ts), then until the usual
 * duration has passed.
 */
const KEPT = 31;
const recent: number[] = [];

/** A moment to measure a login attempt from (monotonic, unaffected by the injected clock). */
export const attemptStart = () => performance.now();

/** A refusal after the password was checked: its duration becomes part of "the usual". */
export function rememberCheckedRefusal(startedAt: number): void {
  recent.push(performance.now() - startedAt);
  if (recent.length > KEPT) recent.shift();
}

/**
 * Waits until the attempt has lasted as long as a usual checked refusal. Before this process has
 * refused any, there is nothing to compare with: `check` (a verification that matches nothing)
 * is run once instead, so this refusal takes the usual time and later ones have a measure.
 */
export async function lastAsLongAsACheckedRefusal(startedAt: number, check: () => Promise<unknown>): Promise<void> {
  if (recent.length === 0) {
    await check();
    rememberCheckedRefusal(startedAt);
    return;
  }
  await standInForAVerification();
  const remaining = median(recent) - (performance.now() - startedAt);
  if (remaining > 0) await sleep(remaining);
}
