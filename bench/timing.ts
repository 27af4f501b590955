/**
 * Figure 1, timing truthfulness: the engine's reported time to first byte minus the time the server
 * actually held the response (measured server-side), per exchange, over sequential runs in one process.
 *
 * Then the first exchange of fresh processes, beside curl (./fresh-process.ts).
 */
import { runProbe } from '../functions/engine/index.js';
import type { Figure, FigureGroup } from './figure.js';
import { measureFreshProcesses } from './fresh-process.js';
import { assertPassed, benchSecrets, heldFor, holdProbe, VARIANTS, type Variant, variantLabel } from './probes.js';
import type { HoldServers } from './servers.js';
import { median, p95, round } from './stats.js';

export interface TimingOptions {
  runs: number;
  warmup: number;
  /** Rounds of fresh processes (one per client and variant each) for the first-run figures. */
  freshProcesses: number;
}

const TOKEN_HOLD_MS = 150;
const STEP_HOLD_MS = [80, 80];

export async function measureTiming(servers: HoldServers, options: TimingOptions): Promise<FigureGroup> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {
    runs: options.runs,
    warmupRunsDiscarded: options.warmup,
    tokenHoldMs: TOKEN_HOLD_MS,
    stepHoldMs: STEP_HOLD_MS,
  };
  for (const variant of VARIANTS) {
    const { all, token, api } = await sample(servers, variant, options);
    const m = median(all);
    const p = p95(all);
    figures.push(
      {
        key: `timing.${variant}.median`,
        label: `TTFB − server hold, ${variantLabel(variant)}, median`,
        target: '≤ 2 ms',
        measured: round(m),
        unit: 'ms',
        pass: m <= 2,
      },
      {
        key: `timing.${variant}.p95`,
        label: `TTFB − server hold, ${variantLabel(variant)}, p95`,
        target: '≤ 5 ms',
        measured: round(p),
        unit: 'ms',
        pass: p <= 5,
      },
    );
    details[variant] = {
      exchanges: all.length,
      token: { median: round(median(token)), p95: round(p95(token)) },
      api: { median: round(median(api)), p95: round(p95(api)) },
      min: round(Math.min(...all)),
      max: round(Math.max(...all)),
    };
  }
  const fresh = await measureFreshProcesses(servers, options.freshProcesses);
  figures.push(...fresh.figures);
  details.freshProcess = fresh.details;
  return { id: 1, title: 'Timing truthfulness', figures, details };
}

async function sample(servers: HoldServers, variant: Variant, options: TimingOptions) {
  const deps = { secrets: benchSecrets() };
  const plan = { variant, tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: STEP_HOLD_MS };
  for (let i = 0; i < options.warmup; i++)
    assertPassed(await runProbe(holdProbe(servers, plan, `tw${variant}${i}`), deps));
  await servers.drain();

  const results = [];
  for (let i = 0; i < options.runs; i++) {
    const result = await runProbe(holdProbe(servers, plan, `t${variant}${i}`), deps);
    assertPassed(result);
    results.push(result);
  }
  const held = await servers.drain();
  const token: number[] = [];
  const api: number[] = [];
  for (const result of results) {
    for (const exchange of result.exchanges) {
      const firstByteMs = exchange.timings.firstByteMs;
      if (firstByteMs === undefined) throw new Error(`no firstByteMs for ${exchange.url}`);
      (exchange.name === 'token' ? token : api).push(firstByteMs - heldFor(exchange, held));
    }
  }
  return { all: [...token, ...api], token, api };
}
