import { defineMessages } from '../define.js';

/** `tayori backup`: what it says, in the operator's language (see catalogs/cli.ts). */
export const backupMessages = defineMessages(
  {
    'cli.help.backup':
      'SQLiteのデータベースを、tayori serve を止めずにファイルへバックアップします(PostgreSQL では pg_dump を使います)',
    'cli.help.backup_file': 'バックアップを書き込むファイル(新しく作成し、所有者だけが読めるモード 0600 にします)',
    'cli.help.force': '既にあるファイルを上書きします',
    'cli.backup.done': 'バックアップを作成しました: {file}({size} MB、整合性チェック済み)',
    'cli.backup.key_file':
      '復元には、このバックアップに含まれない鍵ファイル {keyFile} も必要です。鍵ファイルも安全な場所に保管してください。',
    'cli.backup.key_variable': '復元には、このバックアップに含まれない同じ TAYORI_SECRET_KEY も必要です。',
    'cli.backup.postgres':
      'PostgreSQL のデータベースは tayori backup ではバックアップしません。pg_dump を使ってください(例: pg_dump --format=custom --file=tayori.dump "$TAYORI_DATABASE_URL")。手順は docs/operations.md の「バックアップと復元」にあります。ファイルは作成していません。',
    'cli.backup.no_database': 'データベース {file} がありません。TAYORI_DATA_DIR と TAYORI_DATABASE_URL を確認してください。',
    'cli.backup.no_directory': 'バックアップ先のディレクトリ {file} がありません。',
    'cli.backup.is_directory': '{file} はディレクトリです。バックアップのファイル名まで指定してください(例: {file}/tayori-backup.sqlite)。',
    'cli.backup.exists': '{file} は既にあります。上書きするには --force を付けてください。ファイルは変更していません。',
    'cli.backup.live_database': '{file} は稼働中のデータベースそのもの(またはその -wal・-shm ファイル)です。別のファイル名を指定してください。',
    'cli.backup.unverified': 'バックアップの整合性チェックに失敗したため、{file} は作成していません。もう一度実行してください。',
    'cli.backup.failed': 'バックアップできませんでした: {reason}',
  },
  {
    'cli.help.backup': 'back up the SQLite database to a file while tayori serve keeps running (PostgreSQL: use pg_dump)',
    'cli.help.backup_file': 'the file to write the backup to (created new, readable by its owner only: mode 0600)',
    'cli.help.force': 'overwrite the file if it exists',
    'cli.backup.done': 'Backup written: {file} ({size} MB, integrity checked)',
    'cli.backup.key_file':
      'Restoring it also needs the key file {keyFile}, which the backup does not contain. Keep the key file safe too.',
    'cli.backup.key_variable': 'Restoring it also needs the same TAYORI_SECRET_KEY, which the backup does not contain.',
    'cli.backup.postgres':
      'tayori backup does not back up a PostgreSQL database. Use pg_dump (e.g. pg_dump --format=custom --file=tayori.dump "$TAYORI_DATABASE_URL"); docs/operations.md, "Backup and restore", has the steps. No file was written.',
    'cli.backup.no_database': 'There is no database at {file}. Check TAYORI_DATA_DIR and TAYORI_DATABASE_URL.',
    'cli.backup.no_directory': 'The directory {file} for the backup does not exist.',
    'cli.backup.is_directory': '{file} is a directory. Name the backup file in it (e.g. {file}/tayori-backup.sqlite).',
    'cli.backup.exists': '{file} already exists. Add --force to overwrite it. The file was not changed.',
    'cli.backup.live_database': '{file} is the live database itself (or its -wal or -shm file). Name another file.',
    'cli.backup.unverified': 'The backup failed its integrity check, so {file} was not written. Run the command again.',
    'cli.backup.failed': 'The backup failed: {reason}',
  },
);
