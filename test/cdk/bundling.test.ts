/**
 * The one test that bundles for real (local esbuild, no Docker): both handlers compile with the shared
 * BUNDLE_SETTINGS into ESM for nodejs24.x.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesize } from './helpers.js';

describe('bundling', () => {
  it('bundles the probe and notifier handlers into index.mjs with a source map', () => {
    const synth = synthesize(
      {
        regions: ['eu-west-1'],
        notifications: { warning: { emails: ['ops@example.com'] } },
        probes: [{ name: 'p', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 'x' } }],
      },
      { bundle: true },
    );

    const functions = resourcesOf(synth.template('eu-west-1'), 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    const manifest = JSON.parse(readFileSync(join(synth.outdir, 'OAuthProbe-eu-west-1.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    // The two functions' code, and the notifier's routes layer (routes.json, no code).
    const zipped = Object.values(manifest.files)
      .filter((f) => f.source.packaging === 'zip')
      .map((f) => f.source.path);
    const isRoutes = (dir: string) => existsSync(join(synth.outdir, dir, 'oauth-probe', 'routes.json'));
    expect(zipped.filter(isRoutes)).toHaveLength(1);
    const assetDirs = zipped.filter((dir) => !isRoutes(dir));
    expect(assetDirs).toHaveLength(2);
    for (const assetDir of assetDirs) {
      const bundle = join(synth.outdir, assetDir, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      // The banner that gives ESM a require for CommonJS dependencies.
      expect(code.startsWith('import { createRequire as __opCreateRequire }')).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*handler/);
    }
    for (const [, fn] of functions) expect(fn.Handler).toBe('index.handler');
  }, 180_000);
});
