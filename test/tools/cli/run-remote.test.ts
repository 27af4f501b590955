/**
 * `oauth-probe run --remote`: CloudFormation and Lambda are mocked (aws-sdk-client-mock); the mocked
 * Invoke hands the payload the CLI sent to the real probe handler (createProbeRunner with the real
 * engine, probing the local authorization server), so the test proves the event the CLI builds is one
 * the deployed function accepts, and that its result prints as a local run's does.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProbe } from '../../../functions/engine/index.js';
import { createProbeRunner } from '../../../functions/runtime/probe/run.js';
import { MemorySecretSource } from '../../../functions/secrets/memory-source.js';
import { main } from '../../../tools/cli/main.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/index.js';
import { localConfig, localSecrets, type Workspace, WRONG_SECRET, workspace } from './helpers.js';
import { memoryIo } from './memory-io.js';

/** Every secret with a client_secret the authorization server does not know: a bad rotation. */
const pendingSecrets = (env: LocalEnvironment) =>
  Object.fromEntries(
    Object.entries(localSecrets(env)).map(([id, secret]) => [
      id,
      'client_secret' in secret ? { ...secret, client_secret: WRONG_SECRET } : secret,
    ]),
  );

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const cloudWatch = mockClient(CloudWatchClient);

/** A Lambda response payload (the SDK's blob adapter type only adds helpers the CLI does not use). */
const payload = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as InvokeCommandOutput['Payload'];

