/** Time is injected (ARCHITECTURE.md convention 10): tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const isoNow = (clock: Clock) => clock.now().toISOString();

export const isoAfter = (clock: Clock, ms: number) => new Date(clock.now().getTime() + ms).toISOString();
