import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { systemActor, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { OAuthError, refreshAccessToken } from '../google/oauth-client.js';
import {
  findAuthorisation,
  markReauthorisationRequired,
  type OAuthAuthorisationRow,
  storeRefreshedTokens,
} from '../google/oauth-authorisation.repository.js';
import type { OAuthMailProvider } from '../google/oauth-mail-provider.js';
import { acquireLease, assertLeaseHeld, type HeldLease, releaseLease } from '../leases/lease.js';
import { purposeOf } from '../security/secret-columns.js';
import { GMAIL_CLIENT_SECRET_PURPOSE, readMailSettings } from '../settings/mail-settings.record.js';
import { type DeliveryFault, TransportFaultError } from './faults.js';
import { metrics } from '../metrics/registry.js';

/**
 * Access tokens for XOAUTH2 (SPEC §1.3 step 7): kept encrypted with their expiry, refreshed
 * shortly before they expire, never by waiting for a refused send. A refresh is single-flight:
 * concurrent sends of one process share it, and instances share the database lease
 * `oauth-token-refresh:<provider>`, so two instances never refresh at once; the others wait for
 * the token it stores.
 */

export const REFRESH_TOKEN_PURPOSE = purposeOf({ table: 'oauth_authorisations', column: 'refresh_token' });
export const ACCESS_TOKEN_PURPOSE = purposeOf({ table: 'oauth_authorisations', column: 'access_token' });

/** Refresh when less than this is left (Google's tokens live an hour), or half the lifetime when that is shorter. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
/** Longer than one refresh may take; a holder that died frees it after this. */
const REFRESH_LEASE_MS = 30_000;
/** How long a send waits for another instance's refresh before giving up for this attempt. */
const WAIT_FOR_OTHER_REFRESH_MS = 30_000;
const WAIT_POLL_MS = 25;

const fault = (code: DeliveryFault['code'], params?: DeliveryFault['params']): DeliveryFault => ({ scope: 'transport', code, params });

export const REAUTHORISATION_FAULT = fault('smtp.gmail_reauth_required');
/** A token refused just as the admin authorised again: the next attempt uses the new authorisation. */
export const AUTHORISATION_REPLACED_FAULT = fault('gmail.authorisation_replaced');

/** Per process and database (tests run two "instances" in one process): the lease owner and the refresh in flight. */
interface Refresher {
  owner: string;
  flights: Map<string, Promise<void>>;
}
const refreshers = new WeakMap<Database, Refresher>();

function refresherOf(ctx: AppContext): Refresher {
  let refresher = refreshers.get(ctx.db);
  if (!refresher) {
    refresher = { owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, flights: new Map() };
    refreshers.set(ctx.db, refresher);
  }
  return refresher;
}

/**
 * A live access token of the authorised account. `refused`: the provider's SMTP server just
 * refused that token, so a fresh one is wanted even before its renewal time. Throws a
 * TransportFaultError (not authorised, 再認証が必要, the refresh failed).
 */
export async function currentAccessToken(ctx: AppContext, provider: OAuthMailProvider, options: { refused?: string } = {}): Promise<string> {
  for (let round = 0; round < 3; round++) {
    const row = requireAuthorised(await findAuthorisation(ctx.db, provider.key));
    const token = usableAccessToken(ctx, row, options.refused);
    if (token) return token;
    await refreshOncePerProcess(ctx, provider, options.refused);
  }
  throw new TransportFaultError(fault('gmail.refresh_busy'));
}

function requireAuthorised(row: OAuthAuthorisationRow | undefined): OAuthAuthorisationRow {
  if (row?.state === 'reauth_required') throw new TransportFaultError(REAUTHORISATION_FAULT);
  if (row?.state !== 'authorised' || !row.refresh_token) throw new TransportFaultError(fault('smtp.gmail_not_authorised'));
  return row;
}

/** The stored access token while it is before its renewal time and is not the refused one. */
function usableAccessToken(ctx: AppContext, row: OAuthAuthorisationRow, refused: string | undefined): string | null {
  if (!row.access_token || !row.access_token_renew_at) return null;
  if (ctx.clock.now().toISOString() >= row.access_token_renew_at) return null;
  const token = ctx.secrets.decrypt(row.access_token, ACCESS_TOKEN_PURPOSE);
  return token === refused ? null : token;
}

/** Concurrent sends of this process wait for the one refresh under way instead of starting their own. */
function refreshOncePerProcess(ctx: AppContext, provider: OAuthMailProvider, refused: string | undefined): Promise<void> {
  const { flights } = refresherOf(ctx);
  let flight = flights.get(provider.key);
  if (!flight) {
    flight = refreshUnderLease(ctx, provider, refused).finally(() => flights.delete(provider.key));
    flights.set(provider.key, flight);
  }
  return flight;
}

async function refreshUnderLease(ctx: AppContext, provider: OAuthMailProvider, refused: string | undefined): Promise<void> {
  const lease = await leaseOrOthersToken(ctx, provider, refused);
  if (!lease) return;
  try {
    // Another instance may have stored a fresh token between our look and the lease.
    const row = requireAuthorised(await findAuthorisation(ctx.db, provider.key));
    if (usableAccessToken(ctx, row, refused)) return;
    await refreshAndStore(ctx, provider, row, lease);
  } finally {
    await releaseLease(ctx.db, lease, ctx.clock.now());
  }
}

/** The refresh lease; null when another instance refreshed meanwhile (its token is stored). */
async function leaseOrOthersToken(ctx: AppContext, provider: OAuthMailProvider, refused: string | undefined): Promise<HeldLease | null> {
  const giveUpAt = Date.now() + WAIT_FOR_OTHER_REFRESH_MS;
  for (;;) {
    const lease = await acquireLease(ctx.db, {
      name: `oauth-token-refresh:${provider.key}`,
      owner: refresherOf(ctx).owner,
      ttlMs: REFRESH_LEASE_MS,
      now: ctx.clock.now(),
    });
    if (lease) return lease;
    if (Date.now() > giveUpAt) throw new TransportFaultError(fault('gmail.refresh_busy'));
    await delay(WAIT_POLL_MS);
    const row = requireAuthorised(await findAuthorisation(ctx.db, provider.key));
    if (usableAccessToken(ctx, row, refused)) return null;
  }
}

async function refreshAndStore(ctx: AppContext, provider: OAuthMailProvider, row: OAuthAuthorisationRow, lease: HeldLease): Promise<void> {
  const credentials = await clientCredentials(ctx);
  let tokens;
  try {
    tokens = await refreshAccessToken(provider, credentials, ctx.secrets.decrypt(row.refresh_token!, REFRESH_TOKEN_PURPOSE));
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_grant') {
      metrics.tokenRefreshes.inc({ outcome: 'reauth_required' });
      if (await reportReauthorisationRequired(ctx, provider, 'invalid_grant', error.description, { refreshToken: row.refresh_token! }, lease)) {
        throw new TransportFaultError(REAUTHORISATION_FAULT);
      }
      return; // authorised again meanwhile: the caller reads the new tokens
    }
    metrics.tokenRefreshes.inc({ outcome: 'failed' });
    throw new TransportFaultError(refreshFault(error));
  }
  metrics.tokenRefreshes.inc({ outcome: 'refreshed' });
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await assertLeaseHeld(trx, lease, now);
    // An authorisation completed meanwhile (another account, perhaps) keeps its own tokens.
    await storeRefreshedTokens(trx, provider.key, row.refresh_token!, {
      ...accessTokenColumns(ctx, tokens, now),
      // A provider that rotates refresh tokens returns a new one; the old one is then dead.
      ...(tokens.refreshToken ? { refresh_token: ctx.secrets.encrypt(tokens.refreshToken, REFRESH_TOKEN_PURPOSE) } : {}),
      updated_at: now.toISOString(),
    });
  });
}

