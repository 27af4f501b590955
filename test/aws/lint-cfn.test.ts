/**
 * `npm run lint:cfn` fails on a template CloudFormation would refuse: a config of the matrix is
 * synthesized into a scratch assembly, one property of it is broken, and the command as CI runs it
 * (`--assembly` lints that folder instead of synthesizing the matrix) must exit 1 naming the finding;
 * the same assembly unbroken passes, so the failure is the broken property's and nothing else's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX } from '../../scripts/lint-cfn/matrix.js';
import { synthesizeTemplates } from '../../scripts/lint-cfn/synth.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function lintCfn(assembly: string): { code: number | null; output: string } {
  const run = spawnSync('npm', ['run', '--silent', 'lint:cfn', '--', '--assembly', assembly], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

let dir: string;
let template: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oauth-probe-lint-cfn-test-'));
  synthesizeTemplates(MATRIX.find((e) => e.name === 'one-region')!.build, dir);
  template = join(dir, readdirSync(dir).find((f) => /^OAuthProbe-.*\.template\.json$/.test(f))!);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run lint:cfn', () => {
  it('passes the assembly as synthesized', () => {
    const { code, output } = lintCfn(dir);

    expect(output).toContain('negative control: cfn-lint reported E3002');
    expect(output).toContain('lint:cfn passed');
    expect(code).toBe(0);
  });

  it('fails, naming the rule and the property, when a property has a value CloudFormation refuses', () => {
    const json = JSON.parse(readFileSync(template, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const [id, probeFunction] = Object.entries(json.Resources).find(
      ([logicalId, r]) => r.Type === 'AWS::Lambda::Function' && logicalId.startsWith('ProbeFunction'),
    )!;
    // Lambda's limit is 900 s. (A MemorySize over Lambda's 10240 MB would pass: cfn-lint's schema has no maximum.)
    probeFunction.Properties.Timeout = 1200;
    writeFileSync(template, JSON.stringify(json));

    const { code, output } = lintCfn(dir);

    expect(output).toMatch(new RegExp(`ERROR E\\d{4} \\S+ \\(ap-northeast-1\\) Resources/${id}/Properties/Timeout`));
    expect(output).toContain('lint:cfn FAILED: 1 finding(s)');
    expect(code).toBe(1);
  });
});
