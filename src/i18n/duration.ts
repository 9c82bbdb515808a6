import { type Locale, t } from './index.js';

/** How long something took or has been going, as people read it: 「45秒」「12分」「3時間5分」 / "3 h 5 min". In mail and on screens alike. */
export function formatDuration(locale: Locale, ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return t(locale, 'monitoring.duration.seconds', { s: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t(locale, 'monitoring.duration.minutes', { m: minutes });
  return t(locale, 'monitoring.duration.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}