/** The columns of a newly obtained access token: encrypted, with its expiry and renewal time. */
export function accessTokenColumns(ctx: Pick<AppContext, 'secrets'>, tokens: { accessToken: string; expiresIn: number }, now: Date) {
  const lifetimeMs = tokens.expiresIn * 1000;
  const renewBeforeMs = Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2);
  return {
    access_token: ctx.secrets.encrypt(tokens.accessToken, ACCESS_TOKEN_PURPOSE),
    access_token_expires_at: new Date(now.getTime() + lifetimeMs).toISOString(),
    access_token_renew_at: new Date(now.getTime() + lifetimeMs - renewBeforeMs).toISOString(),
  };
}

export async function clientCredentials(ctx: AppContext): Promise<{ clientId: string; clientSecret: string }> {
  const record = await readMailSettings(ctx.db);
  if (!record.settings.gmail.clientId || !record.gmailClientSecretCiphertext) {
    throw new TransportFaultError(fault('smtp.gmail_not_authorised'));
  }
  return {
    clientId: record.settings.gmail.clientId,
    clientSecret: ctx.secrets.decrypt(record.gmailClientSecretCiphertext, GMAIL_CLIENT_SECRET_PURPOSE),
  };
}

/** Google's answers that the OAuth client itself is gone or refused: only a new client helps, not 再認証. */
const CLIENT_REFUSED = new Set(['invalid_client', 'unauthorized_client', 'deleted_client', 'disabled_client']);

