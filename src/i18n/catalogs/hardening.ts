import { defineMessages } from '../define.js';

/** Messages of the hardening work (issue 7) for features that already exist. */
export const hardeningMessages = defineMessages(
  {
    'error.request_timeout': 'リクエストの受信が時間内に完了しませんでした。',
    'error.headers_too_large': 'リクエストヘッダーが大きすぎます。',
    'error.invalid_json': '本文が JSON として読めません(空、または書式の誤り)。',
    'error.json_too_deep': '本文の JSON の入れ子が深すぎます({max}段まで)。',
    'mail.idempotency_key_repeated': 'Idempotency-Key ヘッダーは1つだけ送ってください。',
    'error.json_forbidden_key': '本文に使用できない項目名(__proto__、constructor.prototype)が含まれています。',
    'error.unsupported_media_type': '本文は Content-Type: application/json で送ってください。',
    'error.json_charset': 'JSON は UTF-8 で送ってください(Content-Type の charset に UTF-8 以外は指定できません)。',
    'error.body_not_utf8': '本文が UTF-8 として読めません。Shift_JIS などではなく UTF-8 で送ってください。',
    'error.installation_incomplete': 'Tayori の初期化が完了していません。tayori serve または tayori worker を一度起動してください(起動時に作成されます)。',
    'address.separator': '「{item}」: 複数のメールアドレスはセミコロン「;」で区切ってください。',
    'address.full_width': '「{item}」: 全角の文字が含まれています。メールアドレスと区切りのセミコロン「;」は半角で入力してください。',
    'validation.cursor': 'ページの指定(cursor)が正しくありません。最初のページから読み直してください。',
    'smtp.secret_unreadable':
      '保存済みのSMTPパスワードを復号できません。暗号鍵(TAYORI_SECRET_KEY、またはデータディレクトリの secret.key)が保存時と異なります。保存時の鍵を設定し直すか(鍵を替えるときは TAYORI_SECRET_KEY を「新しい鍵,古い鍵」にして tayori secrets rotate を実行します)、[メール送信設定]で[認証パスワード]を入力し直して保存してください。',
  },
  {
    'error.request_timeout': 'The request did not arrive in time.',
    'error.headers_too_large': 'The request headers are too large.',
    'error.invalid_json': 'The body is not valid JSON (it is empty or malformed).',
    'error.json_too_deep': 'The JSON body is nested too deeply (at most {max} levels).',
    'mail.idempotency_key_repeated': 'Send the Idempotency-Key header once.',
    'error.json_forbidden_key': 'The body holds a field name that is not allowed (__proto__, constructor.prototype).',
    'error.unsupported_media_type': 'Send the body with Content-Type: application/json.',
    'error.json_charset': 'Send JSON in UTF-8 (a Content-Type charset other than UTF-8 is not accepted).',
    'error.body_not_utf8': 'The body is not valid UTF-8. Send it in UTF-8, not Shift_JIS or another encoding.',
    'error.installation_incomplete': 'Tayori is not fully set up. Start tayori serve or tayori worker once (they create what is missing).',
    'address.separator': '"{item}": separate several addresses with a semicolon ";".',
    'address.full_width': '"{item}": contains full-width characters. Type the address, and the semicolon ";" between addresses, in half-width characters.',
    'validation.cursor': 'The page cursor is not valid. Start again from the first page.',
    'smtp.secret_unreadable':
      'The saved SMTP password cannot be decrypted: the encryption key (TAYORI_SECRET_KEY, or secret.key in the data dir) differs from the one it was saved with. Restore that key (to change keys, set TAYORI_SECRET_KEY to "new key,old key" and run tayori secrets rotate), or enter the password again in Mail settings and save.',
  },
);
