import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { THREAD_KINDS, type ThreadKind } from '../src/contracts/mail-settings.js';
import { finishRun, startRun } from '../src/server/monitoring/runs.service.js';
import { freshAppEachTest, login } from './support/app.js';
import { spawnTayori, type TayoriProcess } from './support/cli.js';
import { dialects } from './support/databases.js';
import { everyKind, KIND_LABELS, listedRuns, saveMonitoring, watchEverything } from './support/monitoring.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/** One monitor minute is 200 ms, so the 5-minute [監視間隔] is one second. */
const MINUTE_MS = 200;
const INTERVAL_MS = 5 * MINUTE_MS;
const LEASE_MS = 1500;
/** Processes start slowly on a machine whose cores are busy; these tests wait for events, never for time. */
const PROCESS_TEST_TIMEOUT_MS = 240_000;

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(dialects())('the monitor in real tayori serve processes on $name', (dialect) => {
  let sink: SmtpSink;
  const created: Record<ThreadKind, string[]> = { 'data-source': [], 'google-calendar-sync': [], 'analytics-link': [] };
  const t = freshAppEachTest(dialect);

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    await saveMonitoring(await login(t.app), sink.port, { intervalMinutes: 5, kinds: everyKind(watchEverything) });
    for (const kind of THREAD_KINDS) created[kind] = [];
  });
  afterEach(async () => {
    await sink?.close();
  });

  const serve = () =>
    spawnTayori(['serve'], {
      TAYORI_DATA_DIR: t.dataDir,
      TAYORI_DATABASE_URL: t.databaseUrl,
      TAYORI_PORT: '0',
      TAYORI_LOG_LEVEL: 'warn',
      TAYORI_MONITOR_MINUTE_MS: String(MINUTE_MS),
      TAYORI_MONITOR_LEASE_MS: String(LEASE_MS),
      TAYORI_OUTBOX_POLL_MS: '50',
    });

  /** One finished run of each kind, committed now. */
  let sequence = 0;
  async function finishedRunOfEachKind() {
    sequence += 1;
    for (const kind of THREAD_KINDS) {
      const name = `run ${sequence} ${kind}`;
      await finishRun(t.ctx, await startRun(t.ctx, { kind, name }), { outcome: sequence % 3 === 0 ? 'failed' : 'succeeded' });
      created[kind].push(name);
    }
  }

  const looks = () => t.ctx.db.selectFrom('monitor_looks').selectAll().orderBy('at').execute();
  const lease = () => t.ctx.db.selectFrom('leases').selectAll().where('name', '=', 'monitor').executeTakeFirst();
  const pendingRuns = async () => (await t.ctx.db.selectFrom('runs').select('id').where('outcome_seen_at', 'is', null).execute()).length;

  /** Produces runs, a batch every 100 ms, until the condition holds. */
  async function produceUntil(condition: () => Promise<boolean>, what: string) {
    await until(async () => {
      await finishedRunOfEachKind();
      await new Promise((resolve) => setTimeout(resolve, 100));
      return condition();
    }, what);
  }

  /** Waits until every run was reported and every digest written has arrived at the sink. */
  async function allDelivered() {
    await until(async () => (await pendingRuns()) === 0, 'every run to be reported');
    const digests = await t.ctx.db.selectFrom('monitor_digests').selectAll().execute();
    await sink.waitForMessages(digests.length, 60_000);
    return digests;
  }

  /** Each run reported exactly once, in its kind's digest; one digest per kind per look. */
  async function expectEachRunReportedOnce() {
    const digests = await allDelivered();
    expect(sink.messages).toHaveLength(digests.length);
    for (const kind of THREAD_KINDS) {
      const listed = sink.messages.filter((mail) => mail.subject?.includes(KIND_LABELS[kind])).flatMap((mail) => listedRuns(mail.text));
      expect([...listed].sort(), kind).toEqual([...created[kind]].sort());
    }
    const perLookAndKind = new Set(digests.map((digest) => `${digest.look_id} ${digest.kind}`));
    expect(perLookAndKind.size).toBe(digests.length);
  }

  it.skipIf(dialect.name !== 'postgres')(
    'two processes send one digest per kind per look, also when the leader is paused past its lease and resumed',
    async () => {
      const processes = [serve(), serve()];
      await until(async () => (await looks()).length >= 1, 'a first look');
      await produceUntil(async () => (await looks()).length >= 3, 'three looks');

      const leaderOwner = (await lease())!.owner;
      const leader = processByOwner(processes, leaderOwner);
      const looksBefore = (await looks()).length;
      await until(async () => (await looks()).length > looksBefore, 'a fresh look of the leader before pausing it');
      leader.child.kill('SIGSTOP');
      await produceUntil(async () => (await lease())!.owner !== leaderOwner, 'the other process to take the lease over');
      const takeover = (await lease())!;
      await produceUntil(
        async () => (await looks()).filter((look) => look.owner === takeover.owner).length >= 2,
        'two looks by the new leader while the old one is paused',
      );
      leader.child.kill('SIGCONT');
      const looksAtResume = (await looks()).length;
      await produceUntil(async () => (await looks()).length >= looksAtResume + 3, 'three looks after the old leader resumed');

      await expectEachRunReportedOnce();
      const history = await looks();
      for (let i = 1; i < history.length; i++) {
        const [previous, look] = [history[i - 1]!, history[i]!];
        expect(look.fencing_token, 'a look with an older fencing token came after a newer one').toBeGreaterThanOrEqual(previous.fencing_token);
        expect(Date.parse(look.at) - Date.parse(previous.at), 'two looks within one interval').toBeGreaterThanOrEqual(INTERVAL_MS);
      }
      const afterTakeover = history.filter((look) => look.fencing_token >= takeover.fencing_token);
      expect(afterTakeover.every((look) => look.owner === takeover.owner)).toBe(true);
      expect(history.some((look) => look.owner === leaderOwner)).toBe(true);
      // Both monitors were running side by side the whole time: neither gave up or crashed.
      expect(processes.map((process) => process.child.exitCode)).toEqual([null, null]);
      for (const process of processes) process.child.kill('SIGTERM');
      for (const process of processes) expect((await process.exited).code).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it('reports every event of three intervals without a monitor once, when a monitor starts again', async () => {
    const first = serve();
    await until(async () => (await looks()).length >= 1, 'the first look of the monitor', 120_000);
    await produceUntil(async () => (await looks()).length >= 2, 'a look with runs to report');
    await allDelivered();
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const looksBeforeGap = (await looks()).length;
    const mailsBeforeGap = sink.messages.length;

    const gapStart = Date.now();
    while (Date.now() - gapStart < 3 * INTERVAL_MS + 200) {
      await finishedRunOfEachKind();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await looks()).toHaveLength(looksBeforeGap);

    const second = serve();
    await until(async () => (await looks()).length > looksBeforeGap, 'the first look after the restart', 120_000);
    await expectEachRunReportedOnce();
    const firstLookAfter = (await looks())[looksBeforeGap]!;
    const gapDigests = await t.ctx.db.selectFrom('monitor_digests').selectAll().where('look_id', '=', firstLookAfter.id).execute();
    expect(gapDigests.map((digest) => digest.kind).sort()).toEqual([...THREAD_KINDS].sort());
    expect(sink.messages.length - mailsBeforeGap).toBe(3);
    second.child.kill('SIGTERM');
  }, PROCESS_TEST_TIMEOUT_MS);
});

function processByOwner(processes: TayoriProcess[], owner: string): TayoriProcess {
  const pid = Number(owner.split(':')[1]);
  const found = processes.find((process) => process.child.pid === pid);
  if (!found) throw new Error(`no process with pid ${pid} (lease owner ${owner})`);
  return found;
}
