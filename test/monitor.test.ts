import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { THREAD_KINDS, type ThreadKind, type ThreadKindSettings } from '../src/contracts/mail-settings.js';
import type { RunOutcome } from '../src/contracts/monitoring.js';
import { LeaseLostError } from '../src/server/leases/lease.js';
import { lookOnce } from '../src/server/monitoring/look.js';
import { Monitor } from '../src/server/monitoring/monitor.js';
import { finishRun, heartbeatRun, startRun } from '../src/server/monitoring/runs.service.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { type Client, freshAppEachTest, login } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { everyKind, KIND_LABELS, listedRuns, MONITOR_RECIPIENT, saveMonitoring, watchEverything } from './support/monitoring.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Notice = RunOutcome | 'long-running';
const NOTICES: Notice[] = ['succeeded', 'failed', 'long-running'];
const NOTICE_LABELS: Record<Notice, string> = { succeeded: '正常終了', failed: '異常終了', 'long-running': '長時間' };
const CHECKBOX: Record<Notice, keyof ThreadKindSettings> = { succeeded: 'normalEnd', failed: 'abnormalEnd', 'long-running': 'longRunning' };

describe.each(dialects())('the monitor on $name', (dialect) => {
  let clock: TestClock;
  let sink: SmtpSink;
  let admin: Client;
  let worker: OutboxWorker;
  let monitor: Monitor;
  let delivered: number;
  // Sessions outlast the hours the clock moves, so the administrator stays signed in.
  const t = freshAppEachTest(dialect, () => {
    clock = testClock();
    return { clock, env: { TAYORI_SESSION_IDLE_MINUTES: '43200', TAYORI_SESSION_ABSOLUTE_HOURS: '2160' } };
  });

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    admin = await login(t.app);
    await saveMonitoring(admin, sink.port, { kinds: everyKind(watchEverything) });
    worker = new OutboxWorker(t.ctx);
    monitor = new Monitor(t.ctx);
    delivered = 0;
  });
  afterEach(async () => {
    await monitor?.stop();
    await worker?.stop();
    await sink?.close();
  });

  /** One beat of the monitor, then the outbox delivered: returns the digests this beat sent. */
  async function beat(): Promise<ReceivedMail[]> {
    await monitor.tick();
    while ((await worker.deliverDueMails()) > 0);
    const fresh = sink.messages.slice(delivered);
    delivered = sink.messages.length;
    return fresh;
  }

  const start = (kind: ThreadKind, name: string) => startRun(t.ctx, { kind, name });
  const finish = (id: string, outcome: RunOutcome, error?: string) => finishRun(t.ctx, id, { outcome, error });
  const runView = async (id: string) => {
    const runs = (await admin.request('GET', '/api/runs?limit=200')).json().runs as { id: string }[];
    return runs.find((run) => run.id === id) as Record<string, unknown>;
  };

  it('reports each outcome of each kind exactly when the kind is 有効 and the outcome checked, and never later by surprise', async () => {
    await beat(); // the first look: nothing yet
    for (const notice of NOTICES) {
      for (const enabled of [true, false]) {
        for (const checked of [true, false]) {
          // The other two checkboxes are the opposite, so a 有効 kind always has one checked.
          const settings = { ...watchEverything, enabled } as ThreadKindSettings;
          for (const other of NOTICES) (settings as Record<string, unknown>)[CHECKBOX[other]] = other === notice ? checked : !checked;
          await saveMonitoring(admin, sink.port, { kinds: everyKind(settings) });

          const name = `${notice}-${enabled ? '有効' : '無効'}-${checked ? 'checked' : 'unchecked'}`;
          for (const kind of THREAD_KINDS) {
            const id = await start(kind, `${name} ${kind}`);
            if (notice !== 'long-running') await finish(id, notice, notice === 'failed' ? 'connection refused' : undefined);
          }
          clock.advance(notice === 'long-running' ? 3 * HOUR : 10 * MINUTE);
          const digests = await beat();

          if (enabled && checked) {
            expect(digests.map((mail) => mail.subject).sort(), name).toEqual(
              THREAD_KINDS.map((kind) => `[Tayori] ${KIND_LABELS[kind]}: ${NOTICE_LABELS[notice]} 1件`).sort(),
            );
            for (const mail of digests) {
              expect(mail.to).toEqual([MONITOR_RECIPIENT]);
              expect(listedRuns(mail.text)).toHaveLength(1);
              expect(listedRuns(mail.text)[0]).toMatch(new RegExp(`^${name} `));
            }
          } else {
            expect(digests, name).toEqual([]);
          }
        }
      }
    }
    // Switching everything on reports nothing that ended while it was off: only the runs still
    // going past 長時間 that were not watched (they never finished), once.
    await saveMonitoring(admin, sink.port, { kinds: everyKind(watchEverything) });
    clock.advance(10 * MINUTE);
    const digests = await beat();
    expect(digests.map((mail) => mail.subject).sort()).toEqual(THREAD_KINDS.map((kind) => `[Tayori] ${KIND_LABELS[kind]}: 長時間 3件`).sort());
    for (const mail of digests) {
      expect(listedRuns(mail.text).map((name) => name.split(' ')[0]).sort()).toEqual(['long-running-有効-unchecked', 'long-running-無効-checked', 'long-running-無効-unchecked']);
    }
    clock.advance(10 * MINUTE);
    expect(await beat()).toEqual([]);
  });

  it('reports an outcome as the settings stood when the run ended, whatever they say at the next look', async () => {
    const failedWhileChecked = await start('data-source', '異常終了にチェック中に失敗');
    await finish(failedWhileChecked, 'failed', 'ORA-12541: TNS:no listener');
    const dataSourceUnticked = { ...watchEverything, abnormalEnd: false };
    await saveMonitoring(admin, sink.port, { kinds: { 'data-source': dataSourceUnticked } });
    const failedWhileOff = await start('analytics-link', '無効中に失敗');
    await finish(failedWhileOff, 'failed', 'quota exceeded');
    await saveMonitoring(admin, sink.port, { kinds: { 'data-source': dataSourceUnticked, 'analytics-link': watchEverything } });

    clock.advance(10 * MINUTE);
    const digests = await beat();
    // Before, the first failure was never mailed and the second was, by the settings of the look.
    expect(digests.map((mail) => mail.subject)).toEqual([`[Tayori] ${KIND_LABELS['data-source']}: 異常終了 1件`]);
    expect(listedRuns(digests[0].text)).toEqual(['異常終了にチェック中に失敗']);
    expect(await runView(failedWhileOff)).toMatchObject({ notices: { outcome: { reported: false } } });
  });

  it('writes no digest to nobody: a run that ended while watched, after which every kind was switched off and the addresses cleared', async () => {
    const failed = await start('data-source', '監視中に失敗');
    await finish(failed, 'failed', 'connection refused');
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { monitoring: { intervalMinutes: 10, recipients: '', kinds: everyKind({ ...watchEverything, enabled: false }) } }));
    clock.advance(10 * MINUTE);
    expect(await beat()).toEqual([]);
    // Before, a digest addressed to nobody failed in the delivery log and the run read メールで通知済み.
    expect((await admin.request('GET', '/api/mail/deliveries?kind=monitor')).json().deliveries).toEqual([]);
    expect(await runView(failed)).toMatchObject({ notices: { outcome: { reported: false, suppressed: false } } });
  });

  it('with sending 無効, records the digest as suppressed and says so on each run and on the monitor, not that it was mailed', async () => {
    await saveMailSettings(
      admin,
      smtpSettingsForm(sink.port, { sendingEnabled: false, monitoring: { intervalMinutes: 10, recipients: MONITOR_RECIPIENT, kinds: everyKind(watchEverything) } }),
    );
    const failed = await start('data-source', '送信無効中に失敗');
    await finish(failed, 'failed', 'connection refused');
    const longRunning = await start('data-source', '送信無効中に長時間');
    clock.advance(3 * HOUR);
    expect(await beat()).toEqual([]);

    const digests = (await admin.request('GET', '/api/mail/deliveries?kind=monitor')).json().deliveries;
    expect(digests.map((mail: { state: string }) => mail.state)).toEqual(['suppressed']);
    // Before, both read メールで通知済み and the monitor counted the digest as sent.
    expect(await runView(failed)).toMatchObject({ notices: { outcome: { reported: false, suppressed: true } } });
    expect(await runView(longRunning)).toMatchObject({ notices: { longRunning: { reported: false, suppressed: true } } });
    const status = (await admin.request('GET', '/api/monitor')).json();
    expect(status.lastDigests['data-source']).toMatchObject({ runs: 2, suppressed: true });
  });

  it('reports 長時間 once, at exactly the threshold, with the time it was crossed in the organisation’s zone', async () => {
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: { 'data-source': { ...watchEverything, longRunningHours: 2 } } });
    const started = clock.now();
    const exactly = await start('data-source', '顧客マスタ取込');
    clock.advance(1);
    await start('data-source', '1ミリ秒後に開始');
    clock.set(new Date(started.getTime() + 2 * HOUR));
    const [digest, ...more] = await beat();
    expect(more).toEqual([]);
    expect(digest!.subject).toBe('[Tayori] データソース: 長時間 1件');
    expect(digest!.headers.get('auto-submitted')).toBe('auto-generated');
    expect(listedRuns(digest!.text)).toEqual(['顧客マスタ取込']);
    // 2026-04-01T00:00Z + 2 h = 11:00 in Tokyo.
    expect(digest!.text).toContain('2時間を超えた時刻: 2026年4月1日 11:00 JST (Asia/Tokyo)');
    expect(digest!.text).toContain('経過: 2時間0分(実行中)');

    clock.advance(5 * MINUTE);
    const [next] = await beat();
    expect(listedRuns(next!.text)).toEqual(['1ミリ秒後に開始']);
    clock.advance(5 * MINUTE);
    expect(await beat()).toEqual([]);

    await finish(exactly, 'succeeded');
    clock.advance(5 * MINUTE);
    const [end] = await beat();
    expect(end!.subject).toBe('[Tayori] データソース: 正常終了 1件');
    expect(end!.text).toContain('所要 2時間10分');
    expect(await runView(exactly)).toMatchObject({ notices: { longRunning: { reported: true }, outcome: { reported: true } } });
  });

  it('reports a run still going past its 長時間 threshold when 長時間 is switched on, but not one that ended while it was off', async () => {
    const abnormalOnly = { ...watchEverything, normalEnd: false, longRunning: false, longRunningHours: 2 };
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: { 'data-source': abnormalOnly } });
    const hanging = await start('data-source', '止まった取込');
    await start('data-source', '終わった取込').then((id) => {
      clock.advance(150 * MINUTE);
      return finish(id, 'succeeded');
    });
    clock.advance(30 * MINUTE);
    expect(await beat()).toEqual([]);
    clock.advance(5 * MINUTE);
    expect(await beat()).toEqual([]);

    // The administrator switches 長時間 on because a job hangs.
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: { 'data-source': { ...abnormalOnly, longRunning: true } } });
    clock.advance(5 * MINUTE);
    const [digest, ...more] = await beat();
    expect(more).toEqual([]);
    expect(digest!.subject).toBe('[Tayori] データソース: 長時間 1件');
    expect(listedRuns(digest!.text)).toEqual(['止まった取込']);
    expect(digest!.text).toContain('経過: 3時間10分(実行中)');
    expect(await runView(hanging)).toMatchObject({ notices: { longRunning: { reported: true } } });
    clock.advance(5 * MINUTE);
    expect(await beat()).toEqual([]);
  });

  it('marks a run whose heartbeats stopped for 15 minutes 異常終了 and reports its real end later as a late finish', async () => {
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: { 'google-calendar-sync': watchEverything } });
    const silent = await start('google-calendar-sync', '営業部カレンダー');
    const quiet = await start('google-calendar-sync', 'ハートビートなし');
    const later = await start('google-calendar-sync', '1ミリ秒後にハートビート');
    await heartbeatRun(t.ctx, silent);
    const lastHeartbeat = clock.now();
    clock.advance(1);
    await heartbeatRun(t.ctx, later);

    clock.set(new Date(lastHeartbeat.getTime() + 15 * MINUTE));
    const [lost] = await beat();
    expect(lost!.subject).toBe('[Tayori] Googleカレンダー同期: 異常終了 1件');
    expect(listedRuns(lost!.text)).toEqual(['営業部カレンダー']);
    expect(lost!.text).not.toContain('実行中');
    expect(lost!.text).toContain('異常終了(ハートビート途絶: 最後のハートビート 2026年4月1日 09:00 JST (Asia/Tokyo))');
    expect(await runView(quiet)).toMatchObject({ outcome: null, heartbeatLostAt: null });
    expect(await runView(later)).toMatchObject({ outcome: null, heartbeatLostAt: null });
    await heartbeatRun(t.ctx, later);

    clock.advance(20 * MINUTE);
    await finish(silent, 'succeeded');
    clock.advance(5 * MINUTE);
    const digests = await beat();
    const late = digests.find((mail) => mail.subject?.includes('正常終了'))!;
    expect(late.subject).toBe('[Tayori] Googleカレンダー同期: 異常終了 1件 / 正常終了 1件');
    expect(listedRuns(late.text)).toEqual(['1ミリ秒後にハートビート', '営業部カレンダー']);
    expect(late.text).toContain('正常終了(遅れて終了');
    expect(await runView(silent)).toMatchObject({ outcome: 'succeeded', lateFinish: true, endedAt: '2026-04-01T00:35:00.000Z' });
    await expect(finish(silent, 'failed')).rejects.toMatchObject({ status: 409 });
  });

  it('tells recipients who were told 異常終了 (heartbeat lost) of the late finish, even with 正常終了 unchecked', async () => {
    const onlyFailures = { ...watchEverything, normalEnd: false, longRunning: false };
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: { 'data-source': onlyFailures } });
    const lostThenDone = await start('data-source', '夜間取込');
    const plainSuccess = await start('data-source', '普通に正常終了');
    await heartbeatRun(t.ctx, lostThenDone);
    clock.advance(15 * MINUTE);
    const [lost] = await beat();
    expect(lost!.subject).toBe('[Tayori] データソース: 異常終了 1件');

    clock.advance(10 * MINUTE);
    await finish(lostThenDone, 'succeeded');
    await finish(plainSuccess, 'succeeded');
    clock.advance(5 * MINUTE);
    const [late, ...more] = await beat();
    expect(more).toEqual([]);
    expect(late!.subject).toBe('[Tayori] データソース: 正常終了 1件');
    expect(listedRuns(late!.text)).toEqual(['夜間取込']);
    expect(late!.text).toContain('正常終了(遅れて終了');
    expect(await runView(plainSuccess)).toMatchObject({ notices: { outcome: { reported: false } } });
  });

  it('lists a run whose heartbeats were lost before its 長時間 threshold as 異常終了 only, never also as still running', async () => {
    await saveMonitoring(admin, sink.port, { intervalMinutes: 30, kinds: { 'data-source': { ...watchEverything, longRunningHours: 1 } } });
    const started = clock.now().getTime();
    const silentBefore = await start('data-source', '55分で途絶');
    const silentAfter = await start('data-source', '65分で途絶');
    clock.set(new Date(started + 55 * MINUTE));
    await heartbeatRun(t.ctx, silentBefore);
    clock.set(new Date(started + 65 * MINUTE));
    await heartbeatRun(t.ctx, silentAfter);

    clock.set(new Date(started + 80 * MINUTE));
    const [digest, ...more] = await beat();
    expect(more).toEqual([]);
    expect(digest!.subject).toBe('[Tayori] データソース: 異常終了 2件 / 長時間 1件');
    expect(listedRuns(digest!.text)).toEqual(['55分で途絶', '65分で途絶', '65分で途絶']);
    expect(digest!.text).not.toContain('実行中');
    expect(await runView(silentBefore)).toMatchObject({ notices: { longRunning: { reported: false }, outcome: { reported: true } } });
  });

  it('reports a run committed after a look even though it ended before that look (no time cursor)', async () => {
    await saveMonitoring(admin, sink.port, { kinds: { 'analytics-link': watchEverything } });
    const before = clock.now();
    clock.advance(10 * MINUTE);
    await beat();
    // Written only now, with times from before the look, as a transaction that committed late.
    const past = { db: t.ctx.db, clock: { now: () => before } };
    const id = await startRun(past, { kind: 'analytics-link', name: 'GA4 連携' });
    await finishRun(past, id, { outcome: 'failed', error: 'quota exceeded' });
    clock.advance(10 * MINUTE);
    const [digest] = await beat();
    expect(digest!.subject).toBe('[Tayori] Analyticsアカウント連携: 異常終了 1件');
    expect(digest!.text).toContain('quota exceeded');
  });

  it('looks every [監視間隔] after the last look, and a changed interval applies from the next look', async () => {
    const lookTimes: string[] = [];
    const tickAt = async (minutes: number) => {
      clock.set(new Date(Date.parse('2026-04-01T00:00:00Z') + minutes * MINUTE));
      const look = await monitor.tick();
      if (look) lookTimes.push(look.at.slice(11, 16));
    };
    await tickAt(0);
    await tickAt(5);
    await tickAt(9);
    await tickAt(10);
    await saveMonitoring(admin, sink.port, { intervalMinutes: 5, kinds: everyKind(watchEverything) });
    await tickAt(15);
    await saveMonitoring(admin, sink.port, { intervalMinutes: 20, kinds: everyKind(watchEverything) });
    await tickAt(20);
    await tickAt(34);
    await tickAt(35);
    expect(lookTimes).toEqual(['00:00', '00:10', '00:15', '00:35']);
    const status = (await admin.request('GET', '/api/monitor')).json();
    expect(status).toMatchObject({ lastLookAt: '2026-04-01T00:35:00.000Z', nextLookAt: '2026-04-01T00:55:00.000Z', leader: monitor.owner });
  });

  it('reports every event of a gap of three intervals once, in one digest per kind, when it looks again', async () => {
    await beat();
    const names: Record<ThreadKind, string[]> = { 'data-source': [], 'google-calendar-sync': [], 'analytics-link': [] };
    for (let interval = 0; interval < 3; interval++) {
      clock.advance(10 * MINUTE);
      for (const kind of THREAD_KINDS) {
        const name = `${kind} 第${interval + 1}区間`;
        await finish(await start(kind, name), interval === 1 ? 'failed' : 'succeeded');
        names[kind].push(name);
      }
    }
    clock.advance(10 * MINUTE);
    const digests = await beat();
    expect(digests).toHaveLength(3);
    for (const kind of THREAD_KINDS) {
      const digest = digests.find((mail) => mail.subject?.includes(KIND_LABELS[kind]))!;
      expect(digest.subject).toBe(`[Tayori] ${KIND_LABELS[kind]}: 異常終了 1件 / 正常終了 2件`);
      expect(listedRuns(digest.text).sort()).toEqual([...names[kind]].sort());
    }
    clock.advance(10 * MINUTE);
    expect(await beat()).toEqual([]);
  });

  it('lists 100 runs at most, then says how many more; in English with the zone named when the organisation is English', async () => {
    await admin.request('PUT', '/api/organisation', { name: 'Tayori', defaultLocale: 'en', timeZone: 'America/New_York' });
    await beat();
    for (let i = 0; i < 103; i++) await finish(await start('data-source', `job ${String(i).padStart(3, '0')}`), 'succeeded');
    const failing = await start('data-source', 'nightly import');
    await finish(failing, 'failed', `Traceback (most recent call last):\n${'  frame\n'.repeat(200)}ValueError: bad row 17`);
    clock.advance(10 * MINUTE);
    const [digest, ...more] = await beat();
    expect(more).toEqual([]);
    expect(digest!.subject).toBe('[Tayori] Data source: 1 failed / 103 succeeded');
    expect(listedRuns(digest!.text)).toHaveLength(100);
    expect(listedRuns(digest!.text)[0]).toBe('nightly import');
    expect(digest!.text).toContain('4 more not listed');
    expect(digest!.text).toMatch(/Started: 31 Mar 2026, 20:00 GMT-4 \(America\/New_York\)/);
    expect(digest!.text).toContain('Traceback (most recent call last):');
    expect(digest!.text).toContain('ValueError: bad row 17');
    expect(digest!.text!.length).toBeLessThan(100 * 400);
  });

  it('lets only the lease holder look: a former leader whose lease was taken over writes nothing', async () => {
    const first = new Monitor(t.ctx);
    const second = new Monitor(t.ctx);
    await first.tick();
    expect(first.isLeader).toBe(true);
    const oldLease = (first as unknown as { lease: Parameters<typeof lookOnce>[1] }).lease;

    await finish(await start('data-source', '取込'), 'succeeded');
    clock.advance(10 * MINUTE); // past the lease, and the next look is due
    expect(await second.tick()).toMatchObject({ digests: { 'data-source': 1 } });
    await finish(await start('data-source', '再取込'), 'succeeded');

    const outboxBefore = await t.ctx.db.selectFrom('mail_outbox').select('id').execute();
    await expect(lookOnce(t.ctx, oldLease, clock.now())).rejects.toBeInstanceOf(LeaseLostError);
    expect(await t.ctx.db.selectFrom('mail_outbox').select('id').execute()).toEqual(outboxBefore);
    expect(await first.tick()).toBeNull();
    expect(first.isLeader).toBe(false);
    const pending = await t.ctx.db.selectFrom('runs').select('name').where('outcome_seen_at', 'is', null).execute();
    expect(pending).toEqual([{ name: '再取込' }]);
    await second.stop();
  });
});
