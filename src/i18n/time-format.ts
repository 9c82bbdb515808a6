import type { Locale } from './index.js';

/**
 * A time as people read it in mail and on screens: in their zone, with the zone named, e.g.
 * 「2026年4月1日 9:00 JST (Asia/Tokyo)」 / "1 Apr 2026, 09:00 GMT+9 (Asia/Tokyo)".
 */
export function formatInZone(date: Date, timeZone: string, locale: Locale): string {
  return `${formatterFor(timeZone, locale).format(date)} (${timeZone})`;
}

/** Making a formatter costs far more than using one (a digest formats hundreds of times). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, locale: Locale): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
      timeZone,
      year: 'numeric',
      month: locale === 'ja' ? 'long' : 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The same instant in UTC, for readers in another zone and for support. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
