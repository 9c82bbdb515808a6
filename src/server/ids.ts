import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A 26-character ID that sorts in creation order (time, then a per-process sequence, then
 * randomness), so "newest first" lists are stable even when rows share a timestamp.
 */
export function newId(): string {
  const ms = Date.now();
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  return ms.toString(16).padStart(12, '0') + sequence.toString(16).padStart(4, '0') + randomBytes(5).toString('hex');
}
