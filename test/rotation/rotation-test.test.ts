/**
 * The rotation path end to end: a rotation function's testSecret step (`testPendingSecret` through
 * `lambdaInvoke` and a mocked LambdaClient) invokes the real probe handler, which reads the AWSPENDING
 * version from a mocked Secrets Manager and runs the real engine against the in-process authorization
 * server. A pending secret the server refuses fails the rotation and publishes a diagnosed notification
 * (mocked SNS); one it accepts passes. No rotation test publishes a metric, and no secret leaves.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveProbe } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { probeEvent } from '../../functions/contract/environment.js';
import { runProbe } from '../../functions/engine/index.js';
import { lambdaInvoke, RotationTestFailed, testPendingSecret } from '../../functions/rotation/index.js';
import { createProbeRunner, type ProbeSettings } from '../../functions/runtime/probe/run.js';
import { SecretsManagerSecretSource } from '../../functions/runtime/probe/secrets-manager-source.js';
import type { RuntimeLogger } from '../../functions/runtime/shared/log.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';

const REGION = 'eu-west-1';
const SECRET_ID = 'oauth-probe/billing';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:oauth-probe-notifications';
const PENDING_ID = 'a1b2c3d4-0000-4000-8000-00000000beef';
const CURRENT_ID = 'a1b2c3d4-0000-4000-8000-00000000cafe';
/** What the rotation wrote as the new secret: a client_secret the authorization server does not know. */
const BAD_PENDING_SECRET = 'pending-secret-the-server-never-saw-0123456789';

const secretsManager = new SecretsManagerClient({ region: REGION });
const sns = new SNSClient({ region: 'us-east-1' });
const cloudWatch = new CloudWatchClient({ region: REGION });
const lambda = new LambdaClient({ region: REGION });
const smMock = mockClient(secretsManager);
const snsMock = mockClient(sns);
const cwMock = mockClient(cloudWatch);
const lambdaMock = mockClient(lambda);

let env: LocalEnvironment;
let lines: { level: string; message: string; fields: Record<string, unknown> }[];

beforeAll(async () => {
  env = await startLocalEnvironment();
});
afterAll(async () => {
  await env?.close();
});

const settings: ProbeSettings = {
  region: REGION,
  homeRegion: 'us-east-1',
  namespace: 'OAuthProbe',
  deadlineMarginMs: 1_000,
  secretCacheTtlSec: 300,
  metricsTransport: 'putMetricData',
  metricsProfile: 'full',
  globalFailureRegions: 2,
  notificationTopicArn: TOPIC,
  deployment: 'oauth-probe',
};

function logger(): RuntimeLogger {
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/** The deployed probe function, as Lambda would run it (Lambda itself is the mocked InvokeCommand). */
function probeFunction(overrides: Partial<ProbeSettings> = {}) {
  const log = logger();
  return createProbeRunner({
    settings: { ...settings, ...overrides },
    runProbe,
    logger: log,
    secrets: () => new SecretsManagerSecretSource({ client: secretsManager, region: REGION, logger: log }),
    versionedSecrets: (version) =>
      new SecretsManagerSecretSource({ client: secretsManager, region: REGION, ttlSec: 0, logger: log, version }),
    sns: () => sns,
    cloudWatch: () => cloudWatch,
    homeCloudWatch: () => cloudWatch,
  });
}

function probe() {
  const config = env.probe('client_secret_basic', { name: 'billing-api', credentials: { secretId: SECRET_ID } });
  return probeEvent(resolveProbe({ probes: [config] } as ProbesConfig, config)).probe;
}

/** Lambda's Invoke, answered by the probe function with the event it was given (as JSON, like Lambda). */
function routeInvokes(handler: ReturnType<typeof probeFunction>) {
  lambdaMock.on(InvokeCommand).callsFake(async (input: { Payload?: Uint8Array }) => {
    const event = JSON.parse(new TextDecoder().decode(input.Payload)) as unknown;
    const output = await handler(event, { getRemainingTimeInMillis: () => 30_000 });
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(output)) };
  });
}

