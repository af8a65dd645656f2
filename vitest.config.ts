import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that time the machine itself (the dashboard page's longest task, in wall time): they
 * run last and alone, so that the rest of the suite's workers do not take their cores. On
 * 2 cores, run beside the others, the page's longest task once measured 225 ms of wall time
 * for 46 ms of its own CPU.
 */
const ALONE = ['test/dashboard-page/many-sessions.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    // REDIS_URL, else the machine's Redis, else a private redis-server (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ALONE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
