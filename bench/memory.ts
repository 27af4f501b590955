/**
 * Figure 4, memory: the peak RSS of one Node process that holds the probe handler's code and AWS clients
 * and runs 50 probes at once against the hold servers (VmHWM; see ./memory-child.ts for why not maxRSS).
 * The process runs from a bundle built with BUNDLE_SETTINGS, as in Lambda; each variant is run `repeats`
 * times and the highest peak is reported.
 *
 * V8 sizes its heap from the machine's memory, and this machine has far more than a 128 MB Lambda, so
 * every variant also runs with the heap flags the Lambda Node.js bootstrap is reported to pass for
 * 128 MB (new space = memory / 10, semi-space = half of that, old space = the rest); that is the
 * figure that says whether 128 MB is viable.
 *
 * The probe handler sets V8's `--liftoff-only` when it loads (functions/runtime/probe/v8-settings.ts), and this
 * process loads the handler, so every row measures the deployed setting.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleEntry } from '../test/runtime/bundle.js';
import type { Figure, FigureGroup } from './figure.js';
import type { MemoryChildOutput } from './memory-child.js';
import { holdProbe, VARIANTS, type Variant, variantLabel } from './probes.js';
import type { HoldServers } from './servers.js';
import { round } from './stats.js';
import { workPath } from './work-dir.js';

export interface MemoryOptions {
  probes: number;
  repeats: number;
}

const TOKEN_HOLD_MS = 150;
const STEP_HOLD_MS = [80, 80];
const MAX_MIB = 100;

const HEAPS = {
  defaultHeap: { label: 'default heap', flags: [] as string[] },
  lambda128Heap: { label: '128 MB Lambda heap flags', flags: ['--max-semi-space-size=6', '--max-old-space-size=116'] },
};

const tmp = (path: string) => workPath('memory', path);

export async function measureMemory(servers: HoldServers, options: MemoryOptions): Promise<FigureGroup> {
  const { outfile } = await bundleEntry(fileURLToPath(new URL('./memory-child.ts', import.meta.url)), {
    outfile: tmp('child/index.mjs'),
  });
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {
    probes: options.probes,
    concurrency: options.probes,
    repeats: options.repeats,
    tokenHoldMs: TOKEN_HOLD_MS,
    stepHoldMs: STEP_HOLD_MS,
  };
  for (const [heap, { label, flags }] of Object.entries(HEAPS)) {
    for (const variant of VARIANTS) {
      const runs = await childRuns(servers, outfile, variant, flags, options);
      const peak = Math.max(...runs.map((r) => r.peakRssMiB));
      figures.push({
        key: `memory.${variant}.${heap}.maxRssMiB`,
        label: `Peak RSS, ${options.probes} probes at once, ${variantLabel(variant)}, ${label}`,
        target: `< ${MAX_MIB} MiB`,
        measured: round(peak, 1),
        unit: 'MiB',
        pass: peak < MAX_MIB,
      });
      details[`${variant}, ${label}`] = {
        nodeFlags: flags,
        peakRssMiB: runs.map((r) => round(r.peakRssMiB, 1)),
        resourceUsageMaxRssMiB: runs.map((r) => round(r.maxRssMiB, 1)),
        loadedRssMiB: runs.map((r) => round(r.loadedRssMiB, 1)),
      };
    }
  }
  await servers.drain();
  return { id: 4, title: 'Memory', figures, details };
}

async function childRuns(
  servers: HoldServers,
  outfile: string,
  variant: Variant,
  flags: string[],
  options: MemoryOptions,
): Promise<MemoryChildOutput[]> {
  const runs: MemoryChildOutput[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const plan = { variant, tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: STEP_HOLD_MS };
    const probes = Array.from({ length: options.probes }, (_, i) => holdProbe(servers, plan, `m${variant}r${r}p${i}`));
    const probesFile = tmp(`probes-${r}.json`);
    await writeFile(probesFile, JSON.stringify(probes));
    // The child inherits NODE_EXTRA_CA_CERTS: the `https` variant trusts the CA through the store.
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, outfile, probesFile]);
    const output = JSON.parse(stdout) as MemoryChildOutput;
    if (output.failed.length > 0) throw new Error(`memory run: ${output.failed[0]}`);
    runs.push(output);
  }
  return runs;
}
