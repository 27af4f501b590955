/**
 * cdk-nag only on request: `oauth-probe/cdk` (dist/lib/index.js) never loads it, `oauth-probe/cdk/nag`
 * (dist/lib/nag.js) loads it only when `applyNag` runs, so a user app without cdk-nag installed imports
 * both. Checked in a fresh node process on the compiled package modules, by what Node's module cache
 * holds (cdk-nag is CommonJS: once loaded, its files are in `require.cache`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

const SCRIPT = `
import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
const nagLoaded = () => Object.keys(cache).some((file) => file.includes('/node_modules/cdk-nag/'));
const seen = {};
await import(${JSON.stringify(join(ROOT, 'dist/lib/index.js'))});
seen.afterCdk = nagLoaded();
const nag = await import(${JSON.stringify(join(ROOT, 'dist/lib/nag.js'))});
seen.afterNagImport = nagLoaded();
const { App } = await import('aws-cdk-lib');
nag.applyNag(new App());
seen.afterApplyNag = nagLoaded();
console.log(JSON.stringify(seen));
`;

describe('cdk-nag, only on request', () => {
  it('is loaded neither by oauth-probe/cdk nor by importing oauth-probe/cdk/nag, only by applyNag', () => {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
      afterCdk: false,
      afterNagImport: false,
      afterApplyNag: true,
    });
  });
});
