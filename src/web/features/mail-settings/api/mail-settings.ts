import { type MailCheckOutcome, mailCheckOutcomeSchema } from '../../../../contracts/mail-checks';
import {
  type GmailAuthorizeRequest,
  gmailAuthorizeResponseSchema,
  type MailSettingsFormInput,
  type MailSettingsView,
  mailSettingsViewSchema,
} from '../../../../contracts/mail-settings';
import { apiRequest } from '../../../shared/api/client';
import type { CheckBody } from '../model/form-values';

export function loadMailSettings(): Promise<MailSettingsView> {
  return apiRequest('GET', '/api/settings/mail', { schema: mailSettingsViewSchema });
}

/** [設定完了]: the whole form at once; 422 lists every problem, 409 when someone saved since `version`. */
export function saveMailSettings(body: MailSettingsFormInput): Promise<MailSettingsView> {
  return apiRequest('PUT', '/api/settings/mail', { body, schema: mailSettingsViewSchema });
}

/** Every problem [設定完了] would find in the form, the rules that need the saved settings included; saves nothing. */
export async function checkMailSettings(body: MailSettingsFormInput): Promise<void> {
  await apiRequest('POST', '/api/settings/mail/check', { body });
}

/** [接続テスト] with the form's values as they are now (not saved). */
export function testConnection(body: CheckBody): Promise<MailCheckOutcome> {
  return apiRequest('POST', '/api/settings/mail/test-connection', { body, schema: mailCheckOutcomeSchema });
}

/** [テストメール送信] with the form's values, to `to` or the admin's own address. */
export function sendTestMail(body: CheckBody): Promise<MailCheckOutcome> {
  return apiRequest('POST', '/api/settings/mail/test-mail', { body, schema: mailCheckOutcomeSchema });
}

/**
 * [認証情報を取得] / 再認証: saves and locks the client (or uses the locked one, with `{}`) and
 * answers where the browser goes to sign in at Google.
 */
export async function authorizeGmail(body: GmailAuthorizeRequest): Promise<string> {
  const { authorizationUrl } = await apiRequest('POST', '/api/settings/mail/gmail/authorize', { body, schema: gmailAuthorizeResponseSchema });
  return authorizationUrl;
}
