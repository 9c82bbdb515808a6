// INTERFACE STUB — implemented by the settings work (helper S). Signatures are the contract.
import type { MailSettingsForm, MailSettingsView, StoredMailSettings } from '../../contracts/mail-settings.js';
import type { Actor } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';

/** The stored settings with their secrets still encrypted. */
export interface MailSettingsRecord {
  settings: StoredMailSettings;
  smtpPasswordCiphertext: string | null;
  gmailClientSecretCiphertext: string | null;
  version: number;
  updatedAt: string;
}

/** The saved settings; the initial settings of SPEC §1.6 when nothing was saved yet. */
export async function readMailSettings(db: Database): Promise<MailSettingsRecord> {
  void db;
  throw new Error('not implemented');
}

/** Validates the form against the mode and saves it as one unit (SPEC §1.6), audited. */
export async function saveMailSettings(ctx: AppContext, actor: Actor, form: MailSettingsForm): Promise<MailSettingsView> {
  void ctx, actor, form;
  throw new Error('not implemented');
}
