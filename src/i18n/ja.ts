import { checkMessages } from './catalogs/checks.js';
import { deliveryMessages } from './catalogs/delivery.js';
import { lockoutScreenMessages } from './catalogs/lockout-screen.js';
import { monitoringScreenMessages } from './catalogs/monitoring-screen.js';
import { gmailMessages } from './catalogs/gmail.js';
import { cliMessages } from './catalogs/cli.js';
import { hardeningMessages } from './catalogs/hardening.js';
import { monitoringMessages } from './catalogs/monitoring.js';
import { lockoutMessages } from './catalogs/lockout.js';
import { adminScreenMessages } from './catalogs/admin-screens.js';
import { backupMessages } from './catalogs/backup.js';
import { mailSettingsScreenMessages } from './catalogs/mail-settings-screen.js';
import { gmailScreenMessages } from './catalogs/gmail-screen.js';
import { screenMessages } from './catalogs/screen.js';

/** Japanese catalog: the first language of every screen and mail (SPEC §1). */
export const ja = {
  // ── common errors ─────────────────────────────────────────────
  'error.internal': 'サーバー内部でエラーが発生しました。時間をおいて再度お試しください。',
  'error.not_found': '対象が見つかりません。',
  'error.unauthenticated': 'ログインしてください。',
  'error.token_refused': 'トークンがないか、正しくないか、無効化されています。Authorization: Bearer <トークン> で、有効なトークンを送ってください。',
  'error.forbidden': 'この操作を行う権限がありません。',
  'error.csrf': '画面の有効期限が切れました。再読み込みしてからもう一度操作してください。',
  'error.validation': '入力内容に誤りがあります。',
  'error.bad_request': 'リクエストの形式が正しくありません。',
  'error.conflict': '他の操作と競合しました。画面を再読み込みしてください。',
  'error.rate_limited': 'リクエストが多すぎます。しばらく待ってから再度お試しください。',
  'error.payload_too_large': 'データが大きすぎます。',

  // ── validation (field errors) ─────────────────────────────────
  'validation.required': '入力してください。',
  'validation.invalid_type': '値の種類が正しくありません。',
  'validation.expected_number': '数値で指定してください。',
  'validation.expected_boolean': 'true か false で指定してください。',
  'validation.expected_text': '文字列で指定してください。',
  'validation.expected_list': 'リスト([ ])で指定してください。',
  'validation.expected_object': 'オブジェクト({ })で指定してください。',
  'validation.unknown_field': 'この項目は受け付けられません。',
  'validation.too_short': '{min}文字以上で入力してください。',
  'validation.too_long': '{max}文字以内で入力してください。',
  'validation.too_small': '{min}以上の値を入力してください。',
  'validation.too_big': '{max}以下の値を入力してください。',
  'validation.not_integer': '整数で入力してください。',
  'validation.invalid_choice': '選択肢の中から選んでください。',
  'validation.control_chars': '改行・制御文字は使用できません。',
  'validation.bidi_controls': '文字の向きを変える制御文字(U+202A〜U+202E、U+2066〜U+2069)は使用できません。',
  'validation.lone_surrogate': '文字として読めないデータ(対になっていないサロゲート)が含まれています。',
  'validation.invalid': '値が正しくありません。',
  'validation.login_id': 'ログインIDは半角英数字と . _ - @ で、1〜64文字で入力してください。',
  'validation.time_zone': 'タイムゾーンが正しくありません(例: Asia/Tokyo)。',
  'validation.email': 'メールアドレスの形式が正しくありません。',
  'validation.password_weak': 'パスワードは8文字以上で入力してください。',

  // ── addresses (SPEC §1.7) ─────────────────────────────────────
  'address.control_chars': '「{item}」: 改行・NULなどの制御文字は使用できません。',
  'address.display_name': '「{item}」: 表示名や < > 、空白を含めず、メールアドレスだけを入力してください。',
  'address.comma': '「{item}」: 区切り文字はカンマではなくセミコロン「;」を使用してください。',
  'address.one_only': '「{item}」: メールアドレスを一つだけ入力してください。',
  'address.malformed': '「{item}」はメールアドレスの形式ではありません(例: info@example.co.jp)。',
  'address.local_too_long': '「{item}」: @より前の部分は64文字以内にしてください。',
  'address.local_invalid': '「{item}」: @より前の部分に使用できない文字があります。',
  'address.domain_invalid': '「{item}」: @より後ろのドメイン名が正しくありません。',
  'address.not_text': '「{item}」はメールアドレスではありません。メールアドレスは文字列("info@example.co.jp")で指定してください。',
  'address.too_long': '「{item}」: メールアドレスは254文字以内にしてください。',
  'address.too_many': 'メールアドレスは{max}件までです(入力: {item}件)。',

  // ── メール送信設定 (SPEC §1) ───────────────────────────────────
  'settings.host_invalid': 'ホスト名またはIPアドレスの形式が正しくありません(例: smtp.example.co.jp)。',
  'settings.kind_needs_outcome': '有効にする場合は、正常終了・異常終了・長時間のいずれかにチェックを付けてください。',
  'settings.interval_step': '監視間隔は5分単位(5分〜60分)で選択してください。',
  'settings.monitoring_recipients_required': 'スレッド処理の通知を有効にする場合は、通知先のメールアドレスを入力してください。',
  'settings.managed_field': 'メール自動設定機能の利用中は、この項目は設定できません。',
  'settings.required_to_send': 'メール送信を有効化する場合は入力してください。',
  'settings.gmail_not_selected': 'この項目は「Gmailを使用する」を選択した場合のみ設定できます。',
  'settings.gmail_locked': '認証情報の取得後は変更できません。変更するには「既定のメールサーバーを使用する」を選択してから、もう一度Gmailを設定してください。',
  'settings.gmail_sender_mismatch': '送信元メールアドレスは、認証したGmailアカウントのアドレス({account})にしてください。Gmailは他の差出人を書き換えます。',

  // ── mail (SPEC §2) ─────────────────────────────────────────────
  'mail.no_recipients': '宛先(to / cc / bcc)を一つ以上指定してください。',
  'mail.no_body': '本文(text または html)を指定してください。',
  'mail.recipients_shape': '宛先は「a@example.jp; b@example.jp」の形の文字列、またはメールアドレスか {"name": 名前, "address": メールアドレス} を並べた配列で指定してください。',
  'mail.mailbox_shape': 'メールアドレス、または {"name": 名前, "address": メールアドレス} の形で指定してください。',
  'mail.attachments_too_large': '添付ファイルは合計{max}までです。',
  'mail.attachment_not_base64': 'base64として正しくありません。4文字ずつの組で、= は最後の組の埋め草にだけ使えます(改行と空白は無視します)。',
  'mail.attachment_container_type': 'multipart/ や message/ の種類は添付ファイルに使えません。application/octet-stream など、ファイルの種類を指定してください。',
  'mail.suppressed': 'メール送信が無効のため、送信しませんでした。',
  'mail.partially_rejected': '一部の宛先がサーバーに拒否されました: {addresses}',
  'mail.partially_deferred': '一部の宛先はサーバーが一時的に受け付けなかったため、その宛先にだけ後で送り直します(配信ログに別の行で表示します): {addresses}',
  'mail.partially_rejected_and_deferred':
    '一部の宛先がサーバーに拒否されました: {refused}。一時的に受け付けなかった宛先には、後で送り直します(配信ログに別の行で表示します): {deferred}',
  'mail.possibly_delivered':
    'メールを最後まで送った後、SMTPサーバから受け付けの応答がないまま時間切れになったか、接続が切れました。届いている可能性があります。届いていない場合に備えて時間をおいて同じMessage-IDで再送するため、同じメールが2通届くことがあります。',
  'mail.expired': '{hours}時間以内に送信できなかったため、送信を中止しました。最後のエラー: {reason}',
  'mail.not_configured': 'メールサーバーが設定されていません。[メール送信設定]でSMTPサーバアドレスと送信元メールアドレスを設定してください。',
  'mail.idempotency_conflict': 'この冪等性キーは別の内容のメールで使用済みです。',
  'alert.subject': '【Tayori】メールを送信できない状態が続いています',
  'alert.body': 'Tayori からのメール送信が {since} から失敗しています。\n\n原因: {reason}\n最後に送信に成功した日時: {lastSuccess}\n\n[システムの設定] › [環境設定] › [メール送信設定] で設定を確認し、[接続テスト] を実行してください。送信できなかったメールは送信待ちとして保持され、復旧後に送信されます(最長{hours}時間)。',
  'alert.never': 'なし',

  // ── SMTP transports and checks (SPEC §2.3, §2.4) ─────────────
  'smtp.password_required': 'SMTP認証のパスワードが設定されていません。[認証パスワード]を入力して保存してください。',
  'smtp.password_reenter': 'SMTPサーバアドレス・ポート番号・認証ユーザ名が保存時と異なるか、暗号化接続が保存時より弱い(暗号化なし、または[証明書を検証しない])ため、保存済みのパスワードは使用しません。[認証パスワード]を入力し直してください。',
  'smtp.gmail_not_authorised': 'Gmailの認証が完了していません。[認証情報を取得]から認証し、[設定完了]を押してください。',
  'smtp.gmail_reauth_required': 'Gmailの認証が無効になりました(取り消されたか期限切れです)。[再認証]を行ってください。',
  'smtp.ca_file_unreadable': '信頼するCA証明書のファイル({path})を読み込めません。TAYORI_SMTP_CA_FILE の設定とファイルを確認してください。',
  'smtp.dns': 'SMTPサーバのホスト名をDNSで解決できませんでした。[SMTPサーバアドレス]の綴りと、このサーバーから名前解決できるかを確認してください。',
  'smtp.refused': 'SMTPサーバに接続を拒否されました。[SMTPサーバアドレス]と[ポート番号]が正しいか、サーバーが起動しているかを確認してください。',
  'smtp.unreachable': 'SMTPサーバに到達できません。ネットワークの経路、ファイアウォール、[SMTPサーバアドレス]を確認してください。',
  'smtp.timeout_connect': 'SMTPサーバへの接続が時間内に完了しませんでした。ファイアウォールで通信が遮断されていないか、[ポート番号]と[使用する暗号化接続の種類]が正しいかを確認してください。',
  'smtp.timeout_greeting': 'SMTPサーバに接続しましたが、応答(あいさつ)が返ってきませんでした。SSL/TLS専用のポート(465など)の場合は[使用する暗号化接続の種類]で「SSL/TLS」を選んでください。[ポート番号]も確認してください。',
  'smtp.timeout_socket': 'SMTPサーバからの応答が途絶えたため、時間切れになりました。サーバーの状態とネットワークを確認してください。',
  'smtp.timeout_send': 'SMTPサーバの応答が極端に遅く、1通の送信が制限時間内に終わらなかったため打ち切りました。サーバーの状態とネットワークを確認してください。',
  'smtp.tls_mismatch': 'SSL/TLSで接続できませんでした。このポートのサーバーは暗号化なし、またはSTARTTLSで通信しているようです。[使用する暗号化接続の種類]と[ポート番号]の組み合わせ(例: 465はSSL/TLS、587はSTARTTLS)を確認してください。',
  'smtp.starttls_unavailable': 'SMTPサーバがSTARTTLSに対応していません(サーバーの応答: {reply})。[使用する暗号化接続の種類]と[ポート番号]を確認してください。',
  'smtp.certificate_untrusted': 'SMTPサーバの証明書を信頼できません(自己署名、または信頼されていない認証局の証明書です)。社内の認証局の場合は、その証明書を TAYORI_SMTP_CA_FILE に設定するようシステム担当者に依頼してください。',
  'smtp.certificate_expired': 'SMTPサーバの証明書の有効期限が切れているか、まだ有効になっていません。サーバーの証明書を確認してください。',
  'smtp.certificate_name_mismatch': 'SMTPサーバの証明書が[SMTPサーバアドレス]のホスト名と一致しません。証明書に記載されたホスト名を[SMTPサーバアドレス]に入力してください。',
  'smtp.tls_too_weak': 'SMTPサーバが古く安全でない暗号化の方式(TLS 1.1以前、または短すぎる鍵)しか使えないため、暗号化して接続できませんでした。メールサーバーの管理者に、TLS 1.2以上と十分な長さの鍵(RSAなら2048ビット以上)に対応するよう依頼してください。',
  'smtp.tls_failed': 'SMTPサーバとの暗号化接続(TLS)を確立できませんでした。[使用する暗号化接続の種類]とサーバーのTLS設定を確認してください。',
  'smtp.auth_rejected': 'SMTPサーバに認証を拒否されました(サーバーの応答: {reply})。[認証ユーザ名]と[認証パスワード]を確認してください。',
  'smtp.auth_not_offered':
    'SMTPサーバがこの接続ではSMTP認証を受け付けていません(サーバーの応答: {reply})。暗号化した接続でだけ認証を受け付けるサーバーが多いため、[使用する暗号化接続の種類]で「STARTTLS」か「SSL/TLS」を選んでください。認証のいらないサーバーなら、[SMTP認証を有効にする]を「しない」にしてください。',
  'smtp.auth_failed': 'SMTP認証を行えませんでした。[SMTP認証を有効にする]、[認証ユーザ名]、[認証パスワード]を確認してください。',
  'smtp.auth_required': 'SMTPサーバが認証を求めています(サーバーの応答: {reply})。[SMTP認証を有効にする]を「する」にして、ユーザ名とパスワードを入力してください。',
  'smtp.greeting_rejected': 'SMTPサーバが接続を受け付けませんでした(サーバーの応答: {reply})。サーバーの管理者に、このサーバーからの接続が許可されているか確認してください。',
  'smtp.server_closing': 'SMTPサーバが一時的に処理できない状態です(サーバーの応答: {reply})。送信待ちのメールは後で再送します。',
  'smtp.quota': 'SMTPサーバの送信数の上限に達しました(サーバーの応答: {reply})。送信待ちのメールは後で再送します。上限はサーバーの管理者に確認してください。',
  'smtp.sender_rejected': 'SMTPサーバが送信元メールアドレスを拒否しました(サーバーの応答: {reply})。[送信元メールアドレス]がこのサーバー・ユーザで送信を許可されているか確認してください。',
  'smtp.sender_deferred': 'SMTPサーバが送信元を一時的に受け付けませんでした(サーバーの応答: {reply})。送信待ちのメールは後で再送します。',
  'smtp.relay_denied': 'SMTPサーバが外部への中継を拒否しました(サーバーの応答: {reply})。SMTP認証の設定と、このサーバーからの送信が許可されているかを確認してください。',
  'smtp.protocol': 'SMTPサーバから想定外の応答がありました(サーバーの応答: {reply})。[SMTPサーバアドレス]と[ポート番号]がSMTPサーバのものか確認してください。',
  'smtp.cut_off_with_another': '同じSMTPサーバへの別のメールの送信が制限時間内に終わらなかったため、そのサーバーとの接続をすべて切りました。このメールは後で送り直します。',
  'smtp.unexpected': 'メール送信中に予期しないエラーが発生しました({detail})。',
  'smtp.recipient_deferred': 'SMTPサーバが宛先を一時的に受け付けませんでした(サーバーの応答: {reply})。後で再送します。',
  'smtp.recipient_rejected': 'SMTPサーバが宛先を拒否しました(サーバーの応答: {reply})。宛先のメールアドレスを確認してください。',
  'smtp.recipient_invalid': '宛先のメールアドレスが正しくありません。',
  'smtp.message_deferred': 'SMTPサーバがメールを一時的に受け付けませんでした(サーバーの応答: {reply})。後で再送します。',
  'smtp.message_rejected': 'SMTPサーバがメールを拒否しました(サーバーの応答: {reply})。',
  'smtp.message_too_large': 'メールのサイズがSMTPサーバの上限を超えています。',
  'smtp.connection_dropped': '送信中にSMTPサーバとの接続が切断されました。後で再送します。',
  'smtp.test_timeout': '{seconds}秒以内にテストメールを送信できませんでした。',
  'smtp.via.managed': 'メール自動設定機能',
  'smtp.via.smtp': '既定のメールサーバー',
  'smtp.via.gmail': 'Gmail',
  'smtp.security.none': 'なし',
  'smtp.security.starttls': 'STARTTLS',
  'smtp.security.tls': 'SSL/TLS',
  'smtp.check.connection_ok': '接続テストに成功しました。{host}:{port}({security})に接続し、送信元と宛先が受け付けられました。メールは送信していません。',
  'smtp.check.test_mail_sent': 'テストメールを {to} に送信しました。',
  'smtp.test_mail.subject': 'Tayori テストメール',
  'smtp.test_mail.body': 'このメールは、Tayori の[メール送信設定]の[テストメール送信]で送信したテストメールです。\nこのメールが届いていれば、メールの送信設定は正しく動作しています。\n\n送信方法: {via}\nSMTPサーバ: {host}\nポート番号: {port}\n暗号化接続: {security}\n送信元メールアドレス: {from}\n送信日時: {time}\n操作した管理者: {admin}\n',

  // ── 開発用メールボックス (SPEC §2.6) ───────────────────────────
  'devmailbox.banner': '開発用メールボックスです。本番環境では使用しないでください。',

  // ── accounts ──────────────────────────────────────────────────
  'accounts.login_failed': 'ログインIDまたはパスワードが正しくありません。',
  'accounts.current_password_for_email': 'メールアドレスを変更するには、現在のパスワードを入力してください。',
  'accounts.email_change_suspended': 'このアカウントは停止されているため、メールアドレスを変更できません。管理者に停止の解除を依頼してください。',
  'accounts.own_email_on_profile': '自分のメールアドレスは、プロフィール画面で現在のパスワードを入力して変更してください。',
  'accounts.current_password_wrong': '現在のパスワードが正しくありません。',
  'accounts.password_change_suspended': 'このアカウントは停止されているため、パスワードを変更できません。管理者に停止の解除を依頼してください。',
  'accounts.login_id_taken': 'このログインIDは既に使われています。',
  'accounts.cannot_deactivate_self': '自分自身を無効にすることはできません。',
  'accounts.last_admin': '有効なシステム管理者が一人もいなくなるため、この変更はできません。',
  ...deliveryMessages.ja,
  ...checkMessages.ja,
  ...lockoutScreenMessages.ja,
  ...monitoringScreenMessages.ja,
  // Features with a catalog of their own (catalogs/<feature>.ts, made with defineMessages) are spread here.
  ...gmailMessages.ja,
  ...hardeningMessages.ja,
  ...cliMessages.ja,
  ...monitoringMessages.ja,
  ...lockoutMessages.ja,
  ...screenMessages.ja,
  ...mailSettingsScreenMessages.ja,
  ...gmailScreenMessages.ja,
  ...adminScreenMessages.ja,
  ...backupMessages.ja,
} as const;

export type MessageKey = keyof typeof ja;
