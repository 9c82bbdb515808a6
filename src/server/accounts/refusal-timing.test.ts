import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attemptStart, lastAsLongAsACheckedRefusal, rememberCheckedRefusal } from './refusal-timing.js';
import { inVerificationLane, VERIFICATION_LANES, waitingForALane } from './verification-lanes.js';

/** Fake timers and a fake performance clock: the test moves time, nothing waits for real. */
describe('a refusal without a password check lasts as long as one with it', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one dummy check while this process has refused nobody yet, and waits no more', async () => {
    const check = vi.fn(async () => vi.advanceTimersByTime(40));
    await lastAsLongAsACheckedRefusal(attemptStart(), check);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('then waits on a timer, without checking, until the usual checked refusal has passed', async () => {
    for (const duration of [30, 50, 50, 50, 90]) {
      const startedAt = attemptStart();
      vi.advanceTimersByTime(duration);
      rememberCheckedRefusal(startedAt);
    }
    const check = vi.fn(async () => {});
    const startedAt = attemptStart();
    vi.advanceTimersByTime(10); // the account lookup
    let done = false;
    const refusal = lastAsLongAsACheckedRefusal(startedAt, check).then(() => (done = true));

    await vi.advanceTimersByTimeAsync(39);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await refusal;
    expect(done).toBe(true);
    expect(check).not.toHaveBeenCalled();
  });

  it('waits its turn behind verifications that hold every lane, as a checked attempt would in a burst', async () => {
    const startedAt = attemptStart();
    vi.advanceTimersByTime(50);
    rememberCheckedRefusal(startedAt);
    const held = Array.from({ length: VERIFICATION_LANES }, () => {
      let finish = () => {};
      const verification = inVerificationLane(() => new Promise<void>((resolve) => (finish = resolve)));
      return { finish: () => finish(), verification };
    });

    let done = false;
    const refusal = lastAsLongAsACheckedRefusal(attemptStart(), vi.fn()).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1_000); // twenty times the usual refusal: it would have answered long ago
    expect(waitingForALane()).toBe(1);
    expect(done).toBe(false);

    held[0].finish();
    await held[0].verification;
    await vi.advanceTimersByTimeAsync(2_000);
    await refusal;
    expect(done).toBe(true);
    for (const { finish, verification } of held.slice(1)) {
      finish();
      await verification;
    }
  });
});