function secretVersions(pending: Record<string, string>) {
  const current = JSON.stringify(env.secrets['local/basic']);
  smMock.on(GetSecretValueCommand).callsFake((input: { VersionStage?: string; VersionId?: string }) => {
    if (input.VersionStage === 'AWSPENDING' || input.VersionId === PENDING_ID) {
      return { VersionId: PENDING_ID, SecretString: JSON.stringify(pending), VersionStages: ['AWSPENDING'] };
    }
    return { VersionId: CURRENT_ID, SecretString: current, VersionStages: ['AWSCURRENT'] };
  });
}

/** Every secret value in play: none may appear in a notification, an error or a log line. */
function secretValues(): string[] {
  const current = env.secrets['local/basic'] as { client_secret: string };
  return [BAD_PENDING_SECRET, current.client_secret];
}

function expectNoSecret(text: string) {
  for (const value of secretValues()) expect(text).not.toContain(value);
  // No JWS compact string (an access token) either.
  expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
}

describe('rotation test: testSecret runs the probe with the AWSPENDING version', () => {
  beforeEach(() => {
    smMock.reset();
    snsMock.reset();
    cwMock.reset();
    lambdaMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    cwMock.on(PutMetricDataCommand).resolves({});
    lines = [];
  });

  it('a pending secret the authorization server refuses fails the rotation with the diagnosis and notifies', async () => {
    const current = env.secrets['local/basic'] as { client_id: string };
    secretVersions({ client_id: current.client_id, client_secret: BAD_PENDING_SECRET });
    routeInvokes(probeFunction());

    const failure = await testPendingSecret({
      invoke: lambdaInvoke(lambda),
      functionName: 'oauth-probe-probe',
      probe: probe(),
      clientRequestToken: PENDING_ID,
    }).catch((error: unknown) => error);

    // The rotation step fails: stage, code and hint in the message, no secret.
    expect(failure).toBeInstanceOf(RotationTestFailed);
    const error = failure as RotationTestFailed;
    expect(error).toMatchObject({ probe: 'billing-api', code: 'invalid_client', stage: 'token' });
    expect(error.message).toContain('token invalid_client');
    expect(error.message).toContain(PENDING_ID);
    expect(error.message).toContain(`Hint: ${error.hint}`);
    expectNoSecret(error.message);
    // The pending version was read, by stage and id.
    expect(smMock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET_ID, VersionStage: 'AWSPENDING', VersionId: PENDING_ID },
    ]);
    // Notified, diagnosed, without a secret.
    const published = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json' });
    expect(published[0]!.Subject).toBe('[ROTATION BLOCKED] billing-api: new secret token invalid_client (eu-west-1)');
    const message = JSON.parse(published[0]!.Message!) as { default: string; https: string };
    expect(message.default).toContain('The rotation was stopped at testSecret');
    expect(message.default).toContain('invalid_client');
    const document = JSON.parse(message.https) as Record<string, unknown>;
    expect(document).toMatchObject({
      kind: 'rotationTest',
      severity: 'warning',
      probe: 'billing-api',
      result: { stage: 'token', code: 'invalid_client', status: 'fail' },
      alarm: { name: 'OAuthProbe-billing-api-eu-west-1-RotationTest' },
    });
    expect(published[0]!.MessageAttributes?.code?.StringValue).toBe('invalid_client');
    expectNoSecret(JSON.stringify(published));
    // No metric, no scheduled-run line; the rotation test line names the version.
    expect(cwMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(lines.filter((l) => l.fields.event === 'probe_result')).toHaveLength(0);
    const logged = lines.filter((l) => l.fields.event === 'rotation_test_result');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.fields).toMatchObject({
      rotationTest: true,
      secretVersionStage: 'AWSPENDING',
      secretVersionId: PENDING_ID,
      code: 'invalid_client',
    });
    expectNoSecret(JSON.stringify(lines));
  });

  it('a pending secret the server accepts passes: no notification, no metric', async () => {
    secretVersions(env.secrets['local/basic'] as unknown as Record<string, string>);
    routeInvokes(probeFunction());

    const verdict = await testPendingSecret({
      invoke: lambdaInvoke(lambda),
      functionName: 'oauth-probe-probe',
      probe: probe(),
      clientRequestToken: PENDING_ID,
    });

    expect(verdict).toEqual({ probe: 'billing-api', status: 'pass', secretVersionId: PENDING_ID });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(cwMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expectNoSecret(JSON.stringify(lines));
  });

  it('reads function and probe from the environment the ProbeRotationTest construct sets', async () => {
    secretVersions(env.secrets['local/basic'] as unknown as Record<string, string>);
    routeInvokes(probeFunction());

    const verdict = await testPendingSecret({
      invoke: lambdaInvoke(lambda),
      env: { OAUTH_PROBE_FUNCTION_NAME: 'oauth-probe-probe', OAUTH_PROBE_PROBE: JSON.stringify(probe()) },
    });

    expect(verdict.status).toBe('pass');
    expect(lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input).toMatchObject({
      FunctionName: 'oauth-probe-probe',
      InvocationType: 'RequestResponse',
    });
  });

  it('a function without a notification topic still fails the rotation, and says why it did not notify', async () => {
    const current = env.secrets['local/basic'] as { client_id: string };
    secretVersions({ client_id: current.client_id, client_secret: BAD_PENDING_SECRET });
    routeInvokes(probeFunction({ notificationTopicArn: undefined }));

    await expect(
      testPendingSecret({ invoke: lambdaInvoke(lambda), functionName: 'f', probe: probe() }),
    ).rejects.toMatchObject({ code: 'invalid_client' });

    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(lines.filter((l) => l.fields.event === 'rotation_test_not_notified')).toHaveLength(1);
  });

  it('fails the rotation when the probe function cannot be invoked (never goes live untested)', async () => {
    lambdaMock.on(InvokeCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(
      testPendingSecret({ invoke: lambdaInvoke(lambda), functionName: 'f', probe: probe() }),
    ).rejects.toMatchObject({
      code: 'rotation_test_unavailable',
      message: expect.stringContaining('AccessDeniedException'),
    });
  });

  it('fails the rotation when no pending version exists, naming the version', async () => {
    smMock.on(GetSecretValueCommand).rejects(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' }));
    routeInvokes(probeFunction());

    const error = (await testPendingSecret({
      invoke: lambdaInvoke(lambda),
      functionName: 'f',
      probe: probe(),
      notify: false,
    }).catch((e: unknown) => e)) as RotationTestFailed;

    expect(error).toMatchObject({ code: 'secret_not_found', stage: 'credentials' });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('direct invocation with a version stage', () => {
  beforeEach(() => {
    smMock.reset();
    cwMock.reset();
    lines = [];
  });

  it('refuses a wrong-case or malformed stage with a clear problem, and runs nothing', async () => {
    const handler = probeFunction();

    const output = await handler({ probe: probe(), secretVersionStage: 'awspending' });
    const bad = await handler({ probe: probe(), secretVersionStage: 'has space', secretVersionId: 'short' });

    expect(output).toEqual({
      outcome: 'invalid_event',
      problems: [
        'event.secretVersionStage: "awspending" is not a staging label: write AWSPENDING (labels are case-sensitive)',
      ],
    });
    expect(bad).toMatchObject({ outcome: 'invalid_event' });
    expect((bad as { problems: string[] }).problems).toEqual([
      expect.stringMatching(
        /^event\.secretVersionStage: "has space" is not a staging label: use AWSCURRENT, AWSPENDING/,
      ),
      expect.stringMatching(/^event\.secretVersionId: "short" is not a secret version id/),
    ]);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('AWSCURRENT by stage returns the result synchronously and publishes no metric', async () => {
    secretVersions({});
    const handler = probeFunction();

    const output = await handler({ probe: probe(), secretVersionStage: 'AWSCURRENT' });

    expect(output).toMatchObject({
      outcome: 'ran',
      published: false,
      result: { status: 'pass' },
      rotationTest: { secretVersionStage: 'AWSCURRENT', secretVersionId: CURRENT_ID, notified: false },
    });
    expect(cwMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(lines.find((l) => l.fields.event === 'rotation_test_started')?.message).toMatch(/rotation test/);
  });

  it('notifyOnFailure without a version is refused: a scheduled run notifies through its alarms', async () => {
    const output = await probeFunction()({ probe: probe(), notifyOnFailure: true });

    expect(output).toMatchObject({ outcome: 'invalid_event' });
    expect((output as { problems: string[] }).problems[0]).toMatch(
      /^event\.notifyOnFailure: goes with secretVersionStage/,
    );
  });
});
