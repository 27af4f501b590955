/**
 * The probe engine's front door: everything another folder (runtime, secrets, tools, bench) may use of
 * the engine is exported here, and only here (Biome's `noRestrictedImports` fails a deep import from
 * outside functions/engine, see biome.json). Run one probe, or many with bounded concurrency; the result
 * contract and its codes; what the engine needs injected (`SecretSource`, `Clock`, the caller's
 * `TokenCache`); the one builder of a failed result; redaction for callers that log.
 *
 * A front door must not cost a bundle what it does not use: ./package.json declares the engine's
 * modules free of side effects (`"sideEffects": false`), so esbuild drops every module whose exports are
 * unused. The notifier takes only `redactPatterns` and types from here and so ships no undici, jose or
 * zod (test/layout/bundle-contents.test.ts). The one module with a side effect, ./undici.ts (it patches
 * `request()` onto undici's Dispatcher), is needed exactly when its `Client` is used, and then it is kept
 * whole.
 */
import type { ResolvedProbe } from '../config/resolve.js';
import type { ProbeResult } from './result.js';
import { type EngineDeps, runProbe } from './run.js';

export { boundJson, containResult, RESULT_LIMITS, resultJson } from './contain.js';
export { metadataUrls } from './discovery.js';
export {
  emptyRun,
  type FailResultOptions,
  type Failure,
  failResult,
  internalErrorMessage,
  MAX_MESSAGE_LENGTH,
  type RunRecord,
} from './fail-result.js';
export { ENGINE_OVERRUN_DETAIL, hintFor, SCHEDULE_EVENT_TARGET } from './hints.js';
export { redactPatterns, showValue, stripControl } from './redact.js';
export {
  ALL_CODES,
  CODES_BY_STAGE,
  DEGRADED_CODE,
  type Exchange,
  type ExchangeTimings,
  type ProbeResult,
  type ProbeStatus,
  type ResultCode,
  STAGES,
  STATUSES,
  type Stage,
  type TokenSummary,
  TRANSPORT_CODES,
  type Warning,
} from './result.js';
export { type EngineDeps, runProbe } from './run.js';
export { MAX_RETRY_AFTER_HOLD_SEC, TokenCache } from './token-cache.js';
export {
  type ClientSecret,
  type Clock,
  CredentialsError,
  type CredentialsErrorCode,
  type SecretLookup,
  type SecretSource,
  systemClock,
} from './types.js';
export { prepareTransport } from './warm-up.js';

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
