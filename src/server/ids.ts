import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** Random bytes fetched a few hundred IDs at a time: one call for each ID cost as much as the rest of making it. */
const randomPool = Buffer.alloc(5 * 256);
let randomOffset = randomPool.length;

function nextRandomHex(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 5;
  return randomPool.toString('hex', randomOffset - 5, randomOffset);
}

/**
 * A 26-character ID that sorts in creation order (time, then a per-process sequence, then
 * randomness), so "newest first" lists are stable even when rows share a timestamp.
 */
export function newId(): string {
  const ms = Date.now();
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  return ms.toString(16).padStart(12, '0') + sequence.toString(16).padStart(4, '0') + nextRandomHex();
}
