import type { MessageParams } from './fill-in.js';

export type DurationUnit = 'seconds' | 'minutes' | 'hours';

/**
 * How long something took or has been going, as people read it — 「45秒」「12分」「3時間5分」 /
 * "3 h 5 min" — told as the catalog message `monitoring.duration.<unit>` and its parameters, so
 * mail (the server's catalogs) and the screen (its own cut of them) word it alike.
 */
export function durationOf(ms: number): { unit: DurationUnit; params: MessageParams } {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return { unit: 'seconds', params: { s: seconds } };
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return { unit: 'minutes', params: { m: minutes } };
  return { unit: 'hours', params: { h: Math.floor(minutes / 60), m: minutes % 60 } };
}
