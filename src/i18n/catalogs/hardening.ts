import { defineMessages } from '../define.js';

/** Messages of the hardening work (issue 7) for features that already exist. */
export const hardeningMessages = defineMessages(
  {
    'error.request_timeout': 'リクエストの受信が時間内に完了しませんでした。',
    'error.headers_too_large': 'リクエストヘッダーが大きすぎます。',
    'address.separator': '「{item}」: 複数のメールアドレスはセミコロン「;」で区切ってください。',
    'validation.cursor': 'ページの指定(cursor)が正しくありません。最初のページから読み直してください。',
  },
  {
    'error.request_timeout': 'The request did not arrive in time.',
    'error.headers_too_large': 'The request headers are too large.',
    'address.separator': '"{item}": separate several addresses with a semicolon ";".',
    'validation.cursor': 'The page cursor is not valid. Start again from the first page.',
  },
);
