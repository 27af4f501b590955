/**
 * Every command that calls AWS fails on its environment the same way: with no credentials, with no
 * region, against an endpoint on 127.0.0.1 that answers AccessDenied (or ExpiredToken) in the client's
 * own protocol, and against a closed port, each exits 2 with ONE line naming the cause and the fix,
 * prints no verdict (no "alert path broken", no FAIL) and never `internal error`. The SDK runs for
 * real (credential chain, region resolution, endpoint from AWS_ENDPOINT_URL, error parsing).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../tools/cli/main.js';
import { type AwsErrorEndpoint, closedPort, startAwsErrorEndpoint } from './aws-error-endpoint.js';
import { REPO, runCli } from './helpers.js';
import { memoryIo } from './memory-io.js';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDCLITEST', AWS_SECRET_ACCESS_KEY: 'cli-test-secret-key-Qw7' };
/** The SDK finds nothing of the developer's own: no config files, no instance metadata, one attempt. */
const HERMETIC = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: join(REPO, 'no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(REPO, 'no-such-aws-credentials'),
  AWS_MAX_ATTEMPTS: '1',
};

/** Each AWS command on the repository's probes.json, and the first call it makes (eu-west-1). */
const COMMANDS = [
  { argv: ['alert-test', '--wait', '1'], first: 'logs:DescribeLogGroups (CloudWatch Logs in eu-west-1)' },
  {
    argv: ['mute', '--probe', 'billing-api', '--for', '1h'],
    first: 'cloudwatch:PutAlarmMuteRule (CloudWatch in eu-west-1)',
  },
  { argv: ['unmute', '--probe', 'billing-api'], first: 'cloudwatch:DeleteAlarmMuteRule (CloudWatch in eu-west-1)' },
  { argv: ['slo-report'], first: 'cloudwatch:GetMetricData (CloudWatch in eu-west-1, us-east-1)' },
  { argv: ['preflight'], first: 'secretsmanager:GetSecretValue (Secrets Manager in eu-west-1)' },
  {
    argv: ['run', '--remote', '--region', 'eu-west-1'],
    first: 'cloudformation:DescribeStacks (CloudFormation in eu-west-1)',
  },
  // Without --secrets and with AWS credentials, `run` reads the secrets from Secrets Manager.
  { argv: ['run'], first: 'secretsmanager:GetSecretValue (Secrets Manager in eu-west-1)' },
] as const;

const NO_CREDENTIALS =
  'oauth-probe: no AWS credentials found: set AWS_PROFILE (a profile from `aws configure` or `aws configure sso`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and run it again\n';
const NO_REGION =
  'oauth-probe: no AWS region: set AWS_REGION (e.g. export AWS_REGION=eu-west-1) or a region in your AWS profile\n';
/** The line for AccessDenied (JSON services name it AccessDeniedException, Query ones AccessDenied). */
const denied = (first: string) =>
  new RegExp(
    `^oauth-probe: AWS denied ${first.replace(/[()]/g, '\\$&')} \\(AccessDenied(Exception)?\\): grant it to the identity you use \\(\`aws sts get-caller-identity\` shows which\\), or use a profile that has it\\n$`,
  );

