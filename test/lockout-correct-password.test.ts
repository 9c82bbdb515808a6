import { describe, expect, it, vi } from 'vitest';
import { createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { attemptLogin, failLogins, setLockoutPolicy, suspensionDeliveries, suspensions } from './support/lockout.js';

/**
 * The real argon2 verification, whose answer for the correct password is held until the test
 * lets it go: the window in which a real login overlaps others (about 30 ms of argon2), opened
 * wide enough to put another attempt in it every time.
 */
const correctAnswerHeld = vi.hoisted(() => ({ holding: false, release: null as (() => void) | null }));
vi.mock('../src/server/accounts/passwords.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/server/accounts/passwords.js')>();
  return {
    ...real,
    async verifyPassword(passwordHash: string, password: string) {
      const accepted = await real.verifyPassword(passwordHash, password);
      if (accepted && correctAnswerHeld.holding) await new Promise<void>((resolve) => (correctAnswerHeld.release = resolve));
      return accepted;
    },
  };
});

describe.each(dialects())('a correct password among wrong ones on $name', (dialect) => {
  const t = freshAppEachTest(dialect, () => ({ clock: testClock() }));

  it('is never counted as a failure: a wrong one while it is being checked does not suspend at the threshold’s count', async () => {
    const admin = await login(t.app);
    await createUserAndLogin(t.app, admin, { loginId: 'tanaka', email: 'tanaka@example.jp' });
    await setLockoutPolicy(admin, { threshold: 5, windowMinutes: 30, durationMinutes: 30 });
    await failLogins(t.app, 'tanaka', 3);

    correctAnswerHeld.holding = true;
    correctAnswerHeld.release = null;
    const correct = attemptLogin(t.app, 'tanaka', 'user-password-1');
    await vi.waitFor(() => expect(correctAnswerHeld.release).not.toBeNull(), { timeout: 30_000, interval: 5 });
    // The fourth wrong password, while the correct one is between its arrival and its answer.
    await failLogins(t.app, 'tanaka', 1);
    correctAnswerHeld.holding = false;
    correctAnswerHeld.release!();

    expect((await correct).statusCode).toBe(200);
    expect(await suspensions(admin)).toEqual([]);
    expect(await suspensionDeliveries(admin)).toEqual([]);
    // The correct password reset the count: four more wrong ones are still short of five.
    await failLogins(t.app, 'tanaka', 4);
    expect(await suspensions(admin)).toEqual([]);
  });
});
