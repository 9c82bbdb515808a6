import type { MailSettingsView } from '../../../../contracts/mail-settings';
import type { MailSettingsFormValues } from './form-values';

/** The Gmail client and its authorisation as the screen knows them (read again after a check). */
export type GmailView = MailSettingsView['settings']['gmail'];

/**
 * What the form holds while a Gmail setup is under way but not saved (SPEC §1.3 steps 4–5): a
 * locked client means the admin chose Gmail and pressed [認証情報を取得] (the choice itself is
 * saved only by [設定完了]), and the authorised account is the sender. Both are unsaved changes.
 */
export function gmailSetupValues(view: MailSettingsView): Partial<Pick<MailSettingsFormValues, 'server' | 'senderAddress'>> {
  const { settings } = view;
  const gmail = settings.gmail;
  if (view.mode !== 'custom' || (settings.server !== 'gmail' && !gmail.locked)) return {};
  const account = gmail.state === 'authorised' ? gmail.accountEmail : null;
  return {
    ...(settings.server !== 'gmail' ? { server: 'gmail' as const } : {}),
    ...(account && account.toLowerCase() !== (settings.senderAddress ?? '').toLowerCase() ? { senderAddress: account } : {}),
  };
}