/** Runs the command in process with `env` as the whole AWS environment (process.env, read by the SDK). */
async function withAwsEnv(argv: readonly string[], env: Record<string, string>) {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries({ ...HERMETIC, ...env })) vi.stubEnv(name, value);
  const io = memoryIo(REPO);
  io.env = { NO_COLOR: '1', ...HERMETIC, ...env };
  const code = await main([...argv], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(COMMANDS.map((c) => [c.argv.join(' '), c] as const))('oauth-probe %s', (_name, command) => {
  let deniedEndpoint: AwsErrorEndpoint;
  let expiredEndpoint: AwsErrorEndpoint;

  beforeAll(async () => {
    [deniedEndpoint, expiredEndpoint] = await Promise.all([
      startAwsErrorEndpoint('AccessDenied'),
      startAwsErrorEndpoint('ExpiredToken'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([deniedEndpoint?.close(), expiredEndpoint?.close()]);
  });
  beforeEach(() => {
    deniedEndpoint.requests.length = 0;
  });

  const expectOneLine = (outcome: { code: number; stdout: string; stderr: string }, line: string | RegExp) => {
    if (typeof line === 'string') expect(outcome.stderr).toBe(line);
    else expect(outcome.stderr).toMatch(line);
    expect(outcome.code).toBe(2);
    // No verdict about probes or the alert path: nothing on stdout at all.
    expect(outcome.stdout).toBe('');
  };

  it('without credentials: one line, exit 2', async () => {
    // AWS_PROFILE names a profile that does not exist (the config file does not either).
    const env: Record<string, string> = command.argv.join(' ') === 'run' ? { AWS_PROFILE: 'ops' } : {};

    expectOneLine(await withAwsEnv(command.argv, { AWS_REGION: 'eu-west-1', ...env }), NO_CREDENTIALS);
  });

  it('without a region: one line, exit 2 (the config names the regions of the deployment commands)', async () => {
    const outcome = await withAwsEnv(command.argv, { ...KEYS, AWS_ENDPOINT_URL: deniedEndpoint.url });

    // Only a local run reads AWS_REGION; every other command calls the regions of probes.json.
    expectOneLine(outcome, command.argv.join(' ') === 'run' ? NO_REGION : denied(command.first));
  });

  it('against an endpoint that answers AccessDenied: one line naming the action, exit 2', async () => {
    const outcome = await withAwsEnv(command.argv, {
      ...KEYS,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: deniedEndpoint.url,
    });

    expectOneLine(outcome, denied(command.first));
    expect(deniedEndpoint.requests.length).toBeGreaterThan(0);
  });

  it('with expired credentials: one line, exit 2', async () => {
    const outcome = await withAwsEnv(command.argv, {
      ...KEYS,
      AWS_SESSION_TOKEN: 'expired-session-token',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: expiredEndpoint.url,
    });

    expect(outcome.stderr).toMatch(
      /^oauth-probe: your AWS credentials have expired \(ExpiredToken(Exception)?\): refresh them \(`aws sso login`, or new temporary keys\) and run it again\n$/,
    );
    expect([outcome.code, outcome.stdout]).toEqual([2, '']);
  });

  it('against a closed port: one line, exit 2', async () => {
    const outcome = await withAwsEnv(command.argv, {
      ...KEYS,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}`,
    });

    const [where] = /\([^)]+ in [^)]+\)/.exec(command.first) ?? [''];
    expectOneLine(
      outcome,
      `oauth-probe: cannot reach AWS ${where} (ECONNREFUSED): check the network, HTTPS_PROXY, or AWS_ENDPOINT_URL\n`,
    );
  });
});

describe('oauth-probe run --remote without --region', () => {
  it('is a usage error naming the flag, exit 2', async () => {
    const outcome = await withAwsEnv(['run', '--remote'], KEYS);

    expect(outcome).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oauth-probe: --remote needs --region REGION: the region whose probe function runs the probes\n',
    });
  });
});

describe('the CLI process (bin/oauth-probe.js)', () => {
  it('prints the one line and nothing of the SDK: no NodeVersionSupportWarning on Node 20', async () => {
    const endpoint = await startAwsErrorEndpoint('AccessDenied');
    try {
      const { code, stdout, stderr } = await runCli(['unmute', '--probe', 'billing-api'], {
        env: { ...HERMETIC, ...KEYS, AWS_ENDPOINT_URL: endpoint.url },
      });

      expect([code, stdout]).toEqual([2, '']);
      expect(stderr).toMatch(denied('cloudwatch:DeleteAlarmMuteRule (CloudWatch in eu-west-1)'));
    } finally {
      await endpoint.close();
    }
  });

  it('keeps every other warning', async () => {
    const { code, stderr } = await runCli(['--version'], {
      env: { NODE_OPTIONS: `--require ${join(REPO, 'test/tools/cli/late-warning.cjs')}` },
    });

    expect(code).toBe(0);
    expect(stderr).toContain('ExampleWarning: still shown');
  });
});
