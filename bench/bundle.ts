/**
 * Bundles an entry with BUNDLE_SETTINGS (lib/bundling.ts), the way CDK's NodejsFunction does.
 * Temporary: to be replaced by test/lambda/bundle.ts once it lands.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_SETTINGS } from '../lib/bundling.js';

export interface BundleOptions {
  outfile: string;
  /** Packages left out of the bundle (resolved at run time). @default BUNDLE_SETTINGS.externalModules */
  externalModules?: string[];
}

export async function bundleEntry(entry: string, options: BundleOptions): Promise<{ outfile: string; bytes: number }> {
  await mkdir(dirname(options.outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE_SETTINGS.target,
    format: BUNDLE_SETTINGS.format,
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourceMap,
    banner: { js: BUNDLE_SETTINGS.banner },
    mainFields: BUNDLE_SETTINGS.mainFields,
    external: options.externalModules ?? BUNDLE_SETTINGS.externalModules,
    logLevel: 'error',
  });
  return { outfile: options.outfile, bytes: (await stat(options.outfile)).size };
}
