/**
 * Zones the time-zone database has renamed, which browsers still list only by their old names: a
 * reader looking for Kolkata or Kyiv found nothing. Both names are the same zone to the server.
 */
const CURRENT_NAMES: Record<string, string> = {
  'America/Godthab': 'America/Nuuk',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Every time zone the browser knows, by its current name, for the time zone choices; the saved value is kept even if unknown here. */
export function timeZoneChoices(current: string, known: readonly string[] = Intl.supportedValuesOf('timeZone')): string[] {
  const zones = new Set(['UTC', ...known.map((zone) => CURRENT_NAMES[zone] ?? zone)]);
  zones.add(current);
  return [...zones].sort();
}
