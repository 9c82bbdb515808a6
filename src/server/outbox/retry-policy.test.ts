import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-policy.js';

const policy = { retryBaseMs: 30_000, retryMaxMs: 3_600_000 };

describe('retryDelayMs', () => {
  it('doubles with each attempt, between half and all of the step', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, policy, () => 0.999999)).toBeCloseTo(30_000, -1);
    expect(retryDelayMs(3, policy, () => 0)).toBe(60_000);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(40, policy, () => 0.999999)).toBeLessThanOrEqual(3_600_000);
    expect(retryDelayMs(40, policy, () => 0)).toBe(1_800_000);
  });

  it('spreads mails that fail together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(2, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
