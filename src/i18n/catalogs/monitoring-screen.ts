import { defineMessages } from '../define.js';

/**
 * The スレッド監視 page (src/web/features/monitoring). Not spread into ja.ts/en.ts: only that
 * page shows these, so they load with its code (usePageCatalog) and the first paint of
 * /settings/mail stays as small as it was. Kinds, outcomes and durations come from the shared
 * catalog (catalogs/monitoring.ts), as the digest mail names them.
 */
export const monitoringScreenMessages = defineMessages(
  {
    'page.intro':
      'データソースの抽出、Googleカレンダー同期、Analyticsアカウント連携などのバックグラウンド処理(スレッド)の実行状況です。[監視間隔]ごとに処理の結果を確認し、[バックグラウンド処理通知設定]で有効にした種類の結果をメールで通知します。',
    'page.settings_hint': '通知する種類・結果・宛先は[メール送信設定]の[バックグラウンド処理通知設定]で設定します。',
    'page.settings_link': 'メール送信設定を開く',
    'page.refresh': '最新の状態に更新',

    'monitor.title': '監視の状態',
    'monitor.last_look': '前回の監視',
    'monitor.next_look': '次回の監視',
    'monitor.never_looked': 'まだ一度も監視していません。',
    'monitor.next_at_once': '監視を担当するサーバーが決まりしだい',
    'monitor.leader': '監視を担当するサーバー',
    'monitor.leader_held': '稼働中({leader})',
    'monitor.no_leader':
      'ありません。監視を担当する tayori serve が動いていないため、今は何も通知されません(起動すると、止まっていた間の結果もまとめて通知します)。',
    'monitor.last_digests': '種類ごとの最後の通知メール',
    'monitor.digest_runs': '{count}件の処理を通知',
    'monitor.digest_runs_suppressed': '{count}件の処理(メール送信が無効のため送信されませんでした)',
    'monitor.no_digest': 'まだ送信していません',

    'runs.title': '処理の一覧',
    'runs.intro': '新しい順に表示します。日時はあなたのタイムゾーンで表示しています。',
    'runs.kind': '種類',
    'runs.outcome': '結果',
    'runs.name': '名前',
    'runs.started': '開始日時',
    'runs.ended': '終了日時 / 経過時間',
    'runs.error': 'エラー',
    'runs.notice': '通知',
    'runs.running': '実行中',
    'runs.took': '所要 {duration}',
    'runs.elapsed': '経過 {duration}(実行中)',
    'runs.last_heartbeat': '最後のハートビート: {time}',
    'runs.heartbeat_lost': 'ハートビート途絶',
    'runs.heartbeat_lost_detail': '最後のハートビート({time})から応答がないため、{lost} に異常終了と判定しました。',
    'runs.late_finish': '遅れて終了: {lost} にハートビート途絶で異常終了と判定した後に、終了の報告を受けました。',
    'runs.notice.reported': 'メールで通知済み',
    'runs.notice.not_reported': '通知なし(通知の設定で対象外)',
    'runs.notice.pending': '次回の監視で確認',
    'runs.notice.long_running_reported': '長時間をメールで通知済み',
    'runs.notice.suppressed': '通知なし(メール送信が無効のため送信されませんでした)',
    'runs.notice.long_running_suppressed': '長時間の通知なし(メール送信が無効のため送信されませんでした)',

    'report_tokens.title': 'レポートトークン',
    'report_tokens.intro':
      '外部のサーバーや cron のジョブが、処理の開始・ハートビート・終了を HTTP で報告するためのトークンです。種類ごとに作成し、その種類の処理だけを報告できます。トークンは作成したときに一度だけ表示されます。',
    'report_tokens.kind': '種類',
    'report_tokens.name_hint': '報告する処理がわかる名前(例: 夜間取込)。tayori run の --name にも使います。',
    'report_tokens.create': 'レポートトークンを作成',
    'report_tokens.created_title': 'レポートトークン「{name}」を作成しました',
    'report_tokens.copy_token': 'トークンをコピー',
    'report_tokens.run_line': 'crontab に貼り付ける行',
    'report_tokens.run_line_hint':
      '先頭に実行日時(例: 0 3 * * *)を付け、末尾の COMMAND を実行するコマンドに置き換えて crontab に追加してください。--name は処理の一覧に表示される名前です。終了コード 0 は正常終了、それ以外の終了やシグナルは異常終了として、標準エラー出力の末尾とともに報告されます。crontab では「%」が特別な意味を持つため「\\%」と書いてあります。シェルで試すときは「\\」を取り除いてください。',
    'report_tokens.copy_line': '行をコピー',
    'report_tokens.revoke_title': 'レポートトークン「{name}」を無効化しますか?',
    'report_tokens.revoke_body': '無効化すると、このトークンを使う処理は報告できなくなります(実行中の処理の終了も記録されません)。元に戻すことはできません。',
    'report_tokens.revoked_message': 'レポートトークン「{name}」を無効化しました。',
  },
  {
    'page.intro':
      'Background work (data-source extraction, Google Calendar sync, Analytics account linkage) and how each run went. Every monitoring interval the monitor looks at the runs and mails the outcomes of the kinds switched on in the background-run notification settings.',
    'page.settings_hint': 'Which kinds and outcomes are mailed, and to whom, is set in Mail settings, under background-run notification settings (バックグラウンド処理通知設定).',
    'page.settings_link': 'Open Mail settings',
    'page.refresh': 'Refresh',

    'monitor.title': 'Monitor',
    'monitor.last_look': 'Last look',
    'monitor.next_look': 'Next look',
    'monitor.never_looked': 'No look yet.',
    'monitor.next_at_once': 'As soon as an instance takes over the monitor',
    'monitor.leader': 'Instance monitoring',
    'monitor.leader_held': 'Running ({leader})',
    'monitor.no_leader':
      'None. No tayori serve is monitoring, so nothing is reported now (once one runs, it reports what happened meanwhile too).',
    'monitor.last_digests': 'Last digest mail by kind',
    'monitor.digest_runs': '{count} runs reported',
    'monitor.digest_runs_suppressed': '{count} runs (mail sending is disabled, so it was not sent)',
    'monitor.no_digest': 'None sent yet',

    'runs.title': 'Runs',
    'runs.intro': 'Newest first. Times are in your time zone.',
    'runs.kind': 'Kind',
    'runs.outcome': 'Outcome',
    'runs.name': 'Name',
    'runs.started': 'Started',
    'runs.ended': 'Ended / elapsed',
    'runs.error': 'Error',
    'runs.notice': 'Notification',
    'runs.running': 'Running',
    'runs.took': 'took {duration}',
    'runs.elapsed': '{duration} so far (running)',
    'runs.last_heartbeat': 'Last heartbeat: {time}',
    'runs.heartbeat_lost': 'heartbeat lost',
    'runs.heartbeat_lost_detail': 'Nothing since the last heartbeat ({time}); marked failed at {lost}.',
    'runs.late_finish': 'Late finish: it reported its end after it had been marked failed for lost heartbeats at {lost}.',
    'runs.notice.reported': 'Reported by mail',
    'runs.notice.not_reported': 'Not reported (not selected in the notification settings)',
    'runs.notice.pending': 'Checked at the next look',
    'runs.notice.long_running_reported': 'Long-running reported by mail',
    'runs.notice.suppressed': 'Not reported (mail sending is disabled, so the notice was not sent)',
    'runs.notice.long_running_suppressed': 'Long-running not reported (mail sending is disabled, so the notice was not sent)',

    'report_tokens.title': 'Report tokens',
    'report_tokens.intro':
      'Tokens with which another server or a cron job reports the start, heartbeats and end of its runs over HTTP. Each token reports runs of one kind only. A token is shown once, when it is created.',
    'report_tokens.kind': 'Kind',
    'report_tokens.name_hint': 'A name that says which work reports with it (for example Nightly import). Also the --name of tayori run.',
    'report_tokens.create': 'Create report token',
    'report_tokens.created_title': 'Report token "{name}" created',
    'report_tokens.copy_token': 'Copy the token',
    'report_tokens.run_line': 'Line for the crontab',
    'report_tokens.run_line_hint':
      'Put the schedule in front (for example 0 3 * * *), replace COMMAND at the end with the command to run, and add the line to the crontab. --name is the name shown in the runs. Exit code 0 is reported as succeeded; any other exit or a signal as failed, with the end of the standard error output. A "%" is written "\\%" because cron gives "%" a meaning of its own; to try the line in a shell, remove the "\\".',
    'report_tokens.copy_line': 'Copy the line',
    'report_tokens.revoke_title': 'Revoke the report token "{name}"?',
    'report_tokens.revoke_body': 'Work using this token can no longer report (not even the end of a run under way). This cannot be undone.',
    'report_tokens.revoked_message': 'The report token "{name}" has been revoked.',
  },
);
