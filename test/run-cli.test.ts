import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshAppEachTest, login } from './support/app.js';
import { runTayori, spawnTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { startTcpProxy } from './support/tcp-proxy.js';

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(dialects())('tayori run on $name', (dialect) => {
  const t = freshAppEachTest(dialect);


  /** Beside the server: its configuration, so the run goes straight to the database. */
  const besideServer = (extra: Record<string, string> = {}) => ({
    TAYORI_DATA_DIR: t.dataDir,
    TAYORI_DATABASE_URL: t.databaseUrl,
    TAYORI_LOG_LEVEL: 'silent',
    ...extra,
  });
  const run = (name: string, command: string[], env = besideServer()) =>
    runTayori(['run', '--kind', 'data-source', '--name', name, '--', ...command], env);
  const findRun = (name: string) => t.ctx.db.selectFrom('runs').selectAll().where('name', '=', name).executeTakeFirst();

  it('records a succeeding, a failing and a killed command, and passes each exit code on', async () => {
    const ok = await run('毎朝の取込', ['sh', '-c', 'echo 取込完了; echo "warning: slow" >&2']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('取込完了\n');
    expect(ok.stderr).toBe('warning: slow\n');
    expect(await findRun('毎朝の取込')).toMatchObject({ kind: 'data-source', outcome: 'succeeded', error: null });

    const failing = await run('夜間の取込', ['sh', '-c', 'echo "ERROR: 接続できません (host db1)" >&2; exit 3']);
    expect(failing.code).toBe(3);
    const failed = await findRun('夜間の取込');
    expect(failed).toMatchObject({ outcome: 'failed', error: 'exit code 3\nERROR: 接続できません (host db1)' });
    expect(failed!.ended_at).not.toBeNull();

    const killed = await run('強制終了', ['sh', '-c', 'echo "killed half-way" >&2; kill -9 $$']);
    expect(killed.code).toBe(128 + 9);
    expect(await findRun('強制終了')).toMatchObject({ outcome: 'failed', error: 'signal SIGKILL\nkilled half-way' });

    const missing = await run('存在しないコマンド', ['/nonexistent/command']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toBe('tayori run: コマンドを開始できませんでした: spawn /nonexistent/command ENOENT\n');
    expect((await findRun('存在しないコマンド'))?.error).toMatch(/^could not start: /);
  });

  it('keeps the last 4,000 characters of a long standard error, without terminal colour codes', async () => {
    const noisy = await run('大量出力', ['sh', '-c', 'i=0; while [ $i -lt 3000 ]; do printf "\\033[31mline %d\\033[0m\\n" $i >&2; i=$((i+1)); done; exit 1']);
    expect(noisy.code).toBe(1);
    const error = (await findRun('大量出力'))!.error!;
    expect(Array.from(error).length).toBeLessThanOrEqual(4000);
    expect(error.startsWith('exit code 1\n')).toBe(true);
    expect(error.endsWith('line 2998\nline 2999')).toBe(true);
    expect(error).not.toContain('\u001b');
  });

  it('heartbeats while the command runs', async () => {
    const marker = join(t.dataDir, 'heartbeat-seen');
    const waiting = spawnTayori(
      ['run', '--kind', 'data-source', '--name', '長い処理', '--', 'sh', '-c', `while [ ! -f ${marker} ]; do sleep 0.05; done`],
      besideServer({ TAYORI_MONITOR_MINUTE_MS: '50' }),
    );
    await until(async () => (await findRun('長い処理'))?.last_heartbeat_at != null, 'a heartbeat of the running command');
    expect((await findRun('長い処理'))?.outcome).toBeNull();
    writeFileSync(marker, '');
    expect((await waiting.exited).code).toBe(0);
    expect((await findRun('長い処理'))?.outcome).toBe('succeeded');
  });

  it('heartbeats at once, so a supervisor killed in the first minute leaves a run the monitor can find silent', async () => {
    const killed = spawnTayori(['run', '--kind', 'data-source', '--name', '最初の1分で強制終了', '--', 'sleep', '10'], besideServer());
    await until(async () => (await findRun('最初の1分で強制終了'))?.last_heartbeat_at != null, 'the first heartbeat, long before a minute');
    // Only tayori is killed: its command (sleep) lives on, holding the output pipes, so wait for the exit itself.
    const exited = once(killed.child, 'exit');
    killed.child.kill('SIGKILL');
    await exited;
    expect(await findRun('最初の1分で強制終了')).toMatchObject({ outcome: null, ended_at: null });
  });

  it('reports the outcome again when the server was down as the command ended', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: (t.app.server.address() as { port: number }).port });
    try {
      const admin = await login(t.app);
      const token = (await admin.request('POST', '/api/report-tokens', { name: 'cron', kind: 'data-source' })).json().token.token;
      const marker = join(t.dataDir, 'finish-now');
      const running = spawnTayori(
        ['run', '--kind', 'data-source', '--name', '再起動中に終了', '--url', `http://127.0.0.1:${proxy.port}`, '--token', token, '--', 'sh', '-c', `while [ ! -f ${marker} ]; do sleep 0.05; done`],
        { TAYORI_LOG_LEVEL: 'silent' },
      );
      await until(async () => (await findRun('再起動中に終了'))?.last_heartbeat_at != null, 'the run to be reported running');
      await proxy.cut();
      writeFileSync(marker, '');
      await until(async () => running.stderr().includes('再試行します'), 'a failed report of the outcome');
      await proxy.restore();
      const exit = await running.exited;
      expect(exit.code).toBe(0);
      expect(exit.stderr).not.toContain('結果を報告できませんでした:');
      expect(await findRun('再起動中に終了')).toMatchObject({ outcome: 'succeeded' });
    } finally {
      await proxy.close();
    }
  });

  it('forwards SIGTERM to the command and records how it ended', async () => {
    const ready = join(t.dataDir, 'trap-set');
    const stopping = spawnTayori(
      ['run', '--kind', 'data-source', '--name', '停止される処理', '--', 'sh', '-c', `trap 'echo stopping >&2; exit 7' TERM; touch ${ready}; while true; do sleep 0.05; done`],
      besideServer({ TAYORI_MONITOR_MINUTE_MS: '50' }),
    );
    await until(async () => existsSync(ready) && (await findRun('停止される処理'))?.last_heartbeat_at != null, 'the command to be running');
    stopping.child.kill('SIGTERM');
    expect((await stopping.exited).code).toBe(7);
    expect(await findRun('停止される処理')).toMatchObject({ outcome: 'failed', error: 'exit code 7\nstopping' });
  });

  it('reports over HTTP with a report token, and still runs the command when the report is refused', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const admin = await login(t.app);
    const token = (await admin.request('POST', '/api/report-tokens', { name: 'cron', kind: 'data-source' })).json().token.token;
    const env = { TAYORI_LOG_LEVEL: 'silent' };

    const failing = await runTayori(
      ['run', '--kind', 'data-source', '--name', 'HTTP 経由', '--url', url, '--token', token, '--', 'sh', '-c', 'echo oops >&2; exit 4'],
      env,
    );
    expect(failing.code).toBe(4);
    expect(await findRun('HTTP 経由')).toMatchObject({ outcome: 'failed', error: 'exit code 4\noops' });

    const fromEnvironment = await runTayori(['run', '--kind', 'data-source', '--name', '環境変数のトークン', '--url', url, '--', 'true'], {
      ...env,
      TAYORI_REPORT_TOKEN: token,
    });
    expect(fromEnvironment.code).toBe(0);
    expect(await findRun('環境変数のトークン')).toMatchObject({ outcome: 'succeeded' });

    const wrongKind = await runTayori(
      ['run', '--kind', 'analytics-link', '--name', '別の種類', '--url', url, '--token', token, '--', 'sh', '-c', 'echo ran; exit 5'],
      env,
    );
    expect(wrongKind.code).toBe(5);
    expect(wrongKind.stdout).toBe('ran\n');
    expect(wrongKind.stderr).toContain('tayori run: 開始を報告できませんでした: HTTP 403');
    expect(await findRun('別の種類')).toBeUndefined();

    const badToken = await runTayori(['run', '--kind', 'data-source', '--name', '古いトークン', '--url', url, '--token', 'tyrr_revoked', '--', 'true'], env);
    expect(badToken.code).toBe(0);
    expect(badToken.stderr).toBe(
      'tayori run: 開始を報告できませんでした: HTTP 401: レポートトークンが受け付けられませんでした(正しくないか、無効化されています)。--token か TAYORI_REPORT_TOKEN を確認してください\n',
    );
  });

  it('refuses a bad name or kind before running anything', async () => {
    const marker = join(t.dataDir, 'should-not-exist');
    const bad = await runTayori(['run', '--kind', 'cron', '--name', 'x', '--', 'touch', marker], besideServer());
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('cron');
    const long = await runTayori(['run', '--kind', 'data-source', '--name', 'x'.repeat(201), '--', 'touch', marker], besideServer());
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('200文字以内');
    const longInEnglish = await runTayori(['run', '--kind', 'data-source', '--name', 'x'.repeat(201), '--', 'touch', marker], {
      ...besideServer(),
      LANG: 'en_US.UTF-8',
    });
    expect(longInEnglish.stderr).toContain('tayori run: --name: Enter at most 200 characters.');
    const noToken = await runTayori(['run', '--kind', 'data-source', '--name', 'x', '--url', 'http://127.0.0.1:9', '--', 'touch', marker], besideServer());
    expect(noToken).toMatchObject({ code: 2, stderr: 'tayori run: --url には --token(または TAYORI_REPORT_TOKEN)も指定してください\n' });
    expect((await t.ctx.db.selectFrom('runs').select('id').execute()).length).toBe(0);
  });
});
