import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that only synthesize CDK apps or replay alarm definitions: they share no state but the
 * module cache, and importing aws-cdk-lib is most of their cost, so they run without per-file isolation
 * (one import of aws-cdk-lib per worker instead of one per file: half the CPU time of these files).
 * Everything else (servers on 127.0.0.1, aws-sdk-client-mock, environment variables) stays isolated.
 */
const SYNTH_ONLY = ['test/cdk/**/*.test.ts', 'test/tools/alarm-eval/**/*.test.ts', 'test/plan/agreement.test.ts'];

/** What every project runs with (the projects do not `extends: true`, which would run globalSetup once per project). */
export const SHARED_TEST_OPTIONS = {
  environment: 'node',
  // The suites start real servers on 127.0.0.1 and synthesize CDK apps: give them room on a 2-core machine.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks',
} as const;

export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    // One test file per core. Vitest's default keeps a core for itself (cores - 1), which on the 2-core CI
    // machines meant one file at a time, while most files wait on child processes, sockets and timers.
    maxWorkers: availableParallelism(),
    // Tests spawn the CLI as users run it, from the compiled dist/: build it from the current sources,
    // once (the root project's global setup runs whichever projects run).
    globalSetup: ['test/build-dist.ts'],
    projects: [
      { test: { ...SHARED_TEST_OPTIONS, name: 'synth', include: SYNTH_ONLY, isolate: false } },
      // test/aws/ is the local AWS tier (`npm run test:aws`, vitest.aws.config.ts): it needs moto_server.
      {
        test: {
          ...SHARED_TEST_OPTIONS,
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: [...SYNTH_ONLY, 'test/aws/**'],
        },
      },
    ],
  },
});
