import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTayori } from './support/cli.js';
import { tempDir } from './support/databases.js';

const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };
const monitoring = { intervalMinutes: 10, recipients: '', kinds: { 'data-source': quietKind, 'google-calendar-sync': quietKind, 'analytics-link': quietKind } };

describe('tayori settings (SQLite)', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dataDir = tempDir('tayori-settings-cli-');
    env = { TAYORI_DATA_DIR: dataDir, TAYORI_INITIAL_ADMIN_PASSWORD: 'initial-admin-password', TAYORI_LOG_LEVEL: 'silent' };
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function writeJson(name: string, value: unknown): string {
    const file = join(dataDir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  }

  it('prints every field error with its Japanese label, exits 1 and saves nothing', async () => {
    const file = writeJson('bad.json', {
      sendingEnabled: true,
      server: 'smtp',
      smtp: { host: null, port: 0 },
      senderAddress: '山田 <a@b.jp>',
      suspensionRecipients: 'ok@example.jp;a@x..jp',
      monitoring: { ...monitoring, intervalMinutes: 7 },
    });
    const result = await runTayori(['settings', 'apply', file], env);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('入力内容に誤りがあります。');
    expect(result.stderr).toContain('[ポート番号] (smtp.port) 1以上の値を入力してください。');
    expect(result.stderr).toContain('[送信元メールアドレス] (senderAddress) 「山田 <a@b.jp>」: 表示名や < > 、空白を含めず、メールアドレスだけを入力してください。');
    expect(result.stderr).toContain('[アカウント停止通知メール送信先メールアドレス] (suspensionRecipients) 「a@x..jp」');
    expect(result.stderr).toContain('[監視間隔] (monitoring.intervalMinutes) 監視間隔は5分単位');

    const shown = await runTayori(['settings', 'show'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: 0, mode: 'custom', settings: { sendingEnabled: false } });
  });

  it('applies a valid file and shows it, the password only as set', async () => {
    const file = writeJson('good.json', {
      sendingEnabled: true,
      smtp: { host: 'smtp.example.jp', authEnabled: true, username: 'mailer', password: 'cli-secret-password' },
      senderAddress: 'sender@example.jp',
      suspensionRecipients: 'ops@example.jp;;ops@EXAMPLE.jp;',
      monitoring,
    });
    const applied = await runTayori(['settings', 'apply', file], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.trim()).toBe('メール送信設定を保存しました(バージョン 1)。');

    const shown = await runTayori(['settings', 'show'], env);
    expect(shown.stdout).not.toContain('cli-secret-password');
    expect(JSON.parse(shown.stdout).settings).toMatchObject({
      smtp: { host: 'smtp.example.jp', port: 587, security: 'starttls', passwordSet: true },
      suspensionRecipients: ['ops@example.jp'],
    });

    // What show printed, edited and applied as it is: the stored password is kept.
    const edited = JSON.parse(shown.stdout);
    edited.settings.suspensionRecipients.push('it@example.jp');
    const round = await runTayori(['settings', 'apply', writeJson('shown.json', edited)], env);
    expect(round.code, round.stderr).toBe(0);
    expect(round.stdout.trim()).toBe('メール送信設定を保存しました(バージョン 2)。');
    const after = JSON.parse((await runTayori(['settings', 'show'], env)).stdout).settings;
    expect(after).toMatchObject({ smtp: { host: 'smtp.example.jp', passwordSet: true }, suspensionRecipients: ['ops@example.jp', 'it@example.jp'] });
    // Applied again, the same file changes nothing: no conflict with one's own earlier run.
    const again = await runTayori(['settings', 'apply', writeJson('shown.json', edited)], env);
    expect(again, again.stderr).toMatchObject({ code: 0, stdout: 'メール送信設定を保存しました(バージョン 2)。\n' });
    // A file made from version 1 that would change something else is refused, nothing overwritten, with what to do.
    edited.settings.suspensionRecipients = ['someone@example.jp'];
    const stale = await runTayori(['settings', 'apply', writeJson('stale.json', edited)], env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      'ファイルの元になった設定(version)のあとで、設定が変更されています。tayori settings show で今の設定を出し直し、そこに変更を加えてから、もう一度 tayori settings apply を実行してください。\n',
    );
    expect(JSON.parse((await runTayori(['settings', 'show'], env)).stdout).settings.suspensionRecipients).toEqual(['ops@example.jp', 'it@example.jp']);
  });

  it('prints only the JSON on standard output on a new data dir; the generated password goes to standard error', async () => {
    const { TAYORI_INITIAL_ADMIN_PASSWORD: _configured, ...withoutPassword } = env;
    const shown = await runTayori(['settings', 'show'], withoutPassword);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: 0 });
    expect(shown.stderr).toMatch(/パスワード: \S{16}/);
  });

  it('says so when the file is missing or not JSON', async () => {
    const missing = await runTayori(['settings', 'apply', join(dataDir, 'nowhere.json')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('を読み込めません');
    const file = join(dataDir, 'broken.json');
    writeFileSync(file, '{ "sendingEnabled": ');
    const broken = await runTayori(['settings', 'apply', file], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('はJSONとして正しくありません');
  });
});
