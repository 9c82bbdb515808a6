import { GMAIL_CALLBACK_REFUSALS, type GmailCallbackRefusal, googleErrorCode } from '../../../../contracts/mail-settings';

/** The return from Google: `/settings/mail?gmail=authorised` or `?gmail=error&reason=<code>[&error=<Google's code>]`. */
export type GmailOutcome = { authorised: true } | { authorised: false; reason: GmailCallbackRefusal; googleError: string };

export function gmailOutcomeOf(search: URLSearchParams): GmailOutcome | null {
  const gmail = search.get('gmail');
  if (gmail === 'authorised') return { authorised: true };
  const reason = GMAIL_CALLBACK_REFUSALS.find((known) => known === search.get('reason'));
  return gmail === 'error' && reason ? { authorised: false, reason, googleError: googleErrorCode(search.get('error')) ?? '-' } : null;
}
