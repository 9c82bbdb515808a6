/**
 * Zones the time-zone database has renamed, which the time-zone data of browsers and Node still
 * lists only by their old names: a reader looking for Kolkata or Kyiv found nothing. Both names
 * are the same zone to the server.
 */
export const CURRENT_ZONE_NAMES: Readonly<Record<string, string>> = {
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

let spellings: Map<string, string> | undefined;

/**
 * A zone name in the database's own spelling: `asia/tokyo` is `Asia/Tokyo`. The time-zone data
 * takes any case, and `asia/tokyo` was stored as typed and printed so in every mail
 * (「(asia/tokyo)」). An alias the list does not hold stays as given when it is written with
 * capitals (`US/Eastern`, `America/Argentina/Buenos_Aires`); in lower case it becomes the name of
 * its zone (`us/eastern` → `America/New_York`).
 */
export function zoneAsSpelled(zone: string): string {
  spellings ??= new Map(
    ['UTC', ...Intl.supportedValuesOf('timeZone'), ...Object.values(CURRENT_ZONE_NAMES)].map((name) => [name.toLowerCase(), name]),
  );
  const listed = spellings.get(zone.toLowerCase());
  if (listed) return listed;
  // An alias typed without capitals (`us/eastern`): the zone's own name, as the data spells it.
  if (zone !== zone.toLowerCase()) return zone;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return zone;
  }
}
