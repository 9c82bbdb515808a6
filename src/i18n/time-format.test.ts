import { describe, expect, it } from 'vitest';
import { formatInZone, formatUtc } from './time-format.js';

describe('formatInZone', () => {
  const instant = new Date('2026-04-01T00:30:00Z');

  it('shows Japanese time with the zone named', () => {
    const text = formatInZone(instant, 'Asia/Tokyo', 'ja');
    expect(text).toContain('2026年4月1日');
    expect(text).toContain('09:30');
    expect(text).toContain('JST');
    expect(text).toContain('(Asia/Tokyo)');
  });

  it('shows another zone in English', () => {
    const text = formatInZone(instant, 'Europe/London', 'en');
    expect(text).toContain('01:30');
    expect(text).toContain('(Europe/London)');
  });

  it('gives UTC too', () => {
    expect(formatUtc(instant)).toBe('2026-04-01 00:30 UTC');
  });
});
