import { describe, expect, it } from 'vitest';
import { timeZoneSchema } from '../../../contracts/common';
import { timeZoneChoices } from './time-zones';

describe('the time zone choices', () => {
  it('list renamed zones by their current names, which the server takes, and keep a saved old name', () => {
    const choices = timeZoneChoices('Asia/Tokyo', ['Asia/Calcutta', 'Europe/Kiev', 'Asia/Tokyo']);
    // Before, only Asia/Calcutta and Europe/Kiev: a reader looking for Kolkata or Kyiv found nothing.
    expect(choices).toEqual(['Asia/Kolkata', 'Asia/Tokyo', 'Europe/Kyiv', 'UTC']);
    for (const zone of choices) expect(timeZoneSchema.safeParse(zone).success, zone).toBe(true);
    expect(timeZoneChoices('Asia/Calcutta', ['Asia/Calcutta'])).toEqual(['Asia/Calcutta', 'Asia/Kolkata', 'UTC']);
  });
});
