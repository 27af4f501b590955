/**
 * The probe engine's public API: run one probe, or many with bounded concurrency.
 */
import type { ResolvedProbe } from '../config/resolve.js';
import type { ProbeResult } from './result.js';
import { type EngineDeps, runProbe } from './run.js';

export { metadataUrls } from './discovery.js';
export type { EngineDeps } from './run.js';
export { runProbe } from './run.js';

export interface RunProbesOptions {
  /** How many probes run at once. @default 8 */
  concurrency?: number;
  /** Called as each result arrives (in completion order). */
  onResult?: (result: ProbeResult) => void;
}

/** @default 8 */
export const DEFAULT_CONCURRENCY = 8;

/** Runs probes with at most `concurrency` in flight; results come back in the order of `probes`. */
export async function runProbes(
  probes: readonly ResolvedProbe[],
  deps: EngineDeps,
  options: RunProbesOptions = {},
): Promise<ProbeResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const results: ProbeResult[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const index = next++;
      const result = await runProbe(probes[index]!, deps);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, probes.length) }, worker));
  return results;
}
