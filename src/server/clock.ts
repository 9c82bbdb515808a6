/** Time is injected (ARCHITECTURE.md convention 10): tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
