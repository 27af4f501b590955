import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_LINES } from '../../../tools/demo/run.js';
import { compare, SCENARIOS } from '../../../tools/demo/scenarios.js';
import { failResult, passResult } from '../cli/fixtures.js';
import { ANSI, freePortPair, REPO, runCli } from '../cli/helpers.js';

describe('oauth-probe demo --ci', () => {
  it('diagnoses every injected failure as expected, heals each back to pass and exits 0', async () => {
    // Act: on chosen ports (--port N: the authorization server on N, the API on N+1)
    const port = await freePortPair();
    const { code, stdout, stderr } = await runCli(['demo', '--ci', '--port', String(port)]);

    // Assert
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(ANSI);
    expect(stdout).toContain(`  authorization server  https://127.0.0.1:${port}\n`);
    expect(stdout).toContain(`  protected API         https://127.0.0.1:${port + 1}\n`);
    expect(stdout).toContain(`✓ ${SCENARIOS.length}/${SCENARIOS.length} failures diagnosed as expected`);
    for (const diagnosis of [
      'fail at token, invalid_client',
      'fail at api, insufficient_scope',
      'degraded at token, slow_response',
      'fail at api, invalid_token',
      'fail at api, connection_refused',
    ]) {
      expect(stdout).toContain(`✓ diagnosed: ${diagnosis}`);
    }
    // The first failure as its on-call engineer would get it by email (the notifier's builder).
    expect(stdout).toContain('      Subject: [FAIL] billing-api: token invalid_client (eu-west-1)');
    expect(stdout).toMatch(/^ {6}Hint: {10}the token endpoint rejected the client credentials.*\("local\/basic"\)\.$/m);
    expect(stdout.match(/Subject: /g)).toHaveLength(1);
    // The timing waterfall of the failing runs, and where to go next.
    expect(stdout).toMatch(/request\s+status\s+DNS\s+connect\s+TLS\s+first byte\s+total/);
    expect(stdout).toContain('Where to go next');
    expect(stdout).toContain('npx oauth-probe local --dir playground');
    for (const line of BOOTSTRAP_LINES) expect(stdout).toContain(line);
  });
});

describe('where to go next', () => {
  it('bootstraps every region as docs/deploy.md does, for the example probes.json', async () => {
    const deploy = await readFile(join(REPO, 'docs/deploy.md'), 'utf8');
    for (const line of BOOTSTRAP_LINES) expect(deploy.split('\n')).toContain(line);
    const example = JSON.parse(await readFile(join(REPO, 'probes.json'), 'utf8')) as { regions: string[] };
    const bootstrapped = [...BOOTSTRAP_LINES[1].matchAll(/aws:\/\/\$ACCOUNT\/([a-z0-9-]+)/g)].map((m) => m[1]);
    expect(bootstrapped.sort()).toEqual([...example.regions].sort());
  });
});

describe('compare', () => {
  it('is empty when status, stage, code and step are as expected', () => {
    expect(compare(failResult(), { status: 'fail', stage: 'token', code: 'invalid_client', step: null })).toEqual([]);
  });

  it('says what differed', () => {
    expect(compare(passResult(), { status: 'fail', stage: 'api', code: 'invalid_token' })).toEqual([
      'status pass, expected fail',
      'stage null, expected api',
      'code null, expected invalid_token',
    ]);
  });
});
