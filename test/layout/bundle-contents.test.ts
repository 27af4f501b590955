/**
 * What each artifact loads, read from esbuild's metafile (what a bundle really contains, not what the
 * imports suggest): the notifier ships no zod and no HTTP client (the engine's front door must not drag
 * the engine into it: functions/engine/package.json declares the engine's modules free of side effects,
 * so what is not used is dropped), and the CDK app (`bin/app.ts`, what `cdk synth` runs) loads no AWS SDK
 * client.
 */
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_SETTINGS, LAMBDA_ENTRIES } from '../../lib/bundling.js';

async function metafile(entry: string, options: { packagesExternal?: boolean } = {}): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: BUNDLE_SETTINGS.format,
    target: BUNDLE_SETTINGS.target,
    mainFields: BUNDLE_SETTINGS.mainFields,
    logLevel: 'silent',
    outdir: 'out',
    ...(options.packagesExternal ? { packages: 'external' as const } : { external: BUNDLE_SETTINGS.externalModules }),
  });
  return result.metafile;
}

/** Packages whose code ends up in the bundle, e.g. `zod`, `@aws-sdk/client-sns`. */
function bundledPackages(meta: Metafile): Set<string> {
  const packages = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput === 0) continue;
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      if (match) packages.add(match[1]!);
    }
  }
  return packages;
}

describe('bundle contents', () => {
  it('the notifier bundle carries no zod, no undici and no jose', async () => {
    const packages = bundledPackages(await metafile(LAMBDA_ENTRIES.notifier));
    expect(packages.has('@aws-sdk/client-sns'), 'the check sees bundled packages').toBe(true);
    expect([...packages].filter((name) => ['zod', 'undici', 'jose'].includes(name))).toEqual([]);
  });

  it('the watchdog bundle carries no zod, no undici and no jose (its ping is the runtime fetch)', async () => {
    const packages = bundledPackages(await metafile(LAMBDA_ENTRIES.watchdog));
    expect(packages.has('@aws-sdk/client-cloudwatch'), 'the check sees bundled packages').toBe(true);
    expect([...packages].filter((name) => ['zod', 'undici', 'jose'].includes(name))).toEqual([]);
  });

  it('the probe bundle carries the engine (undici, jose) and zod for its event schema', async () => {
    const packages = bundledPackages(await metafile(LAMBDA_ENTRIES.probe));
    expect(['undici', 'jose', 'zod'].filter((name) => !packages.has(name))).toEqual([]);
  });

  it('cdk synth (bin/app.ts) imports no @aws-sdk/client-* module', async () => {
    const meta = await metafile('bin/app.ts', { packagesExternal: true });
    const imported = Object.values(meta.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(
      imported.some((path) => path.startsWith('aws-cdk-lib')),
      'the check sees package imports',
    ).toBe(true);
    expect(imported.filter((path) => path.startsWith('@aws-sdk/client-'))).toEqual([]);
  });
});
