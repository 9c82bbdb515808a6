import { type GmailAuthorisationView, initialMailSettings, type StoredMailSettings, storedMailSettingsSchema } from '../../contracts/mail-settings.js';
import type { Database } from '../db/database.js';
import { readAuthorisationView } from '../google/oauth-authorisation.repository.js';
import { GMAIL_PROVIDER_KEY } from '../google/oauth-mail-provider.js';
import { purposeOf } from '../security/secret-columns.js';
import { findMailSettingsRow } from './mail-settings.repository.js';

/** The stored settings with their secrets still encrypted. */
export interface MailSettingsRecord {
  settings: StoredMailSettings;
  smtpPasswordCiphertext: string | null;
  gmailClientSecretCiphertext: string | null;
  /** Runtime state kept outside the document (oauth_authorisations), joined in. */
  gmail: GmailAuthorisationView;
  /** 0 while nothing was saved yet. */
  version: number;
  /** '' while nothing was saved yet. */
  updatedAt: string;
}

export const GMAIL_CLIENT_SECRET_PURPOSE = purposeOf({ table: 'mail_settings', column: 'gmail_client_secret' });

/** The saved settings; the initial settings of SPEC §1.6 when nothing was saved yet. */
export async function readMailSettings(db: Database): Promise<MailSettingsRecord> {
  const row = await findMailSettingsRow(db);
  const gmail = await readAuthorisationView(db, GMAIL_PROVIDER_KEY);
  if (!row) {
    return { settings: initialMailSettings(), smtpPasswordCiphertext: null, gmailClientSecretCiphertext: null, gmail, version: 0, updatedAt: '' };
  }
  return {
    settings: storedMailSettingsSchema.parse(JSON.parse(row.document)),
    smtpPasswordCiphertext: row.smtp_password,
    gmailClientSecretCiphertext: row.gmail_client_secret,
    gmail,
    version: row.version,
    updatedAt: row.updated_at,
  };
}
