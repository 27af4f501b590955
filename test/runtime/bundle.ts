/**
 * Bundles a Lambda entry exactly as the deployment does: esbuild with the one definition of the options
 * (lib/bundling.ts `bundleOptions`: bundle, platform node, ESM, target node24, minified, with a source
 * map and the `require` banner), written as `index.mjs`. Used by the bundle smoke test and by the
 * benchmarks (bundle size, cold start), so that both measure the artifact that is deployed.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import {
  BUNDLE_FILE_NAME,
  BUNDLE_SETTINGS,
  bundleOptions,
  LAMBDA_ENTRIES,
  type LambdaRole,
} from '../../lib/bundling.js';

export { BUNDLE_FILE_NAME };

export interface BundleOptions {
  outfile: string;
  /** Packages left out of the bundle (resolved at run time). @default BUNDLE_SETTINGS.externalModules */
  externalModules?: string[];
}

export interface BundleOutput {
  outfile: string;
  /** Size of the bundle in bytes (without the source map). */
  bytes: number;
}

/** Bundles any entry with the deployed settings. */
export async function bundleEntry(entry: string, options: BundleOptions): Promise<BundleOutput> {
  await mkdir(dirname(options.outfile), { recursive: true });
  await build(bundleOptions(entry, options.outfile, options.externalModules ?? BUNDLE_SETTINGS.externalModules));
  return { outfile: options.outfile, bytes: (await stat(options.outfile)).size };
}

/** Bundles one of the Lambda functions into `<outdir>/index.mjs` (+ `index.mjs.map`). */
export function bundleLambda(
  role: LambdaRole,
  outdir: string,
  options: Omit<BundleOptions, 'outfile'> = {},
): Promise<BundleOutput> {
  return bundleEntry(LAMBDA_ENTRIES[role], { ...options, outfile: join(outdir, BUNDLE_FILE_NAME) });
}
