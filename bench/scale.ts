/**
 * Figure 5, scale: wall time of one `runProbes` call for 1, 10 and 100 probes against servers with a
 * fixed hold. With every probe in flight at once the time should stay close to that of one probe; the
 * engine's default concurrency (8) is measured too, for comparison.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONCURRENCY, runProbes } from '../functions/engine/index.js';
import type { FigureGroup } from './figure.js';
import { bareProbe } from './overhead.js';
import { assertPassed, benchSecrets, holdProbe, VARIANTS, type Variant, variantLabel } from './probes.js';
import type { HoldServers } from './servers.js';
import { median, round } from './stats.js';

export interface ScaleOptions {
  /** Repetitions of each size; the median is reported. */
  repeats: number;
}

const SIZES = [1, 10, 100] as const;
const CONCURRENCY = 100;
const TOKEN_HOLD_MS = 100;
const STEP_HOLD_MS = [50, 50];
/** Issue 12: the engine's 100 ÷ 1 ratio at most 1.25× that of the same bare node:http(s) probes. */
const MAX_RATIO_TO_BARE = 1.25;

export async function measureScale(servers: HoldServers, options: ScaleOptions): Promise<FigureGroup> {
  const details: Record<string, unknown> = {
    concurrency: CONCURRENCY,
    defaultConcurrency: DEFAULT_CONCURRENCY,
    repeats: options.repeats,
    tokenHoldMs: TOKEN_HOLD_MS,
    stepHoldMs: STEP_HOLD_MS,
  };
  const figures = [];
  for (const variant of VARIANTS) {
    const bare = await bareWallTimes(servers, variant, options.repeats);
    const bareRatio = bare[100]! / bare[1]!;
    const wall = await wallTimes(servers, variant, CONCURRENCY, options.repeats);
    const ratio = wall[100]! / wall[1]!;
    const limit = MAX_RATIO_TO_BARE * bareRatio;
    figures.push(
      {
        key: `scale.${variant}.bareRatio100to1`,
        label: `100 bare node:http(s) probes ÷ 1 (floor), ${variantLabel(variant)}, all at once`,
        target: 'report',
        measured: round(bareRatio),
        unit: '×',
        pass: null,
      },
      {
        key: `scale.${variant}.ratio100to1`,
        label: `100 probes ÷ 1 probe, ${variantLabel(variant)}, concurrency ${CONCURRENCY}`,
        target: `≤ ${MAX_RATIO_TO_BARE} × floor = ${round(limit)}×`,
        measured: round(ratio),
        unit: '×',
        pass: ratio <= limit,
      },
    );
    details[variant] = { wallMs: wall, ratio100to1: round(ratio), bareWallMs: bare, bareRatio100to1: round(bareRatio) };
  }
  const atDefault = await wallTimes(servers, 'https', DEFAULT_CONCURRENCY, 1);
  const defaultRatio = atDefault[100]! / atDefault[1]!;
  figures.push({
    key: 'scale.https.ratio100to1.defaultConcurrency',
    label: `100 probes ÷ 1 probe, HTTPS, default concurrency ${DEFAULT_CONCURRENCY}`,
    target: 'report',
    measured: round(defaultRatio),
    unit: '×',
    pass: null,
  });
  details.httpsAtDefaultConcurrency = { wallMs: atDefault, ratio100to1: round(defaultRatio) };
  return { id: 5, title: 'Scale', figures, details };
}

/** Wall time of 1, 10 and 100 bare probes (./overhead.ts) all at once: the floor of the ratio. */
async function bareWallTimes(servers: HoldServers, variant: Variant, repeats: number) {
  const wall: Record<number, number> = {};
  const holds = { tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: STEP_HOLD_MS };
  for (const size of SIZES) {
    const samples: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: size }, (_, i) =>
          bareProbe(servers, variant, `sb${variant}n${size}r${r}p${i}`.replace(/[^A-Za-z0-9-]/g, ''), holds),
        ),
      );
      samples.push(performance.now() - started);
    }
    wall[size] = round(median(samples), 1);
  }
  await servers.drain();
  return wall;
}

async function wallTimes(servers: HoldServers, variant: Variant, concurrency: number, repeats: number) {
  const deps = { secrets: benchSecrets() };
  const plan = { variant, tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: STEP_HOLD_MS };
  const wall: Record<number, number> = {};
  for (const size of SIZES) {
    const samples: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const probes = Array.from({ length: size }, (_, i) =>
        holdProbe(servers, plan, `s${variant}${concurrency}n${size}r${r}p${i}`),
      );
      const started = performance.now();
      const results = await runProbes(probes, deps, { concurrency });
      samples.push(performance.now() - started);
      results.forEach(assertPassed);
    }
    wall[size] = round(median(samples), 1);
  }
  await servers.drain();
  return wall;
}
