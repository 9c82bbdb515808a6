import { defineMessages } from '../define.js';

/** Messages of mail delivery added with the delivery-correctness work (issue 6). */
export const deliveryMessages = defineMessages(
  {
    'smtp.starttls_required':
      'SMTPサーバが暗号化(STARTTLS)を求めています(サーバーの応答: {reply})。[使用する暗号化接続の種類]で「STARTTLS」を選択してください。',
    'smtp.check.certificate_not_verified':
      '[証明書を検証しない]が有効なため、サーバー証明書は検証していません。接続先が本物のサーバーである保証はありません。',
  },
  {
    'smtp.starttls_required':
      'The SMTP server requires encryption (STARTTLS) first (server reply: {reply}). Choose "STARTTLS" as the encryption type.',
    'smtp.check.certificate_not_verified':
      '[Do not verify certificate] is on, so the server certificate was not verified: nothing guarantees this is the real server.',
  },
);
