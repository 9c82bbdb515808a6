import type { Selectable, Updateable } from 'kysely';
import type { GmailAuthorisationView } from '../../contracts/mail-settings.js';
import type { Database } from '../db/database.js';
import type { OauthAuthorisationsTable } from '../db/schema.js';

export type OAuthAuthorisationRow = Selectable<OauthAuthorisationsTable>;

export function findAuthorisation(db: Database, provider: string): Promise<OAuthAuthorisationRow | undefined> {
  return db.selectFrom('oauth_authorisations').selectAll().where('id', '=', provider).executeTakeFirst();
}

/** No row: [認証情報を取得] was never pressed, or 既定 was saved since. */
export const NO_AUTHORISATION: GmailAuthorisationView = Object.freeze({ state: 'unauthorised', locked: false, accountEmail: null, authorisedAt: null });

/** The authorisation as the settings view shows it: locked from [認証情報を取得] on, i.e. while the row exists. */
export async function readAuthorisationView(db: Database, provider: string): Promise<GmailAuthorisationView> {
  const row = await findAuthorisation(db, provider);
  if (!row) return NO_AUTHORISATION;
  return { state: row.state, locked: true, accountEmail: row.account_email, authorisedAt: row.authorised_at };
}

/** Starts (or restarts) a flow: the row is created on the first [認証情報を取得] and keeps its state and tokens until the callback. */
export async function savePendingFlow(
  db: Database,
  provider: string,
  pending: Pick<OAuthAuthorisationRow, 'pending_state_hash' | 'pending_code_verifier' | 'pending_session_id' | 'pending_started_at'>,
): Promise<void> {
  await db
    .insertInto('oauth_authorisations')
    .values({ id: provider, state: 'unauthorised', updated_at: pending.pending_started_at!, ...pending })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...pending, updated_at: pending.pending_started_at! }))
    .execute();
}

/**
 * Takes the pending flow of this state and session, once: a second callback with the same state
 * (a reload, a replay) finds nothing, and another session cannot use up the admin's flow.
 * Returns the flow as it was.
 */
export async function takePendingFlow(
  db: Database,
  provider: string,
  stateHash: string,
  sessionId: string,
): Promise<OAuthAuthorisationRow | undefined> {
  const row = await db
    .selectFrom('oauth_authorisations')
    .selectAll()
    .where('id', '=', provider)
    .where('pending_state_hash', '=', stateHash)
    .where('pending_session_id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const taken = await db
    .updateTable('oauth_authorisations')
    .set({ pending_state_hash: null, pending_code_verifier: null, pending_session_id: null, pending_started_at: null })
    .where('id', '=', provider)
    .where('pending_state_hash', '=', stateHash)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1 ? row : undefined;
}

export async function updateAuthorisation(db: Database, provider: string, values: Updateable<OauthAuthorisationsTable>): Promise<void> {
  await db.updateTable('oauth_authorisations').set(values).where('id', '=', provider).execute();
}

/**
 * Marks the authorisation 再認証が必要 unless it already is, or unless it is no longer the one
 * whose refresh token failed (the admin authorised again meanwhile); true for the one caller
 * that changed it.
 */
export async function markReauthorisationRequired(db: Database, provider: string, failedRefreshToken: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('oauth_authorisations')
    .set({ state: 'reauth_required', refresh_token: null, access_token: null, access_token_expires_at: null, access_token_renew_at: null, updated_at: nowIso })
    .where('id', '=', provider)
    .where('state', '=', 'authorised')
    .where('refresh_token', '=', failedRefreshToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Stores refreshed tokens only while the authorisation is still the one refreshed (its refresh token unchanged). */
export async function storeRefreshedTokens(
  db: Database,
  provider: string,
  usedRefreshToken: string,
  values: Updateable<OauthAuthorisationsTable>,
): Promise<void> {
  await db.updateTable('oauth_authorisations').set(values).where('id', '=', provider).where('refresh_token', '=', usedRefreshToken).execute();
}

export async function deleteAuthorisation(db: Database, provider: string): Promise<boolean> {
  const result = await db.deleteFrom('oauth_authorisations').where('id', '=', provider).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
