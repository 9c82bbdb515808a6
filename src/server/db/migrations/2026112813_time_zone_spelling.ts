import type { Kysely } from 'kysely';
import { zoneAsSpelled } from '../../../contracts/time-zones.js';

/**
 * Time zones stored as they were typed before 2026-11-28 (`asia/tokyo`) take the time-zone
 * database's spelling (`Asia/Tokyo`), as new ones do: every mail to such a user named the zone
 * 「(asia/tokyo)」.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['users', 'organisation']) {
    const stored = await db.selectFrom(table).select('time_zone').distinct().execute();
    for (const { time_zone: zone } of stored as { time_zone: string }[]) {
      const spelled = zoneAsSpelled(zone);
      if (spelled !== zone) await db.updateTable(table).set({ time_zone: spelled }).where('time_zone', '=', zone).execute();
    }
  }
}

export async function down(): Promise<void> {
  // The old spellings were the same zones: nothing to put back.
}
