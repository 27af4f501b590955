/**
 * Figure 3, cold start: the size of the probe handler bundle (minified, as CDK ships it) and the time a
 * fresh Node process takes to import it and construct its AWS clients, minus a bare `node -e ''` run in
 * the same interleaved loop (the median of the per-round differences). Measured twice: with the AWS SDK
 * bundled (BUNDLE_SETTINGS) and with `@aws-sdk/*` external, resolved from node_modules as a stand-in for
 * the Lambda runtime's own copy.
 *
 * The target is relative to the floor measured in the same loop: the bare AWS SDK clients and undici
 * alone (./cold-start-parts/floor.ts), bundled the same way as the variant. Absolute times follow the
 * machine (the same parts took 62 + 32 ms one day and 110 + 64 ms another); the handler's time as a
 * multiple of the floor's, per round, does not. The same loop times the heaviest parts alone (undici,
 * zod, the SDK clients) to show where the time goes; those rows have no target.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry, bundleLambda } from '../test/runtime/bundle.js';
import type { Figure, FigureGroup } from './figure.js';
import { median, round } from './stats.js';
import { workPath } from './work-dir.js';

export interface ColdStartOptions {
  rounds: number;
}

interface Load {
  key: string;
  label: string;
  /** Exports `constructClients()`. */
  entry: string;
  externalModules: string[];
  /** A deployable variant (with targets), or a part shown for where the time goes. */
  variant: boolean;
  /** For a variant: the key of its floor (the bare SDK + undici, bundled the same way). */
  floor?: string;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const tmp = (path: string) => workPath('cold-start', path);

const LOADS: Load[] = [
  {
    key: 'bundled',
    label: 'AWS SDK bundled',
    entry: here('./cold-start-entry.ts'),
    externalModules: [],
    variant: true,
    floor: 'floor.bundled',
  },
  {
    key: 'external',
    label: 'AWS SDK external',
    entry: here('./cold-start-entry.ts'),
    externalModules: ['@aws-sdk/*'],
    variant: true,
    floor: 'floor.external',
  },
  {
    key: 'floor.bundled',
    label: 'floor: bare AWS SDK clients + undici, AWS SDK bundled',
    entry: here('./cold-start-parts/floor.ts'),
    externalModules: [],
    variant: false,
  },
  {
    key: 'floor.external',
    label: 'floor: bare AWS SDK clients + undici, AWS SDK external',
    entry: here('./cold-start-parts/floor.ts'),
    externalModules: ['@aws-sdk/*'],
    variant: false,
  },
  ...(['undici', 'zod', 'aws-sdk'] as const).map((part) => ({
    key: `part.${part}`,
    label: `part: ${part} alone`,
    entry: here(`./cold-start-parts/${part}.ts`),
    externalModules: [],
    variant: false,
  })),
];

/**
 * The handler may cost at most this multiple of its floor (both minus bare node). Carried over from the
 * absolute target it replaces: 120 ms was set when the floor's parts took 62 + 32 = 94 ms (2026-11-22).
 */
const MAX_FLOOR_RATIO = 1.3;
const MAX_BYTES = 1_000_000;

/** What a Lambda container has in its environment, minus anything of this machine's Node set-up. */
const LAMBDA_LIKE_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'oauth-probe-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  METRICS_NAMESPACE: 'OAuthProbeBench',
};

export async function measureColdStart(options: ColdStartOptions): Promise<FigureGroup> {
  const built: (Load & { bytes: number; loader: string })[] = [];
  for (const load of LOADS) {
    const timed = await bundleEntry(load.entry, {
      outfile: tmp(`${load.key}/index.mjs`),
      externalModules: load.externalModules,
    });
    // The size figure is that of the deployed artifact: the handler alone, bundled by CDK's settings.
    const sized = load.variant
      ? await bundleLambda('probe', tmp(`${load.key}/handler`), { externalModules: load.externalModules })
      : timed;
    built.push({ ...load, bytes: sized.bytes, loader: loaderScript(timed.outfile) });
  }

  // Interleaved: every round runs the bare process and each load once, so drifting load hits all alike.
  const bare: number[] = [];
  const extra = built.map(() => [] as number[]);
  const inProcess = built.map(() => [] as number[]);
  for (let r = 0; r < options.rounds; r++) {
    const bareMs = spawnTimed(['-e', '']).ms;
    bare.push(bareMs);
    built.forEach((load, i) => {
      const { ms, stdout } = spawnTimed(['--input-type=module', '-e', load.loader]);
      extra[i]!.push(ms - bareMs);
      inProcess[i]!.push(JSON.parse(stdout).ms);
    });
  }

  const figures: Figure[] = [];
  const details: Record<string, unknown> = { rounds: options.rounds, bareNodeMedianMs: round(median(bare), 1) };
  const indexOf = (key: string) => built.findIndex((l) => l.key === key);
  built.forEach((load, i) => {
    const extraMs = median(extra[i]!);
    figures.push({
      key: `coldStart.${load.key}.extraMs`,
      label: `Import + construct clients − bare node, ${load.label}`,
      target: 'report',
      measured: round(extraMs, 1),
      unit: 'ms',
      pass: null,
    });
    if (load.floor) {
      // Per round, the handler's extra time over its floor's, both against the same bare node run.
      const floor = extra[indexOf(load.floor)]!;
      const ratio = median(extra[i]!.map((ms, r) => ms / floor[r]!));
      figures.push({
        key: `coldStart.${load.key}.floorRatio`,
        label: `Import + construct clients − bare node ÷ floor (bare AWS SDK clients + undici), ${load.label}`,
        target: `≤ ${MAX_FLOOR_RATIO}×`,
        measured: round(ratio, 2),
        unit: '×',
        pass: ratio <= MAX_FLOOR_RATIO,
      });
    }
    if (load.variant) {
      figures.push({
        key: `coldStart.${load.key}.bundleKB`,
        label: `Probe handler bundle, ${load.label}`,
        target: '< 1000 kB',
        measured: round(load.bytes / 1000, 1),
        unit: 'kB',
        pass: load.bytes < MAX_BYTES,
      });
    }
    details[load.key] = {
      bytes: load.bytes,
      extraMedianMs: round(extraMs, 1),
      importAndConstructInProcessMedianMs: round(median(inProcess[i]!), 1),
      ...(load.floor ? { floor: load.floor } : {}),
    };
  });
  const variants = built.flatMap((load, i) => (load.variant ? [{ key: load.key, ms: median(extra[i]!) }] : []));
  details.better = variants.reduce((a, b) => (a.ms <= b.ms ? a : b)).key;
  return { id: 3, title: 'Cold start', figures, details };
}

/** Imports the bundle, constructs the clients, prints the in-process time (import + construct). */
function loaderScript(bundle: string): string {
  const url = pathToFileURL(bundle).href;
  return `const t = performance.now(); const m = await import(${JSON.stringify(url)}); m.constructClients(); console.log(JSON.stringify({ ms: performance.now() - t }));`;
}

function spawnTimed(args: string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { env: LAMBDA_LIKE_ENV, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { ms, stdout: child.stdout };
}
