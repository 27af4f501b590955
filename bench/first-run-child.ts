/**
 * A fresh process's first probe run, for the timing figure: what a Lambda cold start reports. Runs the
 * probe in the JSON file given as argument (from a bundle, as deployed) and prints its exchanges.
 */
import { readFile } from 'node:fs/promises';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import { type Exchange, runProbe } from '../functions/engine/index.js';
import { readBenchPki } from './pki.js';
import { benchSecrets } from './probes.js';

const [probe, pki] = await Promise.all([
  readFile(process.argv[2]!, 'utf8').then((text) => JSON.parse(text) as ResolvedProbe),
  readBenchPki(),
]);
const result = await runProbe(probe, { secrets: benchSecrets(pki) });
const exchanges: Exchange[] = result.status === 'pass' ? result.exchanges : [];
console.log(JSON.stringify(exchanges));
