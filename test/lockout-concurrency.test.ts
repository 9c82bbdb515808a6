import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Client, createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { freePort, spawnTayori, waitForStatus } from './support/cli.js';
import { dialects } from './support/databases.js';
import { holdWritesTo, type WaitingStatement } from './support/lock-barrier.js';
import { setLockoutPolicy, suspensionDeliveries, suspensions } from './support/lockout.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const ATTEMPTS = 100;
const SERVERS = ['serve-a', 'serve-b'] as const;

interface Answer {
  server: string;
  status: number;
  body: string;
}

/**
 * On PostgreSQL the counting statements are held at a barrier (a lock on the table that only
 * writes wait for) until both servers have one waiting there, so they really run at once. Each
 * server names its connections, so the wait is seen per server in pg_stat_activity.
 */
async function holdCountingAtBarrier(databaseUrl: string) {
  const barrier = await holdWritesTo(databaseUrl, 'account_lockouts');
  const countingPerServer = (waiting: WaitingStatement[]) => {
    const counting = waiting.filter((statement) => /^insert into "account_lockouts"/i.test(statement.query));
    return Object.fromEntries(SERVERS.map((name) => [name, counting.filter((statement) => statement.application_name === name).length]));
  };
  return {
    async releaseWhenBothWait(): Promise<Record<string, number>> {
      return countingPerServer(await barrier.releaseWhen((waiting) => Object.values(countingPerServer(waiting)).every((n) => n > 0)));
    },
  };
}

/** How often the answering server changes along the order of arrival: 2 or more means their work overlapped. */
const handOvers = (answers: Answer[]) => answers.slice(1).filter((answer, i) => answer.server !== answers[i].server).length;

describe.each(dialects())('lockout with two tayori serve processes on $name', (dialect) => {
  let sink: SmtpSink;
  let admin: Client;
  let target: { id: string };
  let baseUrls: Record<string, string>;
  const t = freshAppEachTest(dialect);

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { suspensionRecipients: 'joho@example.jp; soumu@example.jp' }));
    target = await createUserAndLogin(t.app, admin, { loginId: 'target', email: 'target@example.jp' });
    baseUrls = {};
  });
  afterEach(async () => {
    await sink?.close();
  });

  async function startServers() {
    await Promise.all(
      SERVERS.map(async (name) => {
        const port = await freePort();
        const databaseUrl = dialect.name === 'postgres' ? `${t.databaseUrl}?application_name=${name}` : t.databaseUrl;
        spawnTayori(['serve'], {
          TAYORI_DATA_DIR: t.dataDir,
          TAYORI_DATABASE_URL: databaseUrl,
          TAYORI_PORT: String(port),
          TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0',
          TAYORI_OUTBOX_POLL_MS: '50',
          TAYORI_LOG_LEVEL: 'warn',
        });
        baseUrls[name] = `http://127.0.0.1:${port}`;
        await waitForStatus(`${baseUrls[name]}/healthz`, 200, 60_000);
      }),
    );
  }

  /** Fires every attempt at once, half at each server; answers in the order they arrived. */
  async function fireWrongPasswords(): Promise<{ answers: Answer[]; waitingAtBarrier?: Record<string, number> }> {
    const barrier = dialect.name === 'postgres' ? await holdCountingAtBarrier(t.databaseUrl) : undefined;
    const answers: Answer[] = [];
    const requests = Array.from({ length: ATTEMPTS }, async (_, i) => {
      const server = SERVERS[i % SERVERS.length];
      const response = await fetch(`${baseUrls[server]}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: 'target', password: `wrong-password-${i}` }),
      });
      answers.push({ server, status: response.status, body: await response.text() });
    });
    const waitingAtBarrier = await barrier?.releaseWhenBothWait();
    await Promise.all(requests);
    return { answers, waitingAtBarrier };
  }

  /** The servers' workers deliver the mails; each is recorded as sent a moment after it arrives. */
  async function expectMailsDelivered(count: number) {
    await sink.waitForMessages(count, 30_000);
    const deadline = Date.now() + 10_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = (await suspensionDeliveries(admin)).map((d) => d.state);
      if (states.every((state) => state === 'sent')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(states).toEqual(Array(count).fill('sent'));
    expect(sink.messages.map((m) => m.envelope.to[0]).sort()).toEqual(
      Array(count / 3).fill(['joho@example.jp', 'soumu@example.jp', 'target@example.jp']).flat().sort(),
    );
  }

  const suspendEntries = async () => (await admin.request('GET', '/api/audit?action=account.suspend')).json().entries;

  it('counts 100 simultaneous failures exactly, suspends once and mails one set; then once again at threshold 5', async () => {
    await setLockoutPolicy(admin, { threshold: ATTEMPTS, windowMinutes: 30, durationMinutes: 30 });
    await startServers();

    const first = await fireWrongPasswords();
    if (first.waitingAtBarrier) for (const name of SERVERS) expect(first.waitingAtBarrier[name], name).toBeGreaterThan(0);
    expect(handOvers(first.answers)).toBeGreaterThanOrEqual(2);
    expect(new Set(first.answers.map((a) => `${a.status} ${a.body}`))).toEqual(
      new Set([`401 ${first.answers[0].body}`]),
    );
    expect(await suspensions(admin)).toMatchObject([{ userId: target.id, failures: ATTEMPTS }]);
    expect(await suspendEntries()).toHaveLength(1);
    await expectMailsDelivered(3);

    expect((await admin.request('DELETE', `/api/suspensions/${target.id}`)).statusCode).toBe(204);
    await setLockoutPolicy(admin, { threshold: 5, windowMinutes: 30, durationMinutes: 30 });
    const second = await fireWrongPasswords();
    expect(second.answers.every((a) => a.status === 401)).toBe(true);
    expect(await suspensions(admin)).toMatchObject([{ userId: target.id, failures: 5 }]);
    expect(await suspendEntries()).toHaveLength(2);
    await expectMailsDelivered(6);
  }, 240_000);
});
