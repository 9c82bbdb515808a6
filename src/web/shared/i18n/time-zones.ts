import { CURRENT_ZONE_NAMES } from '../../../contracts/time-zones';

/** Every time zone the browser knows, by its current name, for the time zone choices; the saved value is kept even if unknown here. */
export function timeZoneChoices(current: string, known: readonly string[] = Intl.supportedValuesOf('timeZone')): string[] {
  const zones = new Set(['UTC', ...known.map((zone) => CURRENT_ZONE_NAMES[zone] ?? zone)]);
  zones.add(current);
  return [...zones].sort();
}
