/**
 * The process of the memory figure, run from a bundle (as the Lambda runs): it loads the probe handler
 * module and constructs its AWS clients, as a warm container holds them, then runs the probes listed in
 * the JSON file given as argument all at once and prints its peak RSS.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import { runProbes } from '../functions/engine/index.js';
import { benchSecrets } from './probes.js';

export { handler } from '../functions/runtime/probe/handler.js';

import { constructClients } from './cold-start-entry.js';

export interface MemoryChildOutput {
  /** RSS after loading the code and constructing the clients, before any probe ran (MiB). */
  loadedRssMiB: number;
  /**
   * Peak RSS of this process image (MiB): VmHWM from /proc/self/status on Linux, else maxRSS. Linux
   * keeps the RSS of the parent at fork time in `maxRSS` across exec, so a child of a large parent
   * reports at least the parent's size there; VmHWM starts afresh at exec.
   */
  peakRssMiB: number;
  /** `process.resourceUsage().maxRSS` (MiB), for comparison. */
  maxRssMiB: number;
  passed: number;
  failed: string[];
}

constructClients();
const loadedRssMiB = process.memoryUsage().rss / 2 ** 20;
const probes = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as ResolvedProbe[];
const results = await runProbes(probes, { secrets: benchSecrets() }, { concurrency: probes.length });
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
const output: MemoryChildOutput = {
  loadedRssMiB,
  peakRssMiB: vmHwmMiB() ?? maxRssMiB,
  maxRssMiB,
  passed: results.filter((r) => r.status === 'pass').length,
  failed: results.filter((r) => r.status !== 'pass').map((r) => `${r.code}: ${r.message}`),
};
console.log(JSON.stringify(output));

function vmHwmMiB(): number | undefined {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kB === undefined ? undefined : Number(kB) / 1024;
  } catch {
    return undefined;
  }
}
