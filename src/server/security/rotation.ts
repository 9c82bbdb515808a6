import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { type SecretBox, SecretUnreadableError } from './secret-box.js';
import { purposeOf, SECRET_COLUMNS, type SecretColumn } from './secret-columns.js';

interface StoredSecret {
  secret: SecretColumn;
  id: string | number;
  value: string;
}

async function storedSecrets(db: Database): Promise<StoredSecret[]> {
  const found: StoredSecret[] = [];
  for (const secret of SECRET_COLUMNS) {
    const rows = await sql<{ id: string | number; value: string }>`
      select id, ${sql.ref(secret.column)} as value from ${sql.table(secret.table)}
      where ${sql.ref(secret.column)} is not null`.execute(db);
    for (const row of rows.rows) found.push({ secret, ...row });
  }
  return found;
}

/** The ids of the keys that stored secrets are encrypted with and the box cannot decrypt with. */
export async function keysMissingFor(db: Database, box: SecretBox): Promise<string[]> {
  const missing = new Set<string>();
  for (const { secret, value } of await storedSecrets(db)) {
    try {
      box.decrypt(value, purposeOf(secret));
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      missing.add(box.keyIdOf(value));
    }
  }
  return [...missing];
}

/**
 * Re-encrypts every stored secret with the current key, in one transaction. Returns how many
 * values were rewritten; afterwards no ciphertext refers to an older key.
 */
export async function reencryptAllSecrets(db: Database, box: SecretBox): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let rewritten = 0;
    for (const { secret, id, value } of await storedSecrets(trx)) {
      if (box.keyIdOf(value) === box.currentKeyId) continue;
      const fresh = box.encrypt(box.decrypt(value, purposeOf(secret)), purposeOf(secret));
      await sql`update ${sql.table(secret.table)} set ${sql.ref(secret.column)} = ${fresh} where id = ${id}`.execute(trx);
      rewritten++;
    }
    return rewritten;
  });
}
