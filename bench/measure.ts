/**
 * The measurements of `npm run bench` (started by ./run.ts): every figure of issue 6, the table on
 * stdout and bench/results.json. `--quick` runs with small counts and writes nothing (a smoke run).
 * `--only=3 --merge` re-measures some figure groups and replaces just those in results.json, each
 * marked with the machine and time of its own run (the table says so: compare within one run).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureCliStart } from './cli-start.js';
import { measureColdStart } from './cold-start.js';
import { measureCost } from './cost.js';
import type { FigureGroup } from './figure.js';
import { measureMemory } from './memory.js';
import { measureOverhead } from './overhead.js';
import { describeMachine, formatTable } from './report.js';
import { measureScale } from './scale.js';
import { startHoldServers } from './servers.js';
import { round } from './stats.js';
import { measureSynth } from './synth.js';
import { measureTiming } from './timing.js';
import { WORK_DIR_ENV } from './work-dir.js';

const quick = process.argv.includes('--quick');
/** `--only=1,5`: only these figure groups (a partial run writes nothing, like --quick). */
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',').map(Number)) : undefined;
const merge = process.argv.includes('--merge') && only !== undefined && !quick;
const partial = quick || only !== undefined;
const counts = quick
  ? {
      timingRuns: 6,
      overheadRuns: 6,
      warmup: 2,
      coldStartRounds: 3,
      freshProcesses: 2,
      memoryProbes: 50,
      memoryRepeats: 1,
      scaleRepeats: 1,
      cliRounds: 2,
    }
  : {
      timingRuns: 50,
      overheadRuns: 50,
      warmup: 5,
      coldStartRounds: 20,
      freshProcesses: 20,
      memoryProbes: 50,
      memoryRepeats: 3,
      scaleRepeats: 3,
      cliRounds: 10,
    };

const machine = describeMachine();
const started = performance.now();
const groups: FigureGroup[] = [];

/** Runs one figure's measurement, noting how long it took (the whole bench must stay under 5 minutes). */
async function figure(label: string, measure: () => Promise<FigureGroup> | FigureGroup): Promise<void> {
  if (only && !only.has(Number.parseInt(label, 10))) return;
  process.stderr.write(`${label}\n`);
  const t = performance.now();
  const group = await measure();
  group.details.durationSec = round((performance.now() - t) / 1000, 1);
  groups.push(group);
}

const servers = await startHoldServers();
try {
  await figure('1/8 timing truthfulness', () =>
    measureTiming(servers, { runs: counts.timingRuns, warmup: counts.warmup, freshProcesses: counts.freshProcesses }),
  );
  await figure('2/8 probe overhead', () =>
    measureOverhead(servers, { runs: counts.overheadRuns, warmup: counts.warmup }),
  );
  await figure('3/8 cold start', () => measureColdStart({ rounds: counts.coldStartRounds }));
  await figure('4/8 memory', () =>
    measureMemory(servers, { probes: counts.memoryProbes, repeats: counts.memoryRepeats }),
  );
  await figure('5/8 scale', () => measureScale(servers, { repeats: counts.scaleRepeats }));
  await figure('7/8 CLI start', () => measureCliStart(servers, counts.cliRounds));
} finally {
  await servers.close();
}
await figure('6/8 cost', measureCost);
await figure('8/8 synth at fleet size', () =>
  measureSynth({ sizes: quick ? [10, 30, 100] : [100, 300, 1000], workDir: process.env[WORK_DIR_ENV]! }),
);

const durationSec = round((performance.now() - started) / 1000, 1);
console.log(formatTable(groups));
console.log(`\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}; ${durationSec} s`);

const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
if (!partial) {
  await writeFile(resultsPath, `${JSON.stringify({ machine, durationSec, counts, groups }, null, 2)}\n`);
  process.stderr.write(`wrote ${resultsPath}\n`);
} else if (merge) {
  const results = JSON.parse(await readFile(resultsPath, 'utf8')) as { groups: FigureGroup[] };
  for (const group of groups) {
    group.details.measuredAt = machine;
    const at = results.groups.findIndex((g) => g.id === group.id && g.title === group.title);
    if (at < 0) throw new Error(`results.json has no group ${group.id} (${group.title}) to replace`);
    results.groups[at] = group;
  }
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`replaced group(s) ${groups.map((g) => g.id).join(', ')} in ${resultsPath}\n`);
}
