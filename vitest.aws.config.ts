import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws`: the local AWS tier, apart from `npm test` because it needs two Python tools
 * (`pip install cfn-lint "moto[server]"`; README, "Develop and test"). One moto_server for the run,
 * started and stopped by the global setup, which also fails the run at once, with the install line,
 * when either tool is missing. The files share that server, so they run one after the other.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/aws/**/*.test.ts'],
    globalSetup: ['test/aws/global-setup.ts'],
    // A bundled synth, child processes for each Lambda run and a Python server on a shared 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
