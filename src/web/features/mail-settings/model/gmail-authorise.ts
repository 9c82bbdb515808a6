import type { GmailAuthorizeRequest } from '../../../../contracts/mail-settings';
import type { MailSettingsFormValues } from './form-values';
import type { GmailView } from './gmail-setup';

/** [認証情報を取得] / 再認証 (components/gmail/GmailAuthorisation.tsx): what is sent, and what the trip to Google would lose. */

/** The body of [認証情報を取得]: the client as typed (an empty secret box keeps the saved one), or `{}` once locked. */
export function authorizeBodyOf(values: MailSettingsFormValues, gmail: GmailView): GmailAuthorizeRequest {
  if (gmail.locked) return {};
  const { clientId, clientSecret } = values.gmail;
  return clientSecret === '' ? { clientId } : { clientId, clientSecret };
}

/** The parts of the form saved whatever the server: a trip to Google would lose changes to them. */
const SAVED_WITH_ANY_SERVER = ['sendingEnabled', 'suspensionRecipients', 'monitoring'] as const;

export function unsavedBesidesGmail(dirtyFields: Partial<Record<keyof MailSettingsFormValues, unknown>>): boolean {
  return SAVED_WITH_ANY_SERVER.some((part) => holdsTrue(dirtyFields[part]));
}

const holdsTrue = (value: unknown): boolean => value === true || (typeof value === 'object' && value !== null && Object.values(value).some(holdsTrue));
