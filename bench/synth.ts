/**
 * Figure 7, synth at fleet size: wall time and peak memory of a synth (a fresh Node process each, as
 * `cdk synth` starts one; cdk-nag included, bundling excluded) for 100, 300 and 1,000 probes in 3
 * regions, the ratio 1,000 / 100 (target <= 12x: linear, with the fixed start-up cost), the largest
 * template's resource count and size, the most outputs and parameters of a template, how the plan's
 * shard estimates compare with the synthesized shards (never below them), and the largest dashboard.
 * These were the fleet-size tests (1,000 probes: about 90 s of CPU); the suite keeps their behaviour at
 * test size (test/cdk/sharding.test.ts, test/cdk/dashboards.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MAX_DASHBOARD_BODY_BYTES, MAX_WIDGETS_PER_DASHBOARD } from '../lib/constructs/dashboards/layout.js';
import { BUDGETS, QUOTAS } from '../plan/index.js';
import { atMost, type Figure, type FigureGroup } from './figure.js';
import { round } from './stats.js';

const CHILD = fileURLToPath(new URL('./synth-child.ts', import.meta.url));
const MAX_RATIO = 12;

interface ChildResult {
  templates: number;
  maxResources: number;
  maxResourcesTemplate: string;
  maxBytes: number;
  maxBytesTemplate: string;
  maxOutputs: number;
  maxParameters: number;
  shards: number;
  /** Largest ratio of a shard template's bytes to the plan's estimate of it. */
  planBytesRatio: number;
  /** Most resources a shard template has over the plan's estimate of it. */
  planResourcesOver: number;
  dashboards: number;
  maxDashboardBytes: number;
  maxDashboardWidgets: number;
  peakRssMiB: number;
}

/** A figure of one synth with an upper bound: bytes shown in kB, ratios to two decimals. */
function bounded(
  run: { probes: number },
  key: string,
  label: string,
  limit: number,
  value: number,
  unit: '' | 'kB' | '×' = '',
): Figure {
  const shown = unit === 'kB' ? round(value / 1000, 1) : unit === '×' ? round(value, 2) : value;
  const target = unit === 'kB' ? `≤ ${Math.round(limit / 1000)} kB` : unit === '×' ? `≤ ${limit}×` : `≤ ${limit}`;
  return { key: `synth.${run.probes}.${key}`, label, target, measured: shown, unit, pass: atMost(limit)(value) };
}

export function measureSynth(options: { sizes: readonly number[]; workDir: string }): FigureGroup {
  const runs = options.sizes.map((probes) => {
    const t = performance.now();
    const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, String(probes), options.workDir], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const wallSec = (performance.now() - t) / 1000;
    return { probes, wallSec, ...(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult) };
  });
  const figures: Figure[] = runs.flatMap((r) => [
    {
      key: `synth.${r.probes}.wall`,
      label: `cdk synth wall time, ${r.probes} probes x 3 regions`,
      target: 'report',
      measured: round(r.wallSec, 1),
      unit: 's',
      pass: null,
    },
    {
      key: `synth.${r.probes}.peakRss`,
      label: `cdk synth peak RSS, ${r.probes} probes x 3 regions`,
      target: 'report',
      measured: r.peakRssMiB,
      unit: 'MiB',
      pass: null,
    },
    bounded(
      r,
      'maxResources',
      `largest template, resources, ${r.probes} probes x 3 regions`,
      BUDGETS.stackResources,
      r.maxResources,
    ),
    bounded(
      r,
      'maxBytes',
      `largest template, size, ${r.probes} probes x 3 regions`,
      BUDGETS.templateBytes,
      r.maxBytes,
      'kB',
    ),
    bounded(
      r,
      'maxOutputs',
      `most outputs of a template, ${r.probes} probes x 3 regions`,
      QUOTAS.stackOutputs,
      r.maxOutputs,
    ),
    bounded(
      r,
      'maxParameters',
      `most parameters of a template, ${r.probes} probes x 3 regions`,
      QUOTAS.stackParameters,
      r.maxParameters,
    ),
    bounded(
      r,
      'planBytesRatio',
      `shard template size ÷ the plan's estimate, largest of ${r.shards} shards, ${r.probes} probes`,
      1,
      r.planBytesRatio,
      '×',
    ),
    bounded(
      r,
      'planResourcesOver',
      `shard resources over the plan's estimate, most of ${r.shards} shards, ${r.probes} probes`,
      0,
      r.planResourcesOver,
    ),
    bounded(
      r,
      'maxDashboardBytes',
      `largest dashboard body of ${r.dashboards}, ${r.probes} probes x 3 regions`,
      MAX_DASHBOARD_BODY_BYTES,
      r.maxDashboardBytes,
      'kB',
    ),
    bounded(
      r,
      'maxDashboardWidgets',
      `most widgets of a dashboard, ${r.probes} probes x 3 regions`,
      MAX_WIDGETS_PER_DASHBOARD,
      r.maxDashboardWidgets,
    ),
  ]);
  const first = runs[0]!;
  const last = runs.at(-1)!;
  const ratio = last.wallSec / first.wallSec;
  figures.push({
    key: 'synth.ratio',
    label: `cdk synth wall time, ${last.probes} ÷ ${first.probes} probes`,
    target: `≤ ${MAX_RATIO}×`,
    measured: round(ratio, 2),
    unit: '×',
    pass: atMost(MAX_RATIO)(ratio),
  });
  return { id: 7, title: 'synth at fleet size', figures, details: { runs } };
}
