import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The suites start real servers on 127.0.0.1 and synthesize CDK apps: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests spawn the CLI as users run it, from the compiled dist/: build it from the current sources.
    globalSetup: ['test/build-dist.ts'],
  },
});
