/**
 * The import boundaries of biome.json fire: each rule is run (the real `biome lint`, the repository's
 * own biome.json) over small fixture files laid out like the repository in a temporary folder, and
 * must flag the bad imports and pass the good ones. A rule that silently stopped matching (a typo in a
 * pattern, a Biome upgrade that changed glob semantics) fails here, not in review.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const BIOME = join(REPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

/** path in the repository → source; `bad` lines must be flagged by noRestrictedImports, `good` ones not. */
const FIXTURES: { path: string; bad: string[]; good: string[] }[] = [
  {
    path: 'functions/runtime/fixture.ts',
    bad: ["import { a } from '../engine/run.js';", "export { b } from '../engine/result.js';"],
    good: ["import { c } from '../engine/index.js';", "import { d } from '../contract/index.js';"],
  },
  {
    path: 'tools/cli/fixture.ts',
    bad: [
      "import type { e } from '../../functions/engine/types.js';",
      "const f = import('../../functions/engine/jwt.js');",
    ],
    good: ["import { g } from '../../functions/engine/index.js';"],
  },
  { path: 'bench/fixture.ts', bad: ["import { h } from '../functions/engine/redact.js';"], good: [] },
  {
    path: 'plan/fixture.ts',
    bad: [
      "import { App } from 'aws-cdk-lib';",
      "import type { z } from 'zod';",
      "import { p } from '../lib/names.js';",
      "import { q } from '../functions/runtime/shared/log.js';",
      "import { r } from '../tools/cost/estimate.js';",
    ],
    good: [
      "import { s } from '../functions/contract/index.js';",
      "import { t } from '../functions/config/resolve.js';",
    ],
  },
  // The engine's own tests may reach into its files.
  { path: 'test/engine/fixture.test.ts', bad: [], good: ["import { i } from '../../functions/engine/jwt.js';"] },
  { path: 'functions/engine/fixture.ts', bad: [], good: ["import { j } from './jwt.js';"] },
  {
    path: 'lib/constructs/fixture.ts',
    bad: [
      "import { k } from '../../functions/runtime/shared/log.js';",
      "import { l } from '../../functions/engine/index.js';",
      "import { m } from '../../functions/contract/metric-catalogue.js';",
      "import { n } from '../../functions/guards.js';",
    ],
    good: [
      "import { o } from '../../functions/contract/index.js';",
      "import { p } from '../../functions/config/resolve.js';",
    ],
  },
  {
    path: 'functions/contract/fixture.ts',
    bad: [
      "import * as q from 'zod';",
      "import { r } from 'zod/mini';",
      "import { s } from '@aws-sdk/client-sns';",
      "import type { t } from '@aws-sdk/client-cloudwatch';",
      "import { u } from '../engine/run.js';",
    ],
    good: ["import { v } from './metric-catalogue.js';"],
  },
];

interface Diagnostic {
  category: string;
  location: { path: string; start: { line: number } };
}

let dir: string;
let diagnostics: Diagnostic[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oauth-probe-boundaries-'));
  const config = JSON.parse(await readFile(join(REPO, 'biome.json'), 'utf8')) as Record<string, unknown>;
  // The temporary folder is no git repository and has no node_modules of its own.
  delete config.$schema;
  config.vcs = { enabled: false };
  await writeFile(join(dir, 'biome.json'), JSON.stringify(config));
  for (const fixture of FIXTURES) {
    const file = join(dir, fixture.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${[...fixture.bad, ...fixture.good].join('\n')}\n`);
  }
  // biome exits 1 when it finds errors: that is the expected case, so read stdout either way.
  const stdout = await promisify(execFile)(process.execPath, [BIOME, 'lint', '--reporter=json', '.'], { cwd: dir })
    .then((r) => r.stdout)
    .catch((error: { stdout?: string }) => error.stdout ?? '');
  diagnostics = (JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('import boundaries (biome.json noRestrictedImports)', () => {
  for (const fixture of FIXTURES) {
    it(`flags exactly the forbidden imports in ${fixture.path}`, () => {
      const flagged = diagnostics
        .filter((d) => d.category === 'lint/style/noRestrictedImports' && d.location.path.endsWith(fixture.path))
        .map((d) => d.location.start.line)
        .sort((a, b) => a - b);
      const expected = fixture.bad.map((_, index) => index + 1);
      expect(flagged).toEqual(expected);
    });
  }
});
