/** Japanese catalog: the first language of every screen and mail (SPEC §1). */
export const ja = {
  // ── common errors ─────────────────────────────────────────────
  'error.internal': 'サーバー内部でエラーが発生しました。時間をおいて再度お試しください。',
  'error.not_found': '対象が見つかりません。',
  'error.unauthenticated': 'ログインしてください。',
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
  'validation.unknown_field': 'この項目は受け付けられません。',
  'validation.too_short': '{min}文字以上で入力してください。',
  'validation.too_long': '{max}文字以内で入力してください。',
  'validation.too_small': '{min}以上の値を入力してください。',
  'validation.too_big': '{max}以下の値を入力してください。',
  'validation.not_integer': '整数で入力してください。',
  'validation.invalid_choice': '選択肢の中から選んでください。',
  'validation.control_chars': '改行・制御文字は使用できません。',
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
  'address.too_long': '「{item}」: メールアドレスは254文字以内にしてください。',
  'address.too_many': 'メールアドレスは{max}件までです(入力: {item}件)。',

  // ── メール送信設定 (SPEC §1) ───────────────────────────────────
  'settings.host_invalid': 'ホスト名またはIPアドレスの形式が正しくありません(例: smtp.example.co.jp)。',
  'settings.kind_needs_outcome': '有効にする場合は、正常終了・異常終了・長時間のいずれかにチェックを付けてください。',
  'settings.interval_step': '監視間隔は5分単位(5分〜60分)で選択してください。',
  'settings.monitoring_recipients_required': 'スレッド処理の通知を有効にする場合は、通知先のメールアドレスを入力してください。',
  'settings.managed_field': 'メール自動設定機能の利用中は、この項目は設定できません。',
  'settings.required_to_send': 'メール送信を有効化する場合は入力してください。',
  'settings.password_reenter': 'SMTPサーバアドレス・ポート番号・認証ユーザ名を変更したため、認証パスワードを入力し直してください。',
  'settings.gmail_not_selected': 'この項目は「Gmailを使用する」を選択した場合のみ設定できます。',
  'settings.gmail_locked': '認証情報の取得後は変更できません。変更するには「既定のメールサーバーを使用する」を選択してから、もう一度Gmailを設定してください。',
  'settings.gmail_sender_mismatch': '送信元メールアドレスは、認証したGmailアカウントのアドレス({account})にしてください。Gmailは他の差出人を書き換えます。',

  // ── mail (SPEC §2) ─────────────────────────────────────────────
  'mail.no_recipients': '宛先(to / cc / bcc)を一つ以上指定してください。',
  'mail.no_body': '本文(text または html)を指定してください。',
  'mail.attachments_too_large': '添付ファイルは合計{max}までです。',
  'mail.suppressed': 'メール送信が無効のため、送信しませんでした。',
  'mail.partially_rejected': '一部の宛先がサーバーに拒否されました: {addresses}',
  'mail.expired': '{hours}時間以内に送信できなかったため、送信を中止しました。最後のエラー: {reason}',
  'mail.not_configured': 'メールサーバーが設定されていません。[メール送信設定]でSMTPサーバアドレスと送信元メールアドレスを設定してください。',
  'mail.idempotency_conflict': 'この冪等性キーは別の内容のメールで使用済みです。',
  'alert.subject': '【Tayori】メールを送信できない状態が続いています',
  'alert.body': 'Tayori からのメール送信が {since} から失敗しています。\n\n原因: {reason}\n最後に送信に成功した日時: {lastSuccess}\n\n[システムの設定] › [環境設定] › [メール送信設定] で設定を確認し、[接続テスト] を実行してください。送信できなかったメールは送信待ちとして保持され、復旧後に送信されます(最長{hours}時間)。',
  'alert.never': 'なし',

  // ── accounts ──────────────────────────────────────────────────
  'accounts.login_failed': 'ログインIDまたはパスワードが正しくありません。',
  'accounts.current_password_wrong': '現在のパスワードが正しくありません。',
  'accounts.login_id_taken': 'このログインIDは既に使われています。',
  'accounts.cannot_deactivate_self': '自分自身を無効にすることはできません。',
  'accounts.last_admin': '有効なシステム管理者が一人もいなくなるため、この変更はできません。',
} as const;

export type MessageKey = keyof typeof ja;
