/**
 * Where a bench run writes its bundles, probe lists and certificates: a directory of its own under
 * bench/tmp (git-ignored), so that two runs at once never read each other's files. It stays inside the
 * project so that bundles with external packages resolve them from node_modules.
 */
import { join } from 'node:path';

export const WORK_DIR_ENV = 'BENCH_WORK_DIR';

/** A path inside this run's work directory (set by ./run.ts). */
export function workPath(...segments: string[]): string {
  const dir = process.env[WORK_DIR_ENV];
  if (!dir) throw new Error(`${WORK_DIR_ENV} is not set: run the bench with npm run bench`);
  return join(dir, ...segments);
}
