/**
 * The measurements of `npm run bench` (started by ./run.ts): every figure of issue 6, the table on
 * stdout and bench/results.json. `--quick` runs with small counts and writes nothing (a smoke run).
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FigureGroup } from './figure.js';
import { measureOverhead } from './overhead.js';
import { describeMachine, formatTable } from './report.js';
import { measureScale } from './scale.js';
import { startHoldServers } from './servers.js';
import { measureTiming } from './timing.js';

const quick = process.argv.includes('--quick');
const counts = quick
  ? { timingRuns: 6, overheadRuns: 6, warmup: 2, scaleRepeats: 1 }
  : { timingRuns: 50, overheadRuns: 50, warmup: 5, scaleRepeats: 3 };

const machine = describeMachine();
const started = performance.now();
const groups: FigureGroup[] = [];
const log = (text: string) => process.stderr.write(`${text}\n`);

const servers = await startHoldServers();
try {
  log('1/6 timing truthfulness');
  groups.push(await measureTiming(servers, { runs: counts.timingRuns, warmup: counts.warmup }));
  log('2/6 probe overhead');
  groups.push(await measureOverhead(servers, { runs: counts.overheadRuns, warmup: counts.warmup }));
  log('5/6 scale');
  groups.push(await measureScale(servers, { repeats: counts.scaleRepeats }));
} finally {
  await servers.close();
}
groups.sort((a, b) => a.id - b.id);

const durationSec = Math.round((performance.now() - started) / 100) / 10;
console.log(formatTable(groups));
console.log(`\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}; ${durationSec} s`);

if (!quick) {
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  await writeFile(path, `${JSON.stringify({ machine, durationSec, counts, groups }, null, 2)}\n`);
  log(`wrote ${path}`);
}
