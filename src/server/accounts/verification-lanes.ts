import { setTimeout as sleep } from 'node:timers/promises';

/**
 * argon2 verifies on libuv's thread pool (UV_THREADPOOL_SIZE threads, 4 by default), so a burst
 * of login attempts queues there and is answered a few at a time. A refusal that checks no
 * password (a suspended account) waits in the same queue, holding a lane for as long as a
 * verification usually does: a burst against a suspended account is then answered at the pace
 * of a burst against any other account, not all at once (16 at once answered within 3–7 ms of
 * each other, against 160–250 ms for an unknown login ID).
 */
export const VERIFICATION_LANES = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);
const KEPT = 31;

let lanesInUse = 0;
const queue: (() => void)[] = [];
const recentDurations: number[] = [];

async function takeLane(): Promise<void> {
  if (lanesInUse < VERIFICATION_LANES) {
    lanesInUse++;
    return;
  }
  await new Promise<void>((resolve) => queue.push(resolve));
}

function freeLane(): void {
  const next = queue.shift();
  if (next) next();
  else lanesInUse--;
}

/** Runs a password verification in a lane; how long it held the lane becomes part of "the usual". */
export async function inVerificationLane<T>(verification: () => Promise<T>): Promise<T> {
  await takeLane();
  const startedAt = performance.now();
  try {
    return await verification();
  } finally {
    recentDurations.push(performance.now() - startedAt);
    if (recentDurations.length > KEPT) recentDurations.shift();
    freeLane();
  }
}

/** Holds a lane, without CPU, for as long as a verification usually does. */
export async function standInForAVerification(): Promise<void> {
  await takeLane();
  try {
    const usual = median(recentDurations);
    if (usual > 0) await sleep(usual);
  } finally {
    freeLane();
  }
}

/** Attempts waiting for a lane (for tests and the curious). */
export const waitingForALane = () => queue.length;

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
