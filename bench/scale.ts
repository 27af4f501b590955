/**
 * Figure 5, scale: wall time of one `runProbes` call for 1, 10 and 100 probes against servers with a
 * fixed hold. With every probe in flight at once the time should stay close to that of one probe; the
 * engine's default concurrency (8) is measured too, for comparison.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONCURRENCY, runProbes } from '../functions/engine/index.js';
import type { FigureGroup } from './figure.js';
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
/** "Close to flat": 100 probes take less than twice as long as one. */
const MAX_RATIO = 2;

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
    const wall = await wallTimes(servers, variant, CONCURRENCY, options.repeats);
    const ratio = wall[100]! / wall[1]!;
    figures.push({
      key: `scale.${variant}.ratio100to1`,
      label: `100 probes ÷ 1 probe, ${variantLabel(variant)}, concurrency ${CONCURRENCY}`,
      target: `≤ ${MAX_RATIO}×`,
      measured: round(ratio),
      unit: '×',
      pass: ratio <= MAX_RATIO,
    });
    details[variant] = { wallMs: wall, ratio100to1: round(ratio) };
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
