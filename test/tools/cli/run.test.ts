import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/index.js';
import {
  ANSI,
  type CliOutcome,
  localConfig,
  localSecrets,
  runCli,
  type Workspace,
  WRONG_SECRET,
  workspace,
} from './helpers.js';

/** `oauth-probe run` spawned as a process against the local authorization server and API over HTTPS. */
describe('oauth-probe run', () => {
  let env: LocalEnvironment;
  let ws: Workspace;

  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
    ws = await workspace();
    await ws.write('ca.pem', env.caPem!);
    await ws.write('probes.json', localConfig(env));
    await ws.write('local-secrets.json', localSecrets(env));
  });

  afterAll(async () => {
    await env?.close();
  });

  const run = (...args: string[]) => runCli(['run', ...args], { cwd: ws.dir });

  it('exits 0 and prints one uncoloured line per probe when every selected probe passes', async () => {
    const { code, stdout, stderr } = await run(
      '--secrets',
      'local-secrets.json',
      '--probe',
      'good',
      '--probe',
      'keyed',
    );

    expect(code).toBe(0);
    expect(stdout).toMatch(/^PASS {6}good {3}\s+\d+(\.\d)? ms$/m);
    expect(stdout).toMatch(/^PASS {6}keyed\s+\d+(\.\d)? ms$/m);
    expect(stdout).toContain('2 probes: 2 passed');
    expect(stdout).not.toMatch(ANSI);
    expect(stderr).toBe('');
  });

  it('exits 1 when a probe fails, with stage, code, hint and the timing waterfall', async () => {
    const { code, stdout } = await run('--secrets', 'local-secrets.json');

    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL {6}bad {4}\s+\d+(\.\d)? ms {2}token · invalid_client · HTTP 401$/m);
    expect(stdout).toContain('    stage      token');
    expect(stdout).toMatch(/ {4}hint {7}\S/);
    expect(stdout).toMatch(/request\s+status\s+DNS\s+connect\s+TLS\s+first byte\s+total/);
    expect(stdout).toMatch(/token\s+401\s.*✗ invalid_client/);
    expect(stdout).toContain('3 probes: 2 passed, 1 failed');
  });

  it('shows what expires within the threshold under PASS without --verbose, and --json carries it', async () => {
    // Arrange: the secret expires in 2.5 days; the server certificates (30 days) are inside a 40-day threshold.
    const soon = { ...localConfig(env).probes[0]!, name: 'soon', alarms: { expiryDaysThreshold: 40 } };
    await ws.write('soon.json', { probes: [soon] });
    const expiresAt = new Date(Date.now() + 2.5 * 86_400_000).toISOString();
    await ws.write('soon-secrets.json', { 'local/basic': { ...env.secrets['local/basic'], expires_at: expiresAt } });

    // Act
    const text = await run('--config', 'soon.json', '--secrets', 'soon-secrets.json');
    const json = await run('--config', 'soon.json', '--secrets', 'soon-secrets.json', '--json');

    // Assert
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^PASS {6}soon\s+\d+(\.\d)? ms\n {4}warning {4}credential_expiring: the client credential expires in 2 days \(alarms\.expiryDaysThreshold 40\): rotate it before then\n {4}warning {4}certificate_expiring: the TLS certificate of 127\.0\.0\.1:\d+ expires in 29 days/m,
    );
    expect(text.stdout).toContain('1 probe: 1 passed (1 with warnings)');
    const [result] = JSON.parse(json.stdout) as { status: string; warnings: { code: string }[] }[];
    expect(result!.status).toBe('pass');
    expect(result!.warnings.map((w) => w.code)).toEqual([
      'credential_expiring',
      'certificate_expiring',
      'certificate_expiring',
    ]);
  });

  it('exits 0 when a probe is only degraded, and names the slow stage', async () => {
    // Arrange: the same probe with a 1 ms threshold, which every real request exceeds.
    const slow = { ...localConfig(env).probes[0]!, name: 'slow', degradedMs: 1 };
    await ws.write('slow.json', { probes: [slow] });

    // Act
    const { code, stdout } = await run('--config', 'slow.json', '--secrets', 'local-secrets.json');

    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/^DEGRADED {2}slow\s+\d+(\.\d)? ms {2}token · slow_response · HTTP 200$/m);
    expect(stdout).toContain('1 probe: 0 passed, 1 degraded');
  });

  it('shows every exchange of passing probes with --verbose', async () => {
    const { code, stdout } = await run('--secrets', 'local-secrets.json', '--probe', 'good', '--verbose');

    expect(code).toBe(0);
    for (const name of ['token', 'jwks', 'list-invoices', 'get-invoice']) {
      expect(stdout).toMatch(new RegExp(`^\\s+${name}\\s+200\\s`, 'm'));
    }
  });

  it('prints exactly one JSON array on stdout with --json (pass)', async () => {
    const { code, stdout, stderr } = await run('--secrets', 'local-secrets.json', '--probe', 'good', '--json');

    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(Array.isArray(results)).toBe(true);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ probe: 'good', status: 'pass', stage: null, code: null });
    expect(stdout.trim().startsWith('[')).toBe(true);
    expect(stdout.trim().endsWith(']')).toBe(true);
    expect(stderr).toBe('');
  });

  it('prints exactly one JSON array on stdout with --json (fail), in config order', async () => {
    const { code, stdout } = await run('--secrets', 'local-secrets.json', '--json');

    expect(code).toBe(1);
    const results = JSON.parse(stdout);
    expect(results.map((r: { probe: string }) => r.probe)).toEqual(['good', 'keyed', 'bad']);
    expect(results[2]).toMatchObject({ status: 'fail', stage: 'token', code: 'invalid_client', httpStatus: 401 });
    expect(stdout).not.toMatch(ANSI);
  });

  it('writes JUnit XML with --reporter junit: one test case per probe, the failure with stage, code and hint', async () => {
    const { code, stdout, stderr } = await run('--secrets', 'local-secrets.json', '--reporter', 'junit');

    expect(code).toBe(1);
    expect(
      stdout.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="oauth-probe" tests="3" failures="1"',
      ),
    ).toBe(true);
    expect([...stdout.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1])).toEqual(['good', 'keyed', 'bad']);
    expect(stdout).toMatch(/<failure message="token invalid_client: [^"]+" type="invalid_client">/);
    expect(stdout).not.toMatch(ANSI);
    expect(stdout).not.toContain(WRONG_SECRET);
    expect(stderr).toBe('');
  });

  it('exits 2 for an unknown reporter and for --json with another reporter', async () => {
    const unknown = await run('--secrets', 'local-secrets.json', '--reporter', 'tap');
    const both = await run('--secrets', 'local-secrets.json', '--json', '--reporter', 'junit');

    expect([unknown.code, both.code]).toEqual([2, 2]);
    expect(unknown.stderr).toBe('oauth-probe: --reporter tap: must be one of text, json, junit\n');
    expect(both.stderr).toBe('oauth-probe: --json and --reporter junit contradict: give one\n');
  });

  it('exits 2 for an unknown --probe, listing the probes the config has', async () => {
    const { code, stdout, stderr } = await run('--secrets', 'local-secrets.json', '--probe', 'nope');

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('oauth-probe: unknown probe "nope": the config has good, keyed, bad\n');
  });

  it('exits 2 in one line when the secrets file is missing', async () => {
    const { code, stderr } = await run('--secrets', 'missing-secrets.json');

    expect(code).toBe(2);
    expect(stderr).toBe(
      'oauth-probe: secrets file not found: missing-secrets.json (check the path given to --secrets)\n',
    );
  });

  it('exits 2 without --secrets and without AWS credentials, saying how to pass secrets', async () => {
    const { code, stderr } = await run();

    expect(code).toBe(2);
    expect(stderr).toMatch(/^oauth-probe: no credentials source: pass --secrets FILE .* AWS_REGION/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('asks for a region when AWS credentials are set without one', async () => {
    const { code, stderr } = await runCli(['run'], {
      cwd: ws.dir,
      env: { AWS_PROFILE: 'ops', AWS_CONFIG_FILE: join(ws.dir, 'no-aws-config') },
    });

    expect(code).toBe(2);
    expect(stderr).toBe(
      'oauth-probe: no AWS region: set AWS_REGION (e.g. export AWS_REGION=eu-west-1) or a region in your AWS profile\n',
    );
  });

  it('exits 2 for a secrets file that is not JSON, without quoting it', async () => {
    await ws.write('broken-secrets.json', '{ "local/basic": { "client_secret": "hunter2-do-not-print" ');

    const { code, stderr } = await run('--secrets', 'broken-secrets.json');

    expect(code).toBe(2);
    // Where the text breaks off (line and column), never the text itself.
    expect(stderr).toBe(
      "oauth-probe: secrets file broken-secrets.json is not valid JSON: line 1, column 60: expected ',' or '}' (the text ends early)\n",
    );
  });

  it('exits 2 for a bad --concurrency', async () => {
    const { code, stderr } = await run('--secrets', 'local-secrets.json', '--concurrency', 'lots');

    expect(code).toBe(2);
    expect(stderr).toBe("oauth-probe: --concurrency must be a whole number from 1 to 64, got 'lots'\n");
  });

  describe('never prints a secret', () => {
    it('keeps client secrets, private keys and access tokens out of stdout and stderr, human and JSON', async () => {
      // Arrange: every way of running, passing and failing.
      const variants = [[], ['--verbose'], ['--json'], ['--json', '--verbose'], ['--reporter', 'junit']].flatMap(
        (extra) => [
          ['--secrets', 'local-secrets.json', ...extra],
          ['--secrets', 'local-secrets.json', '--probe', 'good', ...extra],
        ],
      );
      const outcomes: CliOutcome[] = await Promise.all(variants.map((args) => run(...args)));
      const secrets = [
        WRONG_SECRET,
        env.secrets['local/basic']!.client_secret!,
        env.secrets['local/post']!.client_secret!,
        // The body of the private_key_jwt key: any 40-character run of it.
        ...pemBodyChunks(env.secrets['local/jwt']!.private_key!),
        ...pemBodyChunks(env.secrets['local/mtls']?.private_key ?? ''),
      ];

      // Act
      const text = outcomes.map((o) => `${o.stdout}\n${o.stderr}`).join('\n');

      // Assert
      expect(outcomes.map((o) => o.code)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
      for (const secret of secrets) expect(text).not.toContain(secret);
      // No JWT (access token or client assertion): header.payload.signature, base64url.
      expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
      expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    });
  });
});

function pemBodyChunks(pem: string): string[] {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const chunks: string[] = [];
  for (let i = 0; i + 40 <= body.length; i += 40) chunks.push(body.slice(i, i + 40));
  return chunks;
}
