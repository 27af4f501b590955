/**
 * Figure 7, synth at fleet size: wall time and peak memory of a synth (a fresh Node process each, as
 * `cdk synth` starts one; cdk-nag included, bundling excluded) for 100, 300 and 1,000 probes in 3
 * regions, the ratio 1,000 / 100 (target <= 12x: linear, with the fixed start-up cost), and the largest
 * template's resource count and size.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BUDGETS } from '../plan/index.js';
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
  peakRssMiB: number;
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
    {
      key: `synth.${r.probes}.maxResources`,
      label: `largest template, resources, ${r.probes} probes x 3 regions`,
      target: `≤ ${BUDGETS.stackResources}`,
      measured: r.maxResources,
      unit: '',
      pass: atMost(BUDGETS.stackResources)(r.maxResources),
    },
    {
      key: `synth.${r.probes}.maxBytes`,
      label: `largest template, size, ${r.probes} probes x 3 regions`,
      target: `≤ ${Math.round(BUDGETS.templateBytes / 1000)} kB`,
      measured: round(r.maxBytes / 1000, 1),
      unit: 'kB',
      pass: atMost(BUDGETS.templateBytes)(r.maxBytes),
    },
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