describe('oauth-probe run --remote', () => {
  let env: LocalEnvironment;
  let ws: Workspace;
  const silent = { info() {}, warn() {}, error() {} };

  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
    ws = await workspace();
    await ws.write('ca.pem', env.caPem!);
    const config = localConfig(env);
    for (const probe of config.probes) Object.assign(probe, { regions: ['eu-west-1'] });
    await ws.write('probes.json', config);
  });

  afterAll(async () => {
    await env?.close();
  });

  beforeEach(() => {
    cloudFormation.reset();
    lambda.reset();
    cloudWatch.reset();
    cloudWatch.on(PutMetricDataCommand).resolves({});
    cloudFormation.on(DescribeStacksCommand, { StackName: 'OAuthProbe-eu-west-1' }).resolves({
      Stacks: [
        {
          StackName: 'OAuthProbe-eu-west-1',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'ProbeFunctionName', OutputValue: 'OAuthProbe-eu-west-1-ProbeFn' }],
        },
      ],
    });
    const handler = createProbeRunner({
      settings: {
        region: 'eu-west-1',
        homeRegion: 'eu-west-1',
        namespace: 'OAuthProbe',
        deadlineMarginMs: 3000,
        secretCacheTtlSec: 0,
        metricsTransport: 'putMetricData',
        metricsProfile: 'full',
        globalFailureRegions: 2,
      },
      runProbe,
      secrets: () => new MemorySecretSource(localSecrets(env)),
      // The pending version of every secret is one the authorization server refuses.
      versionedSecrets: (version) =>
        new MemorySecretSource(version.stage === 'AWSPENDING' ? pendingSecrets(env) : localSecrets(env)),
      cloudWatch: () => new CloudWatchClient({ region: 'eu-west-1' }),
      homeCloudWatch: () => new CloudWatchClient({ region: 'eu-west-1' }),
      logger: silent,
    });
    lambda.on(InvokeCommand, { FunctionName: 'OAuthProbe-eu-west-1-ProbeFn' }).callsFake(async (input) => {
      const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
      const output = await handler(event);
      return { StatusCode: 200, Payload: payload(output) };
    });
  });

  const cli = async (...args: string[]) => {
    const io = memoryIo(ws.dir);
    const code = await main(['run', '--remote', '--region', 'eu-west-1', ...args], io);
    return { code, stdout: io.out(), stderr: io.err() };
  };

  it('invokes the function once per probe with its schedule input and prints the results as a local run', async () => {
    const { code, stdout } = await cli('--json');

    expect(code).toBe(1);
    const results = JSON.parse(stdout);
    expect(results.map((r: { probe: string; status: string }) => `${r.probe} ${r.status}`)).toEqual([
      'good pass',
      'keyed pass',
      'bad fail',
    ]);
    expect(results[2]).toMatchObject({ stage: 'token', code: 'invalid_client', httpStatus: 401 });
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes).toHaveLength(3);
    expect(invokes.every((i) => i.InvocationType === 'RequestResponse')).toBe(true);
    const event = JSON.parse(new TextDecoder().decode(invokes[0]!.Payload as Uint8Array));
    // The CA file is inlined as the schedule input has it; the run has its own time and id.
    expect(event.probe.tls.ca).toContain('-----BEGIN CERTIFICATE-----');
    expect(Number.isNaN(Date.parse(event.scheduledTime))).toBe(false);
    expect(event.executionId).toMatch(/^oauth-probe-cli-/);
    // Every AWS call carried a deadline that aborts it.
    for (const call of [...lambda.calls(), ...cloudFormation.calls()]) {
      expect(((call.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal).toBeInstanceOf(
        AbortSignal,
      );
    }
  });

  it('runs only --probe P and prints the human format, with no secret', async () => {
    const { code, stdout } = await cli('--probe', 'bad');

    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL\s+bad\s+\d+(\.\d)? ms {2}token · invalid_client · HTTP 401$/m);
    expect(stdout).toContain('1 probe: 0 passed, 1 failed');
    expect(stdout).not.toContain(WRONG_SECRET);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('exits 2 with the command to deploy when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id OAuthProbe-eu-west-1 does not exist'), { name: 'ValidationError' }),
      );

    const { code, stderr } = await cli();

    expect(code).toBe(2);
    expect(stderr).toBe(
      "oauth-probe: stack OAuthProbe-eu-west-1 not found in eu-west-1: is the region deployed (npx cdk deploy OAuthProbe-eu-west-1) and the config's name the deployed one?\n",
    );
  });

  it('exits 2 in one line when the function itself crashed', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorMessage: 'Task timed out after 30.00 seconds' }),
    });

    const { code, stderr } = await cli('--probe', 'good');

    expect(code).toBe(2);
    expect(stderr).toBe(
      'oauth-probe: OAuthProbe-eu-west-1-ProbeFn (eu-west-1) failed for probe "good": Task timed out after 30.00 seconds\n',
    );
  });

  it('exits 2 for --remote without --region, --region without --remote, --remote with --secrets', async () => {
    const io = memoryIo(ws.dir);
    const codes = [
      await main(['run', '--remote'], io),
      await main(['run', '--region', 'eu-west-1'], io),
      await main(['run', '--remote', '--region', 'eu-west-1', '--secrets', 'x.json'], io),
    ];

    expect(codes).toEqual([2, 2, 2]);
    expect(io.err().split('\n').filter(Boolean)).toEqual([
      'oauth-probe: --remote needs --region REGION: the region whose probe function runs the probes',
      'oauth-probe: --region goes with --remote (a local run runs from here)',
      'oauth-probe: --remote and --secrets contradict: the deployed function reads its own secrets',
    ]);
    expect(lambda.calls()).toHaveLength(0);
  });

  it('--version-stage AWSPENDING runs the pending version on the function: no schedule fields, no metrics', async () => {
    const { code, stdout } = await cli('--probe', 'good', '--version-stage', 'AWSPENDING', '--json');

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ probe: 'good', stage: 'token', code: 'invalid_client' }),
    ]);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
    expect(event).toMatchObject({ secretVersionStage: 'AWSPENDING', probe: { name: 'good' } });
    expect(event.scheduledTime).toBeUndefined();
    expect(event.executionId).toBeUndefined();
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(stdout).not.toContain(WRONG_SECRET);
  });

  it('--version-stage AWSCURRENT passes where the current secret works (exit 0)', async () => {
    const { code } = await cli('--probe', 'good', '--version-stage', 'AWSCURRENT');

    expect(code).toBe(0);
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('exits 2 naming the flag for a wrong-case stage or a malformed version id, and invokes nothing', async () => {
    const io = memoryIo(ws.dir);
    const codes = [
      await main(['run', '--remote', '--region', 'eu-west-1', '--version-stage', 'awspending'], io),
      await main(['run', '--remote', '--region', 'eu-west-1', '--version-id', 'x'], io),
    ];

    expect(codes).toEqual([2, 2]);
    expect(io.err().split('\n').filter(Boolean)).toEqual([
      'oauth-probe: --version-stage: "awspending" is not a staging label: write AWSPENDING (labels are case-sensitive)',
      'oauth-probe: --version-id: "x" is not a secret version id: 32 to 64 letters, digits, - and _ (the rotation\'s ClientRequestToken)',
    ]);
    expect(lambda.calls()).toHaveLength(0);
  });

  it('exits 2 when no probe of the config runs in the region', async () => {
    const io = memoryIo(ws.dir);
    const code = await main(['run', '--remote', '--region', 'ap-south-1'], io);

    expect(code).toBe(2);
    expect(io.err()).toBe('oauth-probe: no probe of the config runs in ap-south-1\n');
  });
});
