import { defineMessages } from '../define.js';

/**
 * The アカウント停止 page (SPEC §3) only: loaded with that page's code (usePageMessages), not
 * spread into ja.ts / en.ts, so it adds nothing to what the first paint of every page loads.
 * Words the mails and the page share ("管理者が解除するまで") stay in catalogs/lockout.ts.
 */
export const lockoutScreenMessages = defineMessages(
  {
    'lockout.page.title': 'アカウント停止',
    'lockout.page.intro':
      'ログインの失敗が続いたアカウントを停止し、本人と[アカウント停止通知メール送信先メールアドレス]に通知します。停止の条件を設定し、停止中のアカウントを確認して解除できます。',
    'lockout.page.recipients': '本人以外の通知先は、メール送信設定の[アカウント停止通知メール送信先メールアドレス]で設定します。',
    'lockout.page.recipients_link': 'メール送信設定を開く',

    'lockout.policy.heading': '停止の条件',
    'lockout.policy.defaults': 'まだ保存されていません(初期設定)。',
    'lockout.policy.threshold': 'アカウント停止までのログイン失敗回数',
    'lockout.policy.threshold_hint': '1〜100回。この回数に達した失敗で、アカウントを停止します。',
    'lockout.policy.window': '失敗回数を数える期間(分)',
    'lockout.policy.window_hint':
      '1〜1440分(24時間)。直近のこの時間内のログイン失敗が上の回数に達すると、アカウントを停止します。ログインに成功すると、失敗回数は0に戻ります。',
    'lockout.policy.duration': '停止期間',
    'lockout.policy.duration_minutes_choice': '時間を指定する',
    'lockout.policy.duration_until_lifted_choice': '無期限(管理者が解除するまで)',
    'lockout.policy.duration_minutes': '停止する時間(分)',
    'lockout.policy.duration_minutes_hint': '1〜1440分(24時間)。この時間が過ぎると、自動的にログインできるようになります。',
    'lockout.policy.applies': '変更した条件は、次のログイン失敗から適用されます。停止中のアカウントの再開日時は変わりません。',
    'lockout.policy.saved': '停止の条件を保存しました。',
    'lockout.policy.conflict':
      '他の管理者がこの画面を開いた後に停止の条件を保存しました。あなたの変更は保存されていません。最新の設定を読み込んでから、もう一度変更してください。',
    'lockout.policy.reload_latest': '最新の設定を読み込む(入力中の変更は破棄されます)',

    'lockout.suspensions.heading': '停止中のアカウント',
    'lockout.suspensions.none': '停止中のアカウントはありません。',
    'lockout.suspensions.refresh': '最新の状態に更新',
    'lockout.suspensions.name': '名前',
    'lockout.suspensions.suspended_at': '停止日時',
    'lockout.suspensions.resumes_at': '再開日時',
    'lockout.suspensions.failures': 'ログイン失敗回数',
    'lockout.suspensions.failures_count': '{count}回',
    'lockout.suspensions.ip': '送信元IPアドレス',
    'lockout.lift': '停止解除',
    'lockout.lift.named': '停止解除: {name}({loginId})',
    'lockout.lift.title': '{name}({loginId})の停止を解除しますか?',
    'lockout.lift.body': '解除すると、このアカウントはすぐにログインできるようになり、ログイン失敗回数は0に戻ります。',
    'lockout.lift.done': '{name}({loginId})の停止を解除しました。',
  },
  {
    'lockout.page.title': 'Account suspension',
    'lockout.page.intro':
      'Accounts with repeated failed logins are suspended, and the user and the account suspension notification recipients are mailed. Set when an account is suspended, and see and lift the suspensions in force.',
    'lockout.page.recipients': 'Who else is notified is set in the mail settings, under "Account suspension notification recipients".',
    'lockout.page.recipients_link': 'Open the mail settings',

    'lockout.policy.heading': 'When an account is suspended',
    'lockout.policy.defaults': 'Not saved yet (initial settings).',
    'lockout.policy.threshold': 'Failed logins before suspension',
    'lockout.policy.threshold_hint': '1–100. The failure that reaches this number suspends the account.',
    'lockout.policy.window': 'Counting window (minutes)',
    'lockout.policy.window_hint':
      '1–1440 (24 hours). The account is suspended when this many minutes hold as many failed logins as the number above. A successful login resets the count.',
    'lockout.policy.duration': 'Suspension length',
    'lockout.policy.duration_minutes_choice': 'For a set time',
    'lockout.policy.duration_until_lifted_choice': 'Indefinitely (until an administrator lifts it)',
    'lockout.policy.duration_minutes': 'Suspension time (minutes)',
    'lockout.policy.duration_minutes_hint': '1–1440 (24 hours). When this time has passed, the account can sign in again by itself.',
    'lockout.policy.applies': 'A changed policy applies from the next failed login. Suspensions in force keep their resume time.',
    'lockout.policy.saved': 'The suspension policy has been saved.',
    'lockout.policy.conflict':
      'Another administrator saved the suspension policy after you opened this page. Your changes were not saved. Load the latest settings, then make your changes again.',
    'lockout.policy.reload_latest': 'Load the latest settings (discards your changes)',

    'lockout.suspensions.heading': 'Suspended accounts',
    'lockout.suspensions.none': 'No account is suspended.',
    'lockout.suspensions.refresh': 'Refresh',
    'lockout.suspensions.name': 'Name',
    'lockout.suspensions.suspended_at': 'Suspended at',
    'lockout.suspensions.resumes_at': 'Resumes at',
    'lockout.suspensions.failures': 'Failed logins',
    'lockout.suspensions.failures_count': '{count}',
    'lockout.suspensions.ip': 'Source IP address',
    'lockout.lift': 'Lift suspension',
    'lockout.lift.named': 'Lift suspension: {name} ({loginId})',
    'lockout.lift.title': 'Lift the suspension of {name} ({loginId})?',
    'lockout.lift.body': 'The account can sign in again at once, and its count of failed logins starts again from 0.',
    'lockout.lift.done': 'The suspension of {name} ({loginId}) has been lifted.',
  },
);
