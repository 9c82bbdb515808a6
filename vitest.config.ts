import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects: `api` (unit and integration tests, SQLite and PostgreSQL) and `browser` (the
 * screen in Chromium against a real `tayori serve`). `npm test` runs both; `npm run test:e2e`
 * only the browser one. The browser project runs its files one after another: each drives a
 * browser and a server of its own.
 */
export default defineConfig({
  test: {
    // The skipped count comes last, after the default summary.
    reporters: ['default', './test/support/skipped-reporter.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
