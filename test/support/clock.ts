import type { Clock } from '../../src/server/clock.js';

export interface TestClock extends Clock {
  advance(ms: number): void;
  set(date: Date | string): void;
}

export function testClock(start: Date | string = '2026-04-01T00:00:00.000Z'): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
    set(date) {
      current = new Date(date).getTime();
    },
  };
}
