import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { SecretBox } from './secret-box.js';
import { purposeOf, SECRET_COLUMNS } from './secret-columns.js';

/**
 * Re-encrypts every stored secret with the current key, in one transaction. Returns how many
 * values were rewritten; afterwards no ciphertext refers to an older key.
 */
export async function reencryptAllSecrets(db: Database, box: SecretBox): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let rewritten = 0;
    for (const secret of SECRET_COLUMNS) {
      const rows = await sql<{ id: string | number; value: string }>`
        select id, ${sql.ref(secret.column)} as value from ${sql.table(secret.table)}
        where ${sql.ref(secret.column)} is not null`.execute(trx);
      for (const row of rows.rows) {
        if (box.keyIdOf(row.value) === box.currentKeyId) continue;
        const fresh = box.encrypt(box.decrypt(row.value, purposeOf(secret)), purposeOf(secret));
        await sql`update ${sql.table(secret.table)} set ${sql.ref(secret.column)} = ${fresh} where id = ${row.id}`.execute(trx);
        rewritten++;
      }
    }
    return rewritten;
  });
}
