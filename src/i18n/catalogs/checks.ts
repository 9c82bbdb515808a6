import { defineMessages } from '../define.js';

/**
 * [接続テスト] and [テストメール送信] answer at once and send nothing later, so where the
 * outbox's message says "waiting mail will be retried", theirs says to try again (checks.service.ts).
 */
export const checkMessages = defineMessages(
  {
    // Also for the managed relay and Gmail, whose server fields are not on the screen.
    'smtp.check.timeout': '{seconds}秒以内に接続テストが終わりませんでした。SMTPサーバが応答していません。サーバーの状態と、ファイアウォールなどネットワークを確認してください。',
    'smtp.check.server_closing': 'SMTPサーバが一時的に処理できない状態です(サーバーの応答: {reply})。しばらくしてから、もう一度お試しください。',
    'smtp.check.quota': 'SMTPサーバの送信数の上限に達しました(サーバーの応答: {reply})。上限はサーバーの管理者に確認してください。',
    'smtp.check.sender_deferred': 'SMTPサーバが送信元を一時的に受け付けませんでした(サーバーの応答: {reply})。しばらくしてから、もう一度お試しください。',
    'smtp.check.recipient_deferred': 'SMTPサーバが宛先を一時的に受け付けませんでした(サーバーの応答: {reply})。しばらくしてから、もう一度お試しください。',
    'smtp.check.message_deferred': 'SMTPサーバがメールを一時的に受け付けませんでした(サーバーの応答: {reply})。しばらくしてから、もう一度お試しください。',
    'smtp.check.connection_dropped': '途中でSMTPサーバとの接続が切断されました。しばらくしてから、もう一度お試しください。',
    'smtp.check.possibly_delivered':
      'テストメールを最後まで送りましたが、SMTPサーバから受け付けの応答がないまま時間切れになったか、接続が切れました。届いている可能性があるため、{to}の受信箱を確認してください。',
    'smtp.check.gmail_refresh_busy': '別のサーバーがGmailのアクセストークンを更新中です。しばらくしてから、もう一度お試しください。',
    'smtp.check.gmail_authorisation_replaced': '確認中にGmailの認証が新しくなりました。もう一度お試しください。',
    'smtp.check.gmail_refresh_unreachable':
      'Gmailのアクセストークンを更新できませんでした。Googleの認証サーバーに接続できません。ネットワークとファイアウォールを確認してください。',
  },
  {
    'smtp.check.timeout': 'The connection test did not finish within {seconds} seconds: the SMTP server is not answering. Check the server and the network, including any firewall.',
    'smtp.check.server_closing': 'The SMTP server cannot take mail right now (server reply: {reply}). Try again in a while.',
    'smtp.check.quota': 'The SMTP server sending limit has been reached (server reply: {reply}). Ask the server administrator about the limit.',
    'smtp.check.sender_deferred': 'The SMTP server temporarily refused the sender (server reply: {reply}). Try again in a while.',
    'smtp.check.recipient_deferred': 'The SMTP server temporarily refused the recipient (server reply: {reply}). Try again in a while.',
    'smtp.check.message_deferred': 'The SMTP server temporarily refused the message (server reply: {reply}). Try again in a while.',
    'smtp.check.connection_dropped': 'The connection to the SMTP server was lost part-way. Try again in a while.',
    'smtp.check.possibly_delivered':
      'The whole test mail was sent, but the SMTP server never confirmed it: the time ran out or the connection was lost first. It may have arrived: check the inbox of {to}.',
    'smtp.check.gmail_refresh_busy': 'Another server is renewing the Gmail access token. Try again in a while.',
    'smtp.check.gmail_authorisation_replaced': 'Gmail was authorised again during the check. Try again.',
    'smtp.check.gmail_refresh_unreachable':
      'The Gmail access token could not be renewed: Google’s sign-in server cannot be reached. Check the network and firewall.',
  },
);
