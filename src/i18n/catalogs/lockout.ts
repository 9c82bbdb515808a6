import { defineMessages } from '../define.js';

/** アカウント停止 (SPEC §3): refusals of the policy API and the suspension mails. */
export const lockoutMessages = defineMessages(
  {
    'lockout.not_suspended': 'このアカウントは停止されていません。',

    'lockout.until_lifted': '管理者が解除するまで',
    'lockout.ip_unknown': '不明',
    'lockout.mail.user.subject': '【Tayori】アカウントを停止しました',
    'lockout.mail.user.intro': '{name} 様\n\nログインの失敗が続いたため、Tayori のアカウントを停止しました。',
    'lockout.mail.user.todo':
      '再開日時を過ぎると、再びログインできます。\nご自身の操作でない場合は、第三者がログインを試みた可能性があります。システム管理者に連絡し、再開後にパスワードを変更してください。',
    'lockout.mail.user.todo_until_lifted':
      'システム管理者が停止を解除するまで、ログインできません。システム管理者に解除を依頼してください。\nご自身の操作でない場合は、第三者がログインを試みた可能性があります。その旨もシステム管理者に伝え、解除後にパスワードを変更してください。',
    'lockout.mail.copy.subject': '【Tayori】アカウント停止のお知らせ: {loginId}({name})',
    'lockout.mail.copy.intro':
      'ログインの失敗が続いたため、次のアカウントを停止しました。\n(このメールは[アカウント停止通知メール送信先メールアドレス]に設定されたアドレスにお送りしています。)',
    'lockout.mail.copy.user_not_mailed': 'このユーザーにはメールアドレスが登録されていないため、ご本人にはこのお知らせを送っていません。停止されたことをご本人に伝えてください。',
    'lockout.mail.copy.todo':
      'ご本人の操作によるものか確認してください。心当たりがない場合は、第三者によるログインの試みの可能性があります。送信元IPアドレスを確認し、必要に応じてパスワードの変更をご本人に依頼してください。\n停止を早めに解除するには、[アカウント停止]画面で[停止解除]を押してください。システム管理者が全員停止された場合は、サーバーで「{unlockCommand}」を実行します。',
    'lockout.mail.facts':
      'ユーザー: {name}\nログインID: {loginId}\n停止日時: {suspendedAt}\n再開日時: {resumesAt}\nログイン失敗回数: {failures}回\n送信元IPアドレス: {ip}',
  },
  {
    'lockout.not_suspended': 'This account is not suspended.',

    'lockout.until_lifted': 'until an administrator lifts it',
    'lockout.ip_unknown': 'unknown',
    'lockout.mail.user.subject': '[Tayori] Your account has been suspended',
    'lockout.mail.user.intro': 'Dear {name},\n\nYour Tayori account has been suspended after repeated failed logins.',
    'lockout.mail.user.todo':
      'You can sign in again once the suspension ends.\nIf these attempts were not yours, someone else may have tried to sign in as you: tell your administrator, and change your password once you can sign in again.',
    'lockout.mail.user.todo_until_lifted':
      'You cannot sign in until an administrator lifts the suspension: ask your administrator to do so.\nIf these attempts were not yours, someone else may have tried to sign in as you: tell your administrator, and change your password once the suspension is lifted.',
    'lockout.mail.copy.subject': '[Tayori] Account suspended: {loginId} ({name})',
    'lockout.mail.copy.intro':
      'The following account has been suspended after repeated failed logins.\n(You receive this mail because your address is set as an account-suspension notification recipient.)',
    'lockout.mail.copy.user_not_mailed': 'This user has no e-mail address, so they were not sent this notice: let them know their account is suspended.',
    'lockout.mail.copy.todo':
      'Check with the user whether the attempts were theirs. If not, someone else may have tried to sign in: look at the source IP address and ask the user to change their password.\nTo lift the suspension early, press "Lift suspension" on the account-suspension page. If every administrator is suspended, run "{unlockCommand}" on the server.',
    'lockout.mail.facts':
      'User: {name}\nLogin ID: {loginId}\nSuspended at: {suspendedAt}\nResumes at: {resumesAt}\nFailed logins: {failures}\nSource IP address: {ip}',
  },
);
