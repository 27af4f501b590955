/**
 * A fresh process's first probe run, for the timing figure: what a Lambda cold start reports. Runs the
 * probe in the JSON file given as argument (from a bundle, as deployed) and prints its exchanges.
 */
import { readFile } from 'node:fs/promises';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import { type Exchange, runProbe } from '../functions/engine/index.js';
import { benchSecrets } from './probes.js';

const probe = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as ResolvedProbe;
const result = await runProbe(probe, { secrets: benchSecrets() });
const exchanges: Exchange[] = result.status === 'pass' ? result.exchanges : [];
console.log(JSON.stringify(exchanges));
