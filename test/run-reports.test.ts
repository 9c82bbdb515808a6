import { beforeEach, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../src/server/housekeeping.js';
import { createRunsApi, startRun } from '../src/server/monitoring/runs.service.js';
import { type Client, freshAppEachTest, login } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';

describe.each(dialects())('reporting runs on $name', (dialect) => {
  let clock: TestClock;
  let admin: Client;
  const t = freshAppEachTest(dialect, () => {
    clock = testClock();
    return { clock };
  });

  beforeEach(async () => {
    admin = await login(t.app);
  });

  async function createToken(kind: string, name = `${kind} worker`) {
    const response = await admin.request('POST', '/api/report-tokens', { name, kind });
    expect(response.statusCode).toBe(201);
    return response.json().token as { id: string; token: string; kind: string };
  }

  const report = (token: string | null, url: string, body?: unknown) =>
    t.app.inject({ method: 'POST', url, payload: body as object | undefined, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  const runs = async (query = '') => (await admin.request('GET', `/api/runs${query}`)).json();
  const runCount = async () => (await t.ctx.db.selectFrom('runs').select('id').execute()).length;

  it('shows a report token once, keeps only its hash, lists and revokes it, and never logs it in the audit trail', async () => {
    const created = await createToken('data-source', '抽出サーバー');
    expect(created.token).toMatch(/^tyrr_[\w-]{43}$/);
    expect(created).toMatchObject({ name: '抽出サーバー', kind: 'data-source', revokedAt: null, createdBy: 'admin' });

    const listed = await admin.request('GET', '/api/report-tokens');
    expect(listed.json().tokens).toEqual([expect.objectContaining({ id: created.id, name: '抽出サーバー', kind: 'data-source' })]);
    expect(listed.body).not.toContain(created.token);
    const stored = await t.ctx.db.selectFrom('report_tokens').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.token);

    expect((await report(created.token, '/api/runs', { kind: 'data-source', name: '顧客マスタ' })).statusCode).toBe(201);
    const revoked = await admin.request('DELETE', `/api/report-tokens/${created.id}`);
    expect(revoked.json().token.revokedAt).toBe(clock.now().toISOString());
    const refused = await report(created.token, '/api/runs', { kind: 'data-source', name: '顧客マスタ' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('error.token_refused');
    expect((await admin.request('DELETE', '/api/report-tokens/no-such-token')).statusCode).toBe(404);
    // A retried revocation answers the same and changes nothing, not even the audit trail.
    clock.advance(1_000);
    const again = await admin.request('DELETE', `/api/report-tokens/${created.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json().token.revokedAt).toBe(revoked.json().token.revokedAt);
    expect((await admin.request('GET', '/api/audit?action=report_token.revoke')).json().entries).toHaveLength(1);

    const audit = await admin.request('GET', '/api/audit?action=report_token.create');
    expect(audit.json().entries).toHaveLength(1);
    const trail = await admin.request('GET', '/api/audit?limit=200');
    expect(trail.body).toContain('report_token.revoke');
    expect(trail.body).not.toContain(created.token);
  });

  it('records a run reported over HTTP: start, heartbeats and the outcome; a second finish is 409', async () => {
    const { token } = await createToken('google-calendar-sync');
    const started = await report(token, '/api/runs', { kind: 'google-calendar-sync', name: '  営業部カレンダー 🗓  ' });
    expect(started.statusCode).toBe(201);
    const { id } = started.json();
    clock.advance(60_000);
    const heartbeat = await report(token, `/api/runs/${id}/heartbeat`);
    expect(heartbeat.statusCode).toBe(204);
    // As a hand-written worker sends it: the JSON Content-Type out of habit, and no body.
    const bodiless = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${id}/heartbeat`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '',
    });
    expect(bodiless.statusCode, bodiless.body).toBe(204);
    clock.advance(60_000);
    // Line breaks of any kind are stored as LF: a lone CR would start a line of its own in the digest mail.
    const error = 'HTTP 503\r\n  at sync()\r- 別の処理を装った行';
    expect((await report(token, `/api/runs/${id}/finish`, { outcome: 'failed', error })).statusCode).toBe(204);

    expect((await runs()).runs).toEqual([
      expect.objectContaining({
        id,
        kind: 'google-calendar-sync',
        name: '営業部カレンダー 🗓',
        startedAt: '2026-04-01T00:00:00.000Z',
        lastHeartbeatAt: '2026-04-01T00:01:00.000Z',
        endedAt: '2026-04-01T00:02:00.000Z',
        outcome: 'failed',
        error: 'HTTP 503\n  at sync()\n- 別の処理を装った行',
        lateFinish: false,
      }),
    ]);
    const again = await report(token, `/api/runs/${id}/finish`, { outcome: 'succeeded' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('monitoring.run_finished');
    expect((await report(token, `/api/runs/${id}/heartbeat`)).statusCode).toBe(409);
    expect((await runs()).runs[0].outcome).toBe('failed');
  });

  it('lets a token report only its own kind, and refuses bad, missing and mail-API tokens', async () => {
    const dataSource = await createToken('data-source');
    const analytics = await createToken('analytics-link');
    const wrongKind = await report(analytics.token, '/api/runs', { kind: 'data-source', name: 'x' });
    expect(wrongKind.statusCode).toBe(403);
    expect(wrongKind.json().error).toMatchObject({ code: 'monitoring.wrong_kind', message: expect.stringContaining('データソース') });

    const { id } = (await report(dataSource.token, '/api/runs', { kind: 'data-source', name: '取込' })).json();
    expect((await report(analytics.token, `/api/runs/${id}/heartbeat`)).statusCode).toBe(404);
    expect((await report(analytics.token, `/api/runs/${id}/finish`, { outcome: 'succeeded' })).statusCode).toBe(404);
    expect((await runs()).runs[0]).toMatchObject({ outcome: null, lastHeartbeatAt: null });

    const mailToken = (await admin.request('POST', '/api/mail/tokens', { name: 'app' })).json().token.token;
    for (const token of [null, 'tyrr_not-a-real-token', mailToken, `${dataSource.token}x`]) {
      const refused = await report(token, '/api/runs', { kind: 'data-source', name: '取込' });
      expect(refused.statusCode, String(token)).toBe(401);
    }
    expect(await runCount()).toBe(1);
  });

  it('refuses a malformed report with 422 naming each field, and saves nothing', async () => {
    const { token } = await createToken('data-source');
    const cases: [unknown, string[]][] = [
      [{ kind: 'cron', name: 'x' }, ['kind']],
      [{ kind: 'data-source' }, ['name']],
      [{ kind: 'data-source', name: '   ' }, ['name']],
      [{ kind: 'data-source', name: 'a\r\nb' }, ['name']],
      [{ kind: 'data-source', name: 'nul\u0000' }, ['name']],
      [{ kind: 'data-source', name: 'あ'.repeat(201) }, ['name']],
      [{ kind: 'data-source', name: 5 }, ['name']],
      [{ kind: 'data-source', name: 'x', extra: true }, ['extra']],
      [[], ['']],
    ];
    for (const [body, paths] of cases) {
      const response = await report(token, '/api/runs', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(response.json().error.fields.map((f: { path: string }) => f.path), JSON.stringify(body)).toEqual(paths);
    }
    expect(await runCount()).toBe(0);
    expect((await report(token, '/api/runs', { kind: 'data-source', name: 'あ'.repeat(200) })).statusCode).toBe(201);

    const { id } = (await report(token, '/api/runs', { kind: 'data-source', name: 'x' })).json();
    const finishes: [unknown, string[]][] = [
      [{ outcome: 'ok' }, ['outcome']],
      [{ outcome: 'failed', error: 42 }, ['error']],
      [{}, ['outcome']],
    ];
    for (const [body, paths] of finishes) {
      const response = await report(token, `/api/runs/${id}/finish`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(response.json().error.fields.map((f: { path: string }) => f.path)).toEqual(paths);
    }
    expect((await runs('?outcome=running')).runs.map((r: { id: string }) => r.id)).toContain(id);

    // A long stack trace with a terminal's colour codes is taken, not refused (that left the run
    // 実行中 for good): kept as its first line and its end, 4,000 characters at most, codes removed.
    const trace = ['java.lang.RuntimeException: 取込に失敗しました', ...Array.from({ length: 120 }, (_, i) => `\tat com.example.Import.step${i}(Import.java:${i})`), '\u001b[31mCaused by: java.net.ConnectException\u001b[0m'];
    expect(trace.join('\n').length).toBeGreaterThan(4000);
    expect((await report(token, `/api/runs/${id}/finish`, { outcome: 'failed', error: trace.join('\n') })).statusCode).toBe(204);
    const stored = (await runs()).runs.find((r: { id: string }) => r.id === id).error as string;
    expect(Array.from(stored).length).toBeLessThanOrEqual(4000);
    expect(stored.startsWith('java.lang.RuntimeException: 取込に失敗しました\n…\n')).toBe(true);
    expect(stored.endsWith('\tat com.example.Import.step119(Import.java:119)\nCaused by: java.net.ConnectException')).toBe(true);
    expect((await report(token, '/api/runs/unknown/heartbeat')).statusCode).toBe(404);
  });

  it('tracks in-process work: heartbeats, the outcome, and a thrown error recorded and thrown on', async () => {
    const runsApi = createRunsApi(t.ctx);
    const value = await runsApi.track('analytics-link', 'GA4 プロパティ', async (heartbeat) => {
      clock.advance(1000);
      await heartbeat();
      clock.advance(1000);
      return 42;
    });
    expect(value).toBe(42);
    const failure = new TypeError('cannot read property "id" of undefined');
    await expect(runsApi.track('data-source', '名刺データ', async () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(runsApi.track('cron' as never, 'x', async () => 1)).rejects.toMatchObject({ status: 422 });

    const [failed, succeeded] = (await runs()).runs;
    expect(succeeded).toMatchObject({ name: 'GA4 プロパティ', outcome: 'succeeded', lastHeartbeatAt: '2026-04-01T00:00:01.000Z', endedAt: '2026-04-01T00:00:02.000Z', error: null });
    expect(failed).toMatchObject({ name: '名刺データ', outcome: 'failed' });
    expect(failed.error).toMatch(/^TypeError: cannot read property "id" of undefined\n\s+at /);
  });

  it('lists runs newest first with keyset pages and filters by kind and outcome', async () => {
    const runsApi = createRunsApi(t.ctx);
    for (const [kind, outcome] of [
      ['data-source', 'succeeded'],
      ['data-source', 'failed'],
      ['analytics-link', 'succeeded'],
      ['data-source', 'succeeded'],
      ['data-source', 'running'],
    ] as const) {
      clock.advance(1000);
      const name = `${kind}-${outcome}-${clock.now().getTime() % 100_000}`;
      if (outcome === 'running') await startRun(t.ctx, { kind, name });
      else await runsApi.track(kind, name, async () => (outcome === 'failed' ? Promise.reject(new Error('boom')) : undefined)).catch(() => {});
    }
    const first = await runs('?limit=2');
    const second = await runs(`?limit=2&cursor=${first.nextCursor}`);
    const third = await runs(`?limit=2&cursor=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    const names = [...first.runs, ...second.runs, ...third.runs].map((r: { name: string }) => r.name);
    expect(names).toEqual([
      'data-source-running-5000',
      'data-source-succeeded-4000',
      'analytics-link-succeeded-3000',
      'data-source-failed-2000',
      'data-source-succeeded-1000',
    ]);

    const namesOf = async (query: string) => (await runs(query)).runs.map((r: { name: string }) => r.name);
    expect(await namesOf('?kind=analytics-link')).toEqual(['analytics-link-succeeded-3000']);
    expect(await namesOf('?kind=data-source&outcome=failed')).toEqual(['data-source-failed-2000']);
    expect(await namesOf('?outcome=running')).toEqual(['data-source-running-5000']);
    const bad = await admin.request('GET', '/api/runs?kind=cron&limit=0');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['kind', 'limit']);
  });
  it('purges runs started before the retention period through the housekeeping, and keeps the rest', async () => {
    const old = await startRun(t.ctx, { kind: 'data-source', name: '古い処理' });
    clock.advance(t.ctx.config.retentionMs);
    const recent = await startRun(t.ctx, { kind: 'data-source', name: '最近の処理' });
    clock.advance(1);
    await runHousekeeping(t.ctx);
    const left = await t.ctx.db.selectFrom('runs').select('id').execute();
    expect(left.map((run) => run.id)).toEqual([recent]);
    expect(old).not.toBe(recent);
  });
});
