import { describe, expect, inject, it } from 'vitest';
import { runChaos } from './chaos/chaos-run.js';

const postgresUrl = inject('postgresUrl');
const POOL_SIZE = 5;

// Several instances share one database only on PostgreSQL (SPEC §7).
describe.skipIf(postgresUrl === null)('two instances on PostgreSQL under faults and SIGKILL', () => {
  it('lose no mail, and only mails in flight at a kill arrive twice', { timeout: 600_000 }, async () => {
    const result = await runChaos({
      mails: 500,
      instances: 2,
      kills: 3,
      refuseRate: 0.1,
      dropRate: 0.01,
      command: 'source',
      adminDatabaseUrl: postgresUrl!,
    });
    console.log(`chaos: lost=${result.lost} duplicates=${result.duplicates} kills=${result.kills} refused=${result.refused} dropped=${result.dropped}`);
    expect(result.submitted).toBe(500);
    expect(result.kills).toBe(3);
    expect(result.refused).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBeLessThanOrEqual(result.kills * POOL_SIZE);
  });
});
