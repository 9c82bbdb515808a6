/**
 * アカウント停止: what a login costs in CPU, in one run (issue: account lockout), on SQLite with
 * the production settings. CPU is process.cpuUsage(): user + system time of every thread, so
 * argon2's worker threads count and a timer's wait does not.
 *
 * - A login refused for a suspended account (the product's login check: the account lookup and
 *   the refusal) against one argon2id verification with the product's parameters. The refusal
 *   waits on a timer to last as long as a verification: all refusals of a round are in flight at
 *   once, so their waits overlap and the process's own idle work during them is not charged
 *   to each. The same refusal through the whole HTTP stack (Fastify, inject) is printed too:
 *   what every request costs, a 404 as much as a login, comes on top of it.
 * - A failed login with its lockout bookkeeping (the account query, the verification and the
 *   counting statement, which runs while argon2 checks the password) against the password
 *   check alone: the same account query and the verification, as a login without the lockout
 *   would do them. Against the bare verification too, printed as
 *   `failed_login_vs_verification`. One of each in turn.
 *
 *   npm run bench:login              (ROUNDS=9 npm run bench:login for steadier medians)
 *
 * Each round prints its medians; the last lines give the medians of all rounds:
 * `lockout_overhead <failed login CPU ÷ password check CPU>` (goal ≤ 1.05), then
 * `locked_reject_vs_verify_ratio <verification CPU ÷ suspended refusal CPU>` (goal ≥ 50).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findAccountForLogin } from '../src/server/accounts/lockout.repository.js';
import { saveLockoutPolicy } from '../src/server/accounts/lockout.service.js';
import { hashPassword, verifyPassword } from '../src/server/accounts/passwords.js';
import { authenticate } from '../src/server/accounts/sessions.service.js';
import { createUser } from '../src/server/accounts/users.service.js';
import { buildApp } from '../src/server/app.js';
import { systemActor } from '../src/server/audit/audit.service.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** Single operations of each kind per round, one of each in turn. */
const EACH_PER_ROUND = 30;
const REFUSALS = 300;
const PASSWORD = 'the-right-password-1';
const CLIENT = { ip: '203.0.113.7' };

/** CPU microseconds (user + system, all threads) that `work` takes. */
async function cpuOf(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** CPU per refusal with all `count` in flight at once. */
const cpuPerRefusal = async (count: number, refuse: () => Promise<unknown>) =>
  (await cpuOf(() => Promise.all(Array.from({ length: count }, refuse)))) / count;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (micros: number) => (micros / 1000).toFixed(3);
const describe = (verification: number, check: number, failed: number, refusal: number, http: number) =>
  `CPU of a verification ${ms(verification)} ms, a password check ${ms(check)} ms, a failed login ${ms(failed)} ms, ` +
  `a suspended refusal ${ms(refusal)} ms (over HTTP ${ms(http)} ms)`;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tayori-bench-login-'));
  const config = loadConfig({
    TAYORI_DATA_DIR: dataDir,
    TAYORI_LOG_LEVEL: 'silent',
    TAYORI_INITIAL_ADMIN_PASSWORD: PASSWORD,
    TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0',
  });
  const ctx = createContext(config);
  try {
    await prepareInstallation(ctx, () => {});
    const app = await buildApp(ctx);
    await app.ready();
    const actor = systemActor('bench');
    const person = { displayName: 'bench', email: null, role: 'user', locale: 'ja', timeZone: 'Asia/Tokyo', password: PASSWORD } as const;
    await createUser(ctx, actor, { ...person, loginId: 'suspended' });
    await createUser(ctx, actor, { ...person, loginId: 'failing' });

    // Suspend one account 無期限, then raise the threshold so the other never is.
    await saveLockoutPolicy(ctx, actor, { threshold: 1, windowMinutes: 30, durationMinutes: null });
    await authenticate(ctx, 'suspended', 'wrong', CLIENT).catch(() => {});
    await saveLockoutPolicy(ctx, actor, { threshold: 100, windowMinutes: 30, durationMinutes: null });

    const hash = await hashPassword(PASSWORD);
    const refusedLogin = async (loginId: string, password: string) => {
      try {
        await authenticate(ctx, loginId, password, CLIENT);
      } catch {
        return;
      }
      throw new Error(`${loginId} was let in`);
    };

    /** The password check of a failed login without the lockout: find the account, verify. */
    const passwordCheck = async (password: string) => {
      const account = await findAccountForLogin(ctx.db, 'failing');
      if (await verifyPassword(account!.user.password_hash, password)) throw new Error('the wrong password was accepted');
    };

    /** Verification, password check and failed login, one of each in turn so all see the same machine. */
    async function singleOperations() {
      const samples = { verification: [] as number[], check: [] as number[], failed: [] as number[] };
      for (let i = 0; i < EACH_PER_ROUND; i++) {
        samples.verification.push(await cpuOf(() => verifyPassword(hash, `wrong-${i}`)));
        samples.check.push(await cpuOf(() => passwordCheck(`wrong-${i}`)));
        samples.failed.push(await cpuOf(() => refusedLogin('failing', `wrong-${i}`)));
      }
      await authenticate(ctx, 'failing', PASSWORD, CLIENT); // a success resets the count
      return samples;
    }
    const suspendedRefusal = () => cpuPerRefusal(REFUSALS, () => refusedLogin('suspended', PASSWORD));
    const suspendedRefusalOverHttp = () =>
      cpuPerRefusal(REFUSALS, async () => {
        const response = await app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'suspended', password: PASSWORD } });
        if (response.statusCode !== 401) throw new Error(`a suspended account was answered ${response.statusCode}`);
      });

    // Warm-up: JIT, the dummy hash, the refusal timing's first measures.
    await singleOperations();
    await suspendedRefusal();
    await suspendedRefusalOverHttp();

    // argon2's CPU varies from one call to the next (page faults of its 19 MiB): medians of single
    // operations are steadier than means.
    const all = { verification: [] as number[], check: [] as number[], failed: [] as number[], refusal: [] as number[], http: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      const { verification, check, failed } = await singleOperations();
      const [refusal, http] = [await suspendedRefusal(), await suspendedRefusalOverHttp()];
      all.verification.push(...verification);
      all.check.push(...check);
      all.failed.push(...failed);
      all.refusal.push(refusal);
      all.http.push(http);
      console.log(`round ${round}: ${describe(median(verification), median(check), median(failed), refusal, http)}`);
    }
    const m = Object.fromEntries(Object.entries(all).map(([name, values]) => [name, median(values)]));
    console.log(`median: ${describe(m.verification, m.check, m.failed, m.refusal, m.http)}`);
    console.log(`locked_reject_over_http_vs_verify_ratio ${(m.verification / m.http).toFixed(1)}`);
    console.log(`failed_login_vs_verification ${(m.failed / m.verification).toFixed(3)}`);
    console.log(`lockout_overhead ${(m.failed / m.check).toFixed(3)}`);
    console.log(`locked_reject_vs_verify_ratio ${(m.verification / m.refusal).toFixed(1)}`);
    await app.close();
  } finally {
    await ctx.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
