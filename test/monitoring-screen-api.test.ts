import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createdReportTokenView, monitorStatusView, reportTokenView, runPageView } from '../src/contracts/monitoring.js';
import { Monitor } from '../src/server/monitoring/monitor.js';
import { finishRun, heartbeatRun, startRun } from '../src/server/monitoring/runs.service.js';
import { type Client, freshAppEachTest, login } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { everyKind, saveMonitoring, watchEverything } from './support/monitoring.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const MINUTE = 60_000;

/**
 * What the スレッド監視 page reads, read through the very view schemas the page parses the
 * answers with (src/contracts/monitoring.ts): a server that drifted from them would break the page.
 */
describe.each(dialects())('the API the スレッド監視 page reads, on $name', (dialect) => {
  let clock: TestClock;
  let sink: SmtpSink;
  let admin: Client;
  let monitor: Monitor;
  const t = freshAppEachTest(dialect, () => {
    clock = testClock();
    return { clock, env: { TAYORI_SESSION_IDLE_MINUTES: '43200' } };
  });

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    admin = await login(t.app);
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: everyKind(watchEverything) });
    monitor = new Monitor(t.ctx);
  });
  afterEach(async () => {
    await monitor?.stop();
    await sink?.close();
  });

  const read = async <S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> => {
    const response = await admin.request('GET', path);
    expect(response.statusCode, response.body).toBe(200);
    return schema.parse(response.json());
  };

  it('says at once that an outcome its settings did not watch when the run ended will not be reported', async () => {
    // Data-source runs report only 異常終了; analytics is 無効.
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: { 'data-source': { ...watchEverything, normalEnd: false } } });
    const finished = async (name: string, kind: 'data-source' | 'analytics-link', outcome: 'succeeded' | 'failed') => {
      const id = await startRun(t.ctx, { kind, name });
      await finishRun(t.ctx, id, { outcome });
    };
    await finished('正常(対象外)', 'data-source', 'succeeded');
    await finished('異常(対象)', 'data-source', 'failed');
    await finished('無効の種類', 'analytics-link', 'failed');
    const notices = async () =>
      Object.fromEntries((await read('/api/runs?limit=50', runPageView)).runs.map((run) => [run.name, run.notices.outcome]));
    // Before the next look: before, all three read 「次回の監視で確認」, though two would never be mailed.
    expect(await notices()).toMatchObject({
      '正常(対象外)': { seenAt: null, unwatched: true },
      '異常(対象)': { seenAt: null, unwatched: false },
      無効の種類: { seenAt: null, unwatched: true },
    });
    clock.advance(5 * MINUTE);
    await monitor.tick();
    expect(await notices()).toMatchObject({
      '正常(対象外)': { reported: false },
      '異常(対象)': { reported: true },
      無効の種類: { reported: false },
    });
  });

  it('lists runs in every state the page shows, newest first, by kind and outcome, a page at a time', async () => {
    const ids: Record<string, string> = {};
    const start = async (name: string, kind: 'data-source' | 'google-calendar-sync' = 'data-source') => {
      ids[name] = await startRun(t.ctx, { kind, name });
      clock.advance(1000);
    };
    await start('正常');
    await finishRun(t.ctx, ids['正常'], { outcome: 'succeeded' });
    await start('異常');
    await finishRun(t.ctx, ids['異常'], { outcome: 'failed', error: 'exit code 3\nconnection refused' });
    await start('途絶', 'google-calendar-sync');
    await heartbeatRun(t.ctx, ids['途絶']);
    await start('遅れて終了', 'google-calendar-sync');
    await heartbeatRun(t.ctx, ids['遅れて終了']);
    await start('実行中');
    clock.advance(15 * MINUTE);
    await monitor.tick(); // marks the two silent runs "heartbeat lost"
    await finishRun(t.ctx, ids['遅れて終了'], { outcome: 'succeeded' });

    const all = await read('/api/runs?limit=50', runPageView);
    expect(all.runs.map((run) => run.name)).toEqual(['実行中', '遅れて終了', '途絶', '異常', '正常']);
    const byName = Object.fromEntries(all.runs.map((run) => [run.name, run]));
    expect(byName['実行中']).toMatchObject({ outcome: null, endedAt: null, heartbeatLostAt: null });
    expect(byName['途絶']).toMatchObject({ outcome: 'failed', endedAt: null, heartbeatLostAt: clock.now().toISOString(), lateFinish: false });
    expect(byName['遅れて終了']).toMatchObject({ outcome: 'succeeded', lateFinish: true });
    expect(byName['異常']).toMatchObject({ outcome: 'failed', error: 'exit code 3\nconnection refused', notices: { outcome: { reported: true } } });

    expect((await read('/api/runs?outcome=running', runPageView)).runs.map((run) => run.name)).toEqual(['実行中']);
    expect((await read('/api/runs?kind=google-calendar-sync&outcome=failed', runPageView)).runs.map((run) => run.name)).toEqual(['途絶']);

    const first = await read('/api/runs?kind=data-source&limit=2', runPageView);
    expect(first.runs.map((run) => run.name)).toEqual(['実行中', '異常']);
    const second = await read(`/api/runs?kind=data-source&limit=2&cursor=${first.nextCursor}`, runPageView);
    expect(second).toMatchObject({ runs: [expect.objectContaining({ name: '正常' })], nextCursor: null });
  });

  it('tells whether an instance monitors, when it looked and will look, and each kind’s last digest', async () => {
    expect(await read('/api/monitor', monitorStatusView)).toEqual({
      lastLookAt: null,
      nextLookAt: null,
      leader: null,
      lastDigests: { 'data-source': null, 'google-calendar-sync': null, 'analytics-link': null },
    });

    const id = await startRun(t.ctx, { kind: 'data-source', name: '夜間取込' });
    await finishRun(t.ctx, id, { outcome: 'failed', error: 'exit code 1' });
    const lookedAt = clock.now().toISOString();
    await monitor.tick();

    const status = await read('/api/monitor', monitorStatusView);
    expect(status).toMatchObject({
      lastLookAt: lookedAt,
      nextLookAt: new Date(clock.now().getTime() + 5 * MINUTE).toISOString(),
      leader: monitor.owner,
      lastDigests: { 'data-source': { at: lookedAt, runs: 1 }, 'google-calendar-sync': null, 'analytics-link': null },
    });

    await monitor.stop();
    expect((await read('/api/monitor', monitorStatusView)).leader).toBeNull();
  });

  it('creates a report token that is shown once, lists it and revokes it', async () => {
    const created = await admin.request('POST', '/api/report-tokens', { name: '夜間 取込', kind: 'analytics-link' });
    expect(created.statusCode).toBe(201);
    const token = createdReportTokenView.parse(created.json().token);
    expect(token).toMatchObject({ name: '夜間 取込', kind: 'analytics-link', revokedAt: null, lastUsedAt: null });

    const { tokens: listed } = await read('/api/report-tokens', z.object({ tokens: z.array(reportTokenView) }));
    expect(listed.map((item) => item.id)).toEqual([token.id]);
    expect(JSON.stringify(listed)).not.toContain(token.token);

    const revoked = await admin.request('DELETE', `/api/report-tokens/${token.id}`);
    expect(reportTokenView.parse(revoked.json().token).revokedAt).toBe(clock.now().toISOString());
  });
});
