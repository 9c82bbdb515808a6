import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import type { MailSettingsRecord } from '../settings/mail-settings.record.js';
import { GMAIL_CLIENT_SECRET_PURPOSE } from '../settings/mail-settings.record.js';
import { REFRESH_TOKEN_PURPOSE } from '../transports/oauth-access-token.js';
import { findAuthorisation } from './oauth-authorisation.repository.js';
import { OAuthError, revokeToken } from './oauth-client.js';
import { GMAIL_PROVIDER_KEY, gmailProvider } from './oauth-mail-provider.js';

/** A Gmail authorisation being deleted, as needed to revoke it at Google once the deletion is saved. */
export interface RetiredGmail {
  clientId: string;
  clientSecretCiphertext: string;
  refreshTokenCiphertext: string;
}

/** Read in the save's transaction, before the row goes; null when nothing was ever granted. */
export async function retiredGmailOf(db: Database, record: MailSettingsRecord): Promise<RetiredGmail | null> {
  const refreshTokenCiphertext = (await findAuthorisation(db, GMAIL_PROVIDER_KEY))?.refresh_token;
  const clientId = record.settings.gmail.clientId;
  const clientSecretCiphertext = record.gmailClientSecretCiphertext;
  if (!refreshTokenCiphertext || !clientId || !clientSecretCiphertext) return null;
  return { clientId, clientSecretCiphertext, refreshTokenCiphertext };
}

/**
 * 既定 deletes the Gmail credentials here; this ends the grant at Google too, after the deletion is
 * saved. The refresh token can read and send all of the account's mail and Google keeps it valid
 * until revoked, so a copy in an old backup stayed a live key to the mailbox after the admin was
 * told the credentials were deleted. Best effort: when Google cannot be reached the deletion
 * stands, and the log says where the account's owner can remove the access.
 */
export async function revokeRetiredGmail(ctx: AppContext, retired: RetiredGmail): Promise<void> {
  try {
    await revokeToken(
      gmailProvider(ctx.config),
      { clientId: retired.clientId, clientSecret: ctx.secrets.decrypt(retired.clientSecretCiphertext, GMAIL_CLIENT_SECRET_PURPOSE) },
      ctx.secrets.decrypt(retired.refreshTokenCiphertext, REFRESH_TOKEN_PURPOSE),
    );
    ctx.log.info('the deleted Gmail authorisation was revoked at Google');
  } catch (error) {
    ctx.log.warn(
      { reason: error instanceof OAuthError ? error.error : 'unexpected' },
      'the deleted Gmail authorisation could not be revoked at Google; its account can remove the access at https://myaccount.google.com/permissions',
    );
  }
}
