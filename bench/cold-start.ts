/**
 * Figure 3, cold start: the size of the probe handler bundle (minified, as CDK ships it) and the time a
 * fresh Node process takes to import it and construct its AWS clients, minus a bare `node -e ''` run in
 * the same interleaved loop (the median of the per-round differences). Measured twice: with the AWS SDK
 * bundled (BUNDLE_SETTINGS) and with `@aws-sdk/*` external, resolved from node_modules as a stand-in for
 * the Lambda runtime's own copy.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry, bundleLambda } from '../test/lambda/bundle.js';
import type { Figure, FigureGroup } from './figure.js';
import { median, round } from './stats.js';

export interface ColdStartOptions {
  rounds: number;
}

const SDK_VARIANTS = {
  bundled: { label: 'AWS SDK bundled', externalModules: [] as string[] },
  external: { label: 'AWS SDK external', externalModules: ['@aws-sdk/*'] as string[] },
} as const;
type SdkVariant = keyof typeof SDK_VARIANTS;

const MAX_EXTRA_MS = 120;
const MAX_BYTES = 1_000_000;

const tmp = (path: string) => fileURLToPath(new URL(`./tmp/cold-start/${path}`, import.meta.url));

/** What a Lambda container has in its environment, minus anything of this machine's Node set-up. */
const LAMBDA_LIKE_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'oauth-probe-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  METRICS_NAMESPACE: 'OAuthProbeBench',
};

export async function measureColdStart(options: ColdStartOptions): Promise<FigureGroup> {
  const variants = Object.keys(SDK_VARIANTS) as SdkVariant[];
  const artifacts = {} as Record<SdkVariant, { handlerBytes: number; loader: string }>;
  for (const variant of variants) {
    const { externalModules } = SDK_VARIANTS[variant];
    const handler = await bundleLambda('probe', tmp(`${variant}/handler`), { externalModules });
    const timed = await bundleEntry(fileURLToPath(new URL('./cold-start-entry.ts', import.meta.url)), {
      outfile: tmp(`${variant}/entry/index.mjs`),
      externalModules,
    });
    artifacts[variant] = { handlerBytes: handler.bytes, loader: loaderScript(timed.outfile) };
  }

  // Interleaved: every round runs the bare process and each variant once, so drifting load hits all alike.
  const bare: number[] = [];
  const extra = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<SdkVariant, number[]>;
  const inProcess = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<SdkVariant, number[]>;
  for (let round = 0; round < options.rounds; round++) {
    const bareMs = spawnTimed(['-e', '']).ms;
    bare.push(bareMs);
    for (const variant of variants) {
      const { ms, stdout } = spawnTimed(['--input-type=module', '-e', artifacts[variant].loader]);
      extra[variant].push(ms - bareMs);
      inProcess[variant].push(JSON.parse(stdout).ms);
    }
  }

  const figures: Figure[] = [];
  const details: Record<string, unknown> = { rounds: options.rounds, bareNodeMedianMs: round(median(bare)) };
  for (const variant of variants) {
    const { label } = SDK_VARIANTS[variant];
    const extraMs = median(extra[variant]);
    const bytes = artifacts[variant].handlerBytes;
    figures.push(
      {
        key: `coldStart.${variant}.extraMs`,
        label: `Import + construct clients − bare node, ${label}`,
        target: `≤ ${MAX_EXTRA_MS} ms`,
        measured: round(extraMs, 1),
        unit: 'ms',
        pass: extraMs <= MAX_EXTRA_MS,
      },
      {
        key: `coldStart.${variant}.bundleKB`,
        label: `Probe handler bundle, ${label}`,
        target: '< 1000 kB',
        measured: round(bytes / 1000, 1),
        unit: 'kB',
        pass: bytes < MAX_BYTES,
      },
    );
    details[variant] = {
      handlerBytes: bytes,
      extraMedianMs: round(extraMs, 1),
      importAndConstructInProcessMedianMs: round(median(inProcess[variant]), 1),
    };
  }
  const better = variants.reduce((a, b) => (median(extra[a]) <= median(extra[b]) ? a : b));
  details.better = better;
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
