/**
 * The process of the memory figure, run from a bundle (as the Lambda runs): it loads the probe handler
 * module and constructs its AWS clients, as a warm container holds them, then runs the probes listed in
 * the JSON file given as argument all at once and prints its peak RSS.
 */
import { readFile } from 'node:fs/promises';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import { runProbes } from '../functions/engine/index.js';
import { benchSecrets } from './probes.js';

export { handler } from '../functions/lambda/probe-handler.js';

import { constructClients } from './cold-start-entry.js';

export interface MemoryChildOutput {
  /** RSS after loading the code and constructing the clients, before any probe ran (MiB). */
  loadedRssMiB: number;
  /** Peak RSS of the process (MiB), `process.resourceUsage().maxRSS`. */
  maxRssMiB: number;
  passed: number;
  failed: string[];
}

constructClients();
const loadedRssMiB = process.memoryUsage().rss / 2 ** 20;
const probes = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as ResolvedProbe[];
const results = await runProbes(probes, { secrets: benchSecrets() }, { concurrency: probes.length });
const output: MemoryChildOutput = {
  loadedRssMiB,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
  passed: results.filter((r) => r.status === 'pass').length,
  failed: results.filter((r) => r.status !== 'pass').map((r) => `${r.code}: ${r.message}`),
};
console.log(JSON.stringify(output));
