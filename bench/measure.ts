/**
 * The measurements of `npm run bench` (started by ./run.ts): every figure of issue 6, the table on
 * stdout and bench/results.json. `--quick` runs with small counts and writes nothing (a smoke run).
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureColdStart } from './cold-start.js';
import { measureCost } from './cost.js';
import type { FigureGroup } from './figure.js';
import { measureMemory } from './memory.js';
import { measureOverhead } from './overhead.js';
import { describeMachine, formatTable } from './report.js';
import { measureScale } from './scale.js';
import { startHoldServers } from './servers.js';
import { measureTiming } from './timing.js';

const quick = process.argv.includes('--quick');
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
    }
  : {
      timingRuns: 50,
      overheadRuns: 50,
      warmup: 5,
      coldStartRounds: 20,
      freshProcesses: 10,
      memoryProbes: 50,
      memoryRepeats: 3,
      scaleRepeats: 3,
    };

const machine = describeMachine();
const started = performance.now();
const groups: FigureGroup[] = [];
const log = (text: string) => process.stderr.write(`${text}\n`);

const servers = await startHoldServers();
try {
  log('1/6 timing truthfulness');
  groups.push(
    await measureTiming(servers, {
      runs: counts.timingRuns,
      warmup: counts.warmup,
      freshProcesses: counts.freshProcesses,
    }),
  );
  log('2/6 probe overhead');
  groups.push(await measureOverhead(servers, { runs: counts.overheadRuns, warmup: counts.warmup }));
  log('3/6 cold start');
  groups.push(await measureColdStart({ rounds: counts.coldStartRounds }));
  log('4/6 memory');
  groups.push(await measureMemory(servers, { probes: counts.memoryProbes, repeats: counts.memoryRepeats }));
  log('5/6 scale');
  groups.push(await measureScale(servers, { repeats: counts.scaleRepeats }));
} finally {
  await servers.close();
}
log('6/6 cost');
groups.push(measureCost());
groups.sort((a, b) => a.id - b.id);

const durationSec = Math.round((performance.now() - started) / 100) / 10;
console.log(formatTable(groups));
console.log(`\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}; ${durationSec} s`);

if (!quick) {
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  await writeFile(path, `${JSON.stringify({ machine, durationSec, counts, groups }, null, 2)}\n`);
  log(`wrote ${path}`);
}