/** What a failed refresh other than a dead grant means for the admin (the client, the network). */
function refreshFault(error: unknown): DeliveryFault {
  const code = error instanceof OAuthError ? error.error : 'unreachable';
  if (CLIENT_REFUSED.has(code)) return fault('gmail.refresh_invalid_client', { detail: code });
  if (code === 'unreachable') return fault('gmail.refresh_unreachable');
  return fault('gmail.refresh_failed', { detail: code });
}

/** The authorisation that failed: by its refresh token (ciphertext as stored), or by the access token the provider refused. */
type FailedAuthorisation = { refreshToken: string } | { accessToken: string };

/**
 * 再認証が必要 (SPEC §1.3 step 6, §2.3): the refresh token was revoked or expired, or the
 * provider's SMTP server refused a fresh token. Tokens are dropped; audited once per incident.
 * Only the authorisation that failed is marked: one the admin completed while the failing
 * refresh or login was under way stands, and the answer is then false.
 */
export async function reportReauthorisationRequired(
  ctx: AppContext,
  provider: OAuthMailProvider,
  reason: 'invalid_grant' | 'fresh_token_refused',
  detail: string | undefined,
  failed: FailedAuthorisation,
  lease?: HeldLease,
): Promise<boolean> {
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    if (lease) await assertLeaseHeld(trx, lease, now);
    const row = await findAuthorisation(trx, provider.key);
    const failedRefreshToken = 'refreshToken' in failed ? failed.refreshToken : row && holdsAccessToken(ctx, row, failed.accessToken) ? row.refresh_token : null;
    if (!failedRefreshToken || !(await markReauthorisationRequired(trx, provider.key, failedRefreshToken, now.toISOString()))) {
      return row?.state === 'authorised' ? 'superseded' : 'already_marked';
    }
    await recordAudit(trx, ctx.clock, systemActor(), 'gmail.reauth_required', 'mail_settings', {
      provider: provider.key,
      account: row?.account_email ?? null,
      reason,
      // Google's words ("Token has been expired or revoked.") or the SMTP reply; never a token.
      detail: detail?.slice(0, 300) ?? null,
    });
    return 'marked';
  });
  if (outcome === 'marked') ctx.log.warn({ provider: provider.key, reason }, 'OAuth mail authorisation needs to be renewed (再認証が必要)');
  return outcome !== 'superseded';
}

/** Whether the stored access token of this authorisation is that one. */
function holdsAccessToken(ctx: AppContext, row: OAuthAuthorisationRow, accessToken: string): boolean {
  return row.access_token !== null && ctx.secrets.decrypt(row.access_token, ACCESS_TOKEN_PURPOSE) === accessToken;
}
