/**
 * The public API docs/deploy.md documents is what the sources export: every entry point of package.json
 * `exports` is documented, and every documented value is exported by the module the entry point maps to
 * (the packed package is checked the same way, types included, by `npm run pack:check`). In the synth
 * project: `oauth-probe/cdk` loads aws-cdk-lib, already loaded there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DOC, documentedApi, exportKey } from '../../scripts/public-api.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { default: string; types: string }>;
};
const api = documentedApi(readFileSync(join(ROOT, API_DOC), 'utf8'));

/** `./dist/lib/index.js` → the source it is compiled from, `lib/index.ts`. */
function sourceOf(key: string): string {
  const target = pkg.exports[key]!;
  const file = typeof target === 'string' ? target : target.default;
  return join(ROOT, file.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
}

describe('the documented public API', () => {
  it('documents every entry point of package.json exports, and only those', () => {
    const exported = Object.keys(pkg.exports).filter((key) => key !== './package.json');
    expect(api.map((entry) => exportKey(entry.specifier)).sort()).toEqual(exported.sort());
  });

  it.each(api.filter((entry) => !entry.specifier.endsWith('.json')).map((entry) => [entry.specifier, entry] as const))(
    '%s exports every documented value',
    async (_, entry) => {
      const source = sourceOf(exportKey(entry.specifier));
      expect(existsSync(source), source).toBe(true);
      const module = (await import(source)) as Record<string, unknown>;
      expect(entry.values.filter((name) => module[name] === undefined)).toEqual([]);
      expect(entry.values.length + entry.types.length).toBeGreaterThan(0);
    },
  );

  it('offers what a caller of runProbe needs from the package root', () => {
    const root = api.find((entry) => entry.specifier === 'oauth-probe')!;
    expect(root.values).toEqual(expect.arrayContaining(['runProbe', 'resolveProbe', 'loadConfigFile', 'ConfigError']));
    expect(root.types).toEqual(expect.arrayContaining(['ResolvedProbe', 'ProbeResult', 'EngineDeps']));
  });
});
