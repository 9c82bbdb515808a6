import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator } from 'playwright-core';
import { expect, it } from 'vitest';
import { freePort } from '../support/cli.js';
import { tempDir } from '../support/databases.js';
import { describeInBrowser } from './support/browser.js';
import { expectText, focusedLabel, isShown, openDevMail, screenshot, signIn, tabToLabel } from './support/pages.js';
import { type ApiClient, createReportToken, reportFailedRun, reportRun, startRun } from './support/server.js';
import { browserSuite } from './support/suite.js';

/**
 * スレッド監視 against `tayori serve` with its development mailbox on, the monitor's minute cut
 * to 200 ms: a 5-minute [監視間隔] is one second and heartbeats are lost after three.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a line pasted from the page the way cron would: through `sh -c`, with a `tayori` on the
 * PATH (this checkout's command, from its source), in a directory of its own.
 */
async function runAsCron(line: string): Promise<{ code: number | null; stderr: string }> {
  const home = tempDir();
  const tayori = join(home, 'tayori');
  writeFileSync(tayori, `#!/bin/sh\nexec "${process.execPath}" --import "${join(ROOT, 'node_modules/tsx/dist/loader.mjs')}" "${join(ROOT, 'src/cli/main.ts')}" "$@"\n`);
  chmodSync(tayori, 0o755);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TAYORI_')));
  // As in a crontab: cron hands the line to the shell after turning \% into %.
  const child = spawn('sh', ['-c', line.replaceAll('\\%', '%')], {
    cwd: home,
    env: { ...inherited, PATH: `${home}:${process.env.PATH}`, TAYORI_DATA_DIR: home },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

interface RunSummary {
  name: string;
  outcome: string | null;
  heartbeatLostAt: string | null;
}

async function runsOf(api: ApiClient): Promise<RunSummary[]> {
  return ((await api.request('GET', '/api/runs')).json as { runs: RunSummary[] }).runs;
}

describeInBrowser('スレッド監視 in the browser', () => {
  const suite = browserSuite(async () => ({
    TAYORI_DEV_MAILBOX: '1',
    TAYORI_DEV_MAILBOX_PORT: String(await freePort()),
    TAYORI_OUTBOX_POLL_MS: '200',
    TAYORI_MONITOR_MINUTE_MS: '200',
    TAYORI_MONITOR_LEASE_MS: '1500',
  }));

  const menu = () => suite.page.getByRole('navigation', { name: 'メニュー' });
  const region = (name: string) => suite.page.getByRole('region', { name, exact: true });
  const runRow = (name: string, list = '処理の一覧') => region(list).getByRole('row', { name: new RegExp(name) });

  /** On メール送信設定, open: data-source failures mailed to ops@example.jp (and sending as chosen), saved. */
  async function saveDataSourceWatch(sending?: '無効' | '有効化') {
    await suite.page.getByLabel('メールアドレス', { exact: true }).fill('ops@example.jp');
    const dataSource = suite.page.getByRole('group', { name: 'データソーススレッド処理通知設定' });
    await dataSource.getByRole('radio', { name: '有効', exact: true }).check();
    await dataSource.getByRole('checkbox', { name: '異常終了' }).check();
    if (sending) await suite.page.getByRole('group', { name: 'メール送信の有効化' }).getByRole('radio', { name: sending, exact: true }).check();
    await suite.page.getByRole('button', { name: '設定完了' }).click();
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
  }

  /** The text of `locator`, read after each press of [最新の状態に更新] until it matches: the monitor looks every second. */
  const textAfterRefreshing = (locator: Locator) =>
    expect.poll(
      async () => {
        await suite.page.getByRole('button', { name: '最新の状態に更新' }).click();
        return locator.innerText();
      },
      { timeout: 30_000 },
    );

  it('sets up a cron job on the page; its failed run is listed with its error and its digest arrives in the development mailbox', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/mail');
    await saveDataSourceWatch();

    await menu().getByRole('link', { name: 'スレッド監視' }).click();
    await suite.page.getByRole('heading', { name: 'スレッド監視', level: 1 }).waitFor();
    await suite.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const tokens = region('レポートトークン');
    await tokens.getByLabel('名前').fill('夜間 取込');
    await tokens.getByLabel('種類').selectOption({ label: 'データソース' });
    await tokens.getByRole('button', { name: 'レポートトークンを作成' }).click();
    const token = await tokens.getByLabel('トークン', { exact: true }).inputValue();
    expect(token).toMatch(/^tyrr_/);
    const line = await tokens.getByLabel('crontab に貼り付ける行').inputValue();
    expect(line).toBe(`tayori run --kind data-source --name '夜間 取込' --url ${suite.server.baseUrl} --token ${token} -- COMMAND`);
    await tokens.getByRole('button', { name: '行をコピー' }).click();
    expect(await suite.page.evaluate(() => navigator.clipboard.readText())).toBe(line);

    const cron = await runAsCron(line.replace('COMMAND', `sh -c 'echo 取込元のデータベースに接続できません >&2; exit 3'`));
    expect(cron.code, cron.stderr).toBe(3);

    // The monitor looks within a second: its digest is listed once the page is refreshed.
    const monitor = region('監視の状態');
    await textAfterRefreshing(monitor).toMatch(/データソース\s*\d{4}年.*\(Asia\/Tokyo\) 1件の処理を通知/);
    await expectText(monitor, /稼働中/);
    const row = runRow('夜間 取込');
    await expectText(row, 'データソース');
    await expectText(row, '異常終了');
    await expectText(row, '(Asia/Tokyo)');
    await expectText(row, 'メールで通知済み');
    expect(await isShown(row.getByText('取込元のデータベースに接続できません'))).toBe(false);
    const summary = row.locator('summary');
    await expectText(summary, /^exit code 3$/);
    await summary.click();
    await expectText(row.locator('.run-error pre'), '取込元のデータベースに接続できません');
    await screenshot(suite.page, 'monitoring', [region('処理の一覧'), region('レポートトークン').locator('.notice')]);

    await menu().getByRole('link', { name: '開発用メールボックス' }).click();
    const mail = await openDevMail(suite.page, '[Tayori] データソース: 異常終了 1件');
    await expectText(mail, 'ops@example.jp');
    await expectText(mail.locator('pre.mail-text'), '夜間 取込');
    await expectText(mail.locator('pre.mail-text'), '取込元のデータベースに接続できません');
  });

  it('shows a run whose heartbeats stopped plainly as 異常終了 (heartbeat lost), a running one as 実行中, and filters them', async () => {
    const token = await createReportToken(suite.server.api, 'カレンダー', 'google-calendar-sync');
    const silent = await startRun(suite.server.baseUrl, token, { kind: 'google-calendar-sync', name: '営業部カレンダー' });
    expect((await reportRun(suite.server.baseUrl, token, `/api/runs/${silent}/heartbeat`)).status).toBe(204);
    await startRun(suite.server.baseUrl, token, { kind: 'google-calendar-sync', name: '役員カレンダー' });
    await expect.poll(async () => (await runsOf(suite.server.api)).find((run) => run.name === '営業部カレンダー')?.heartbeatLostAt, { timeout: 30_000 }).toBeTruthy();

    await signIn(suite.page, suite.server.baseUrl, '/monitoring');
    const lost = runRow('営業部カレンダー');
    await expectText(lost, '異常終了');
    await expectText(lost, '(ハートビート途絶)');
    await expectText(lost, /最後のハートビート\(.*\(Asia\/Tokyo\)\)から応答がないため/);
    const running = runRow('役員カレンダー');
    await expectText(running, '実行中');
    await expectText(running, /経過 .+\(実行中\)/);

    const runs = region('処理の一覧');
    await runs.getByLabel('種類').selectOption({ label: 'Googleカレンダー同期' });
    await runs.getByLabel('結果').selectOption({ label: '実行中' });
    await expect.poll(() => runs.getByRole('row').count()).toBe(2); // the header and 役員カレンダー
    await expectText(runs.getByRole('row').nth(1), '役員カレンダー');
    await runs.getByLabel('結果').selectOption({ label: '正常終了' });
    await expectText(runs, '該当するデータはありません。');
    await expectText(runs.getByRole('status'), '該当するデータはありません。');
  });

  it("opens a run's error, creates, copies and revokes a report token with the keyboard alone; a revoked token reports nothing", async () => {
    const worker = await createReportToken(suite.server.api, '週次連携', 'analytics-link');
    await reportFailedRun(suite.server.baseUrl, worker, { kind: 'analytics-link', name: '週次連携', error: 'exit code 7\nGA4 の API 上限に達しました' });
    await suite.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(suite.page, suite.server.baseUrl, '/monitoring');
    await suite.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const tabTo = (label: string | RegExp) => tabToLabel(suite.page, label, 120);

    await tabTo('exit code 7');
    await suite.page.keyboard.press('Enter');
    await expectText(runRow('週次連携').locator('.run-error pre'), 'GA4 の API 上限に達しました');

    await tabTo('名前');
    await suite.page.keyboard.type('分析アカウント連携');
    await tabTo('種類');
    await suite.page.keyboard.press('ArrowDown');
    await suite.page.keyboard.press('ArrowDown'); // データソース → Googleカレンダー同期 → Analyticsアカウント連携
    await tabTo('レポートトークンを作成');
    await suite.page.keyboard.press('Enter');
    const tokens = region('レポートトークン');
    const token = await tokens.getByLabel('トークン', { exact: true }).inputValue();
    expect(await tokens.getByLabel('crontab に貼り付ける行').inputValue()).toContain("--kind analytics-link --name '分析アカウント連携'");
    await tabTo('トークンをコピー');
    await suite.page.keyboard.press('Enter');
    await expect.poll(() => suite.page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    await tabTo('無効化: 分析アカウント連携');
    await suite.page.keyboard.press('Enter');
    const dialog = suite.page.getByRole('dialog');
    await expectText(dialog.getByRole('heading'), 'レポートトークン「分析アカウント連携」を無効化しますか?');
    // It cannot be undone: the dialog opens on キャンセル, and the keyboard moves to 無効化 to confirm.
    expect(await focusedLabel(suite.page)).toBe('キャンセル');
    await suite.page.keyboard.press('Shift+Tab');
    expect(await focusedLabel(suite.page)).toBe('無効化');
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.getByRole('status').filter({ hasText: '無効化しました' }), 'レポートトークン「分析アカウント連携」を無効化しました。');
    await expectText(tokens.getByRole('row', { name: /分析アカウント連携/ }), '無効化済み');
    expect((await reportRun(suite.server.baseUrl, token, '/api/runs', { kind: 'analytics-link', name: '届かない報告' })).status).toBe(401);
  });

  it('says a run was not mailed, not メールで通知済み, while mail sending is 無効', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/mail');
    await saveDataSourceWatch('無効');
    try {
      const token = await createReportToken(suite.server.api, '送信無効中', 'data-source');
      await reportFailedRun(suite.server.baseUrl, token, { kind: 'data-source', name: '送信無効中の取込', error: 'exit code 1' });
      await menu().getByRole('link', { name: 'スレッド監視' }).click();
      await textAfterRefreshing(runRow('送信無効中の取込')).toContain('通知なし(メール送信が無効のため送信されませんでした)');
      await expectText(region('監視の状態'), /データソース\s*\d{4}年.*1件の処理\(メール送信が無効のため送信されませんでした\)/);
    } finally {
      await suite.page.goto(`${suite.server.baseUrl}/settings/mail`);
      await saveDataSourceWatch('有効化');
    }
  });

  it('speaks English to an administrator who chose it', async () => {
    const token = await createReportToken(suite.server.api, 'Analytics', 'analytics-link');
    await reportFailedRun(suite.server.baseUrl, token, { kind: 'analytics-link', name: 'GA4 link', error: 'quota exceeded' });
    await suite.server.api.request('PUT', '/api/me', { locale: 'en' });
    try {
      await signIn(suite.page, suite.server.baseUrl, '/monitoring');
      await suite.page.getByRole('heading', { name: 'Thread monitoring', level: 1 }).waitFor();
      for (const heading of ['Monitor', 'Runs', 'Report tokens']) await suite.page.getByRole('heading', { name: heading, level: 2 }).waitFor();
      await expectText(region('Runs').getByRole('row').first(), /Kind\s+Name\s+Started/);
      const row = runRow('GA4 link', 'Runs');
      await expectText(row, 'Analytics account linkage');
      await expectText(row, 'Failed');
      await expectText(row, 'quota exceeded');
      await expectText(region('Monitor'), /Last digest mail by kind/);
      expect(await region('Report tokens').getByRole('button', { name: 'Create report token' }).count()).toBe(1);
    } finally {
      await suite.server.api.request('PUT', '/api/me', { locale: 'ja' });
    }
  });
});
