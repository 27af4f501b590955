/**
 * Vitest global setup: compiles dist/ from the current sources before any test runs, so the tests that
 * spawn `bin/oauth-probe.js` (which runs dist/) never test a stale build (scripts/build.mjs, < 2 s).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function buildDist(): void {
  const root = resolve(import.meta.dirname, '..');
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stderr}${result.stdout}`);
}
