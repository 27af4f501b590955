/**
 * The local AWS tier: the deployment of ./deployment-config.ts synthesized WITH bundling, and the
 * bundled functions of its cloud assembly (the files Lambda runs) run in fresh Node processes with the
 * template's environment, against moto_server (Secrets Manager, CloudWatch, CloudWatch Logs, SNS, SQS)
 * and the local authorization server and API on 127.0.0.1.
 *
 * What stands in for AWS's own plumbing, and why:
 * - EventBridge Scheduler: each AWS::Scheduler::Schedule's own Target.Input, its context attributes
 *   filled in as Scheduler does, sent to the function its Target.Arn names.
 * - Lambda's log delivery: the JSON lines a run prints go to the probe function's log group in moto,
 *   which is where the notifier looks for the latest result.
 * - CloudWatch alarm actions (moto stores alarms, never runs their actions): the message CloudWatch
 *   would publish, built from the template's alarm, is published to moto's alarm topic; the SQS queue
 *   subscribed in the notifier's place hands its SNS envelope to the notifier as the Lambda event.
 * - Email and HTTPS subscribers: an SQS queue per subscription of the notification topic, subscribed
 *   with the template's filter policy (see `forMoto` for the one rewrite moto needs).
 * - The watchdog's external dead man's switch: a local HTTPS server (the test CA) counting GETs of its
 *   secret path, whose URL is the heartbeat secret in moto; the template's alarms are created in moto as
 *   CloudFormation would (INSUFFICIENT_DATA), one probe alarm per region then set OK as after a run.
 *
 * Where moto 5.2 is not AWS, and what that leaves unchecked here:
 * - filter policies: `{ "exists": false }` after a string in a list (see `forMoto`, and its canary);
 * - FilterLogEvents ignores JSON filter patterns (`{ $.event = ... }`: every event matches), so the
 *   notifier's pattern is not checked here; its own pick of the probe's result is (both probes log to
 *   the home region's group);
 * - alarms never evaluate nor run their actions (stand-in above), and Embedded Metric Format lines are
 *   not turned into metrics: this deployment publishes with PutMetricData.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmName, notifierAlarmName } from '../../functions/contract/alarm-naming.js';
import type { ProbeEvent } from '../../functions/contract/environment.js';
import { RotationTestFailed, testPendingSecret } from '../../functions/rotation/index.js';
import { addOAuthProbeStacks } from '../../lib/app.js';
import { generateClientKey, type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { alarmStateChangeMessage, lambdaSnsEvent, type SnsEnvelope } from './alarm-message.js';
import { ACCOUNT, type DeployedFunction, Deployment } from './assembly.js';
import {
  deploymentConfig,
  ENDPOINTS,
  HEARTBEAT_SECRET_ID,
  HOME,
  OTHER,
  SECRET_IDS,
  type TargetName,
} from './deployment-config.js';
import { type Invocation, invokeBundled } from './lambda-runner.js';
import { resetMoto } from './moto-server.js';
import { createQueue, type Queue } from './moto-sqs.js';

const motoUrl = inject('motoUrl');
const REGIONS = [HOME, OTHER];
const clientConfig = (region: string) => ({
  region,
  endpoint: motoUrl,
  credentials: { accessKeyId: 'AKIDLOCALAWSTIER', secretAccessKey: 'local-aws-tier-secret-key' },
});
const secretsManager = (region: string) => new SecretsManagerClient(clientConfig(region));
const cloudWatch = (region: string) => new CloudWatchClient(clientConfig(region));
const logs = (region: string) => new CloudWatchLogsClient(clientConfig(region));
const sns = (region: string) => new SNSClient(clientConfig(region));

/**
 * moto 5.2 differs from SNS for a filter policy list in which `{ "exists": false }` follows a string:
 * its matcher returns "no match" at the string rule as soon as the attribute is missing, without
 * trying the rules after it, where SNS matches if any rule of the list does. The project's policies
 * have exactly that shape (`[...targets, { exists: false }]`: messages without the attribute, the
 * notifier's own health alarms, reach everyone). The rules of a list are alternatives in SNS, so their
 * order carries no meaning: moving `exists: false` first is the same policy for SNS, and one moto
 * evaluates correctly. The canary test below keeps this rewrite honest.
 */
function forMoto(policy: Record<string, unknown[]>): Record<string, unknown[]> {
  const isExistsFalse = (rule: unknown) =>
    typeof rule === 'object' && rule !== null && (rule as { exists?: unknown }).exists === false;
  return Object.fromEntries(
    Object.entries(policy).map(([key, rules]) => [
      key,
      [...rules.filter(isExistsFalse), ...rules.filter((r) => !isExistsFalse(r))],
    ]),
  );
}

let env: LocalEnvironment;
let workDir: string;
let deployment: Deployment;
/** One queue per subscription of the notification topic, by target name. */
const subscribers = new Map<TargetName, Queue>();
/** Subscribed with the template's policy as it is: what moto makes of it (the canary). */
let asTemplated: Queue;
let templatedPolicy: Record<string, unknown[]>;
/** Stands in for the notifier's subscription to each region's alarm topic. */
const alarmQueues = new Map<string, Queue>();
/** Every secret value stored in moto: none may appear in any output. */
const secretValues: string[] = [];
/** Every JSON line the probe functions logged, per region (what their log groups hold). */
const probeRuns = new Map<string, Invocation[]>();

const probeFunction = (region: string) => deployment.function(region, 'ProbeFunction');
const notifierFunction = (region: string) => deployment.function(region, 'NotifierFunction');

/** Ships a run's JSON log lines to the log group the probe function writes to (Lambda does this in AWS). */
async function shipLogs(fn: DeployedFunction, run: Invocation): Promise<void> {
  const group = probeLogGroup(fn.region);
  const stream = `local/${randomUUID()}`;
  const client = logs(fn.region);
  await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  const now = Date.now();
  await client.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: run.logLines.map((line, i) => ({ timestamp: now + i, message: JSON.stringify(line) })),
    }),
  );
}

/** The probe function's log group, as the notifier of the region is told it (PROBE_LOG_GROUP_NAME). */
function probeLogGroup(region: string): string {
  return notifierFunction(region).environment.PROBE_LOG_GROUP_NAME!;
}

async function invoke(fn: DeployedFunction, event: unknown): Promise<Invocation> {
  const run = await invokeBundled(fn, event, { motoUrl });
  for (const value of secretValues) {
    expect(run.stdout + run.stderr, `${fn.construct} output leaks a secret`).not.toContain(value);
  }
  return run;
}

/** The SNS envelopes of the last `deliveries()`, by target name. */
let delivered: Record<string, SnsEnvelope[]> = {};

/** Drains every subscriber queue: target name → the subjects of what it received. */
async function deliveries(): Promise<Record<string, string[]>> {
  delivered = {};
  for (const [name, queue] of subscribers) {
    delivered[name] = (await queue.drain()).map((m) => {
      for (const value of secretValues) expect(m.Body, `${name} received a secret`).not.toContain(value);
      return JSON.parse(m.Body) as SnsEnvelope;
    });
  }
  return Object.fromEntries(
    Object.entries(delivered).map(([name, envelopes]) => [name, envelopes.map((e) => e.Subject ?? '')]),
  );
}

/** The template's alarm named `name`, resolved (its actions and dimensions as deployed). */
function templateAlarm(region: string, name: string): Record<string, unknown> {
  const found = deployment
    .resources(region, 'AWS::CloudWatch::Alarm')
    .find(([, r]) => (r.Properties as { AlarmName?: unknown }).AlarmName === name);
  if (!found) throw new Error(`no alarm ${name} in ${region}`);
  return deployment.resolve(region, found[1].Properties) as Record<string, unknown>;
}

/**
 * The alarm changes state: CloudWatch publishes to the alarm topic of its region (the template's
 * AlarmActions), SNS delivers to the notifier; the notifier of that region runs with that event.
 */
async function alarmFires(region: string, name: string, to: 'ALARM' | 'OK' = 'ALARM'): Promise<Invocation> {
  const alarm = templateAlarm(region, name);
  const [topicArn] = alarm.AlarmActions as string[];
  const message = alarmStateChangeMessage(alarm as never, {
    region,
    account: ACCOUNT,
    to,
    from: to === 'ALARM' ? 'OK' : 'ALARM',
    at: new Date(),
  });
  await sns(region).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: `${to}: "${name}" in ${region}`,
      Message: JSON.stringify(message),
    }),
  );
  const [delivered, ...more] = await alarmQueues.get(region)!.drain();
  expect(more).toEqual([]);
  const envelope = JSON.parse(delivered!.Body) as SnsEnvelope;
  return invoke(notifierFunction(region), lambdaSnsEvent(envelope, `${topicArn}:notifier`));
}

/** A schedule's input as Scheduler sends it: its context attributes filled in. */
function scheduledEvent(input: string, at: Date): unknown {
  return JSON.parse(
    input
      .replaceAll('<aws.scheduler.scheduled-time>', at.toISOString().replace(/\.\d{3}Z$/, 'Z'))
      .replaceAll('<aws.scheduler.execution-id>', randomUUID()),
  );
}

beforeAll(async () => {
  env = await startLocalEnvironment({ https: true });
  workDir = mkdtempSync(join(tmpdir(), 'oauth-probe-aws-'));
  // Synthesized with bundling and the metadata the cdk CLI asks for: the asset folders hold the deployed
  // index.mjs, and each resource names its asset folder and construct path.
  const app = new App({
    outdir: join(workDir, 'cdk.out'),
    context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true },
  });
  addOAuthProbeStacks(app, { config: deploymentConfig(env), source: 'test/aws/deployment-config.ts' });
  app.synth();
  deployment = new Deployment(join(workDir, 'cdk.out'));

  await resetMoto(motoUrl);
  // Secrets: billing-api's in the home region, replicated to the other (read there from the replica);
  // partner-sync's holds a key the authorization server does not know, so that probe fails.
  const billing = JSON.stringify(env.secrets['local/basic']);
  const wrongKey = await generateClientKey('ES256');
  const partner = JSON.stringify({ ...env.secrets['local/jwt'], private_key: wrongKey.privateKeyPem });
  secretValues.push(
    String(env.secrets['local/basic']!.client_secret),
    String(env.secrets['local/jwt']!.private_key),
    wrongKey.privateKeyPem,
  );
  await secretsManager(HOME).send(
    new CreateSecretCommand({
      Name: SECRET_IDS.billing,
      SecretString: billing,
      AddReplicaRegions: [{ Region: OTHER }],
    }),
  );
  await secretsManager(HOME).send(new CreateSecretCommand({ Name: SECRET_IDS.partner, SecretString: partner }));

  for (const region of REGIONS) {
    for (const name of deployment.topicNames(region).values()) {
      await sns(region).send(new CreateTopicCommand({ Name: name.split(':').at(-1)! }));
    }
    await logs(region).send(new CreateLogGroupCommand({ logGroupName: probeLogGroup(region) }));
    // The notifier's own subscription to the alarm topic: an SQS queue in its place.
    const notifierSubscription = deployment
      .subscriptions(region)
      .find((s) => s.protocol === 'lambda' && s.endpoint === notifierFunction(region).arn);
    expect(notifierSubscription, `the notifier of ${region} is subscribed to its alarm topic`).toBeDefined();
    const queue = await createQueue(motoUrl, region, `alarm-topic-${region}`);
    await sns(region).send(
      new SubscribeCommand({ TopicArn: notifierSubscription!.topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );
    alarmQueues.set(region, queue);
  }

  // The notification topic's subscriptions, each as an SQS queue with the template's filter policy.
  const notificationTopic = notifierFunction(HOME).environment.NOTIFICATION_TOPIC_ARN!;
  const people = deployment.subscriptions(HOME).filter((s) => s.topicArn === notificationTopic);
  expect(people.map((s) => `${s.protocol}:${s.endpoint}`).sort()).toEqual(
    [
      `email:${ENDPOINTS['ops-email']}`,
      `email:${ENDPOINTS['partner-email']}`,
      `https:${ENDPOINTS['pager-hook']}`,
    ].sort(),
  );
  for (const subscription of people) {
    const target = (Object.entries(ENDPOINTS) as [TargetName, string][]).find(
      ([, e]) => e === subscription.endpoint,
    )![0];
    const queue = await createQueue(motoUrl, HOME, `subscriber-${target}`);
    await sns(HOME).send(
      new SubscribeCommand({
        TopicArn: notificationTopic,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: { FilterPolicy: JSON.stringify(forMoto(subscription.filterPolicy!)) },
      }),
    );
    subscribers.set(target, queue);
    if (target === 'ops-email') {
      templatedPolicy = subscription.filterPolicy!;
      asTemplated = await createQueue(motoUrl, HOME, 'subscriber-ops-email-as-templated');
      await sns(HOME).send(
        new SubscribeCommand({
          TopicArn: notificationTopic,
          Protocol: 'sqs',
          Endpoint: asTemplated.arn,
          Attributes: { FilterPolicy: JSON.stringify(subscription.filterPolicy) },
        }),
      );
    }
  }
}, 600_000);

afterAll(async () => {
  await env?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the bundled probe function, run by each schedule of the template against moto', () => {
  it('reads each probe’s secret from Secrets Manager (the replica outside the home region) and diagnoses the run', async () => {
    const at = new Date();
    const outcomes: Record<string, unknown> = {};
    for (const region of REGIONS) {
      const fn = probeFunction(region);
      const runs: Invocation[] = [];
      for (const schedule of deployment.schedules(region)) {
        expect(schedule.targetArn, schedule.logicalId).toBe(fn.arn);
        const run = await invoke(fn, scheduledEvent(schedule.input, at));
        expect(run.threw).toBeUndefined();
        const result = (run.result as { result: { probe: string; status: string; stage: string; code: string } })
          .result;
        outcomes[`${result.probe} ${region}`] = { status: result.status, stage: result.stage, code: result.code };
        await shipLogs(fn, run);
        runs.push(run);
      }
      probeRuns.set(region, runs);
    }

    expect(outcomes).toEqual({
      [`billing-api ${HOME}`]: { status: 'pass', stage: null, code: null },
      [`billing-api ${OTHER}`]: { status: 'pass', stage: null, code: null },
      [`partner-sync ${HOME}`]: { status: 'fail', stage: 'token', code: 'invalid_client' },
    });
    // The version read is the one Secrets Manager holds; in the other region, the replica's, in step.
    const { VersionIdsToStages } = await secretsManager(HOME).send(
      new DescribeSecretCommand({ SecretId: SECRET_IDS.billing }),
    );
    const current = Object.entries(VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))![0];
    const line = (region: string) =>
      probeRuns
        .get(region)!
        .flatMap((r) => r.logLines)
        .find((l) => l.event === 'probe_result' && l.probe === 'billing-api')!;
    expect(line(HOME)).toMatchObject({ secretVersionId: current, region: HOME });
    expect(line(OTHER)).toMatchObject({
      secretVersionId: current,
      region: OTHER,
      secretDrift: { primaryRegion: HOME, drift: 0 },
    });
  });

  it('publishes metrics that CloudWatch accepts, including every metric the template’s alarms read', async () => {
    const namespace = probeFunction(HOME).environment.METRICS_NAMESPACE!;
    for (const region of REGIONS) {
      const { Metrics } = await cloudWatch(region).send(new ListMetricsCommand({ Namespace: namespace }));
      const published = new Set(
        (Metrics ?? []).map((m) =>
          [m.MetricName, ...(m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).sort()].join(' '),
        ),
      );
      // Every probe alarm of the template on a metric of one probe (availability, its global math
      // alarm's regional series) reads a series the bundled function really wrote.
      const read = deployment
        .resources(region, 'AWS::CloudWatch::Alarm')
        .map(([, r]) => r.Properties as Record<string, unknown>)
        .flatMap((p) =>
          p.MetricName === 'Success'
            ? [{ MetricName: p.MetricName, Dimensions: p.Dimensions }]
            : ((p.Metrics as { MetricStat?: { Metric: Record<string, unknown> } }[] | undefined) ?? []).flatMap((m) =>
                m.MetricStat?.Metric.MetricName === 'Success' ? [m.MetricStat.Metric] : [],
              ),
        )
        .map((m) =>
          [
            m.MetricName,
            ...((m.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => `${d.Name}=${d.Value}`).sort(),
          ].join(' '),
        );
      expect(read.length, region).toBeGreaterThan(0);
      for (const series of new Set(read)) expect(published, `${region}: ${series}`).toContain(series);
    }

    // Read back: the values the runs wrote, by probe (and the Region copy for the global alarm at home).
    const now = new Date();
    const value = async (region: string, dimensions: Record<string, string>) => {
      const { MetricDataResults } = await cloudWatch(region).send(
        new GetMetricDataCommand({
          StartTime: new Date(now.getTime() - 15 * 60_000),
          EndTime: new Date(now.getTime() + 5 * 60_000),
          MetricDataQueries: [
            {
              Id: 'success',
              MetricStat: {
                Metric: {
                  Namespace: namespace,
                  MetricName: 'Success',
                  Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: 60,
                Stat: 'Minimum',
              },
            },
          ],
        }),
      );
      return MetricDataResults?.[0]?.Values ?? [];
    };
    expect(await value(HOME, { Probe: 'billing-api' })).toEqual([1]);
    expect(await value(HOME, { Probe: 'partner-sync' })).toEqual([0]);
    expect(await value(OTHER, { Probe: 'billing-api' })).toEqual([1]);
    expect(await value(HOME, { Probe: 'billing-api', Region: OTHER })).toEqual([1]);
    expect(await value(HOME, { Probe: 'billing-api', Region: HOME })).toEqual([1]);
  });
});

describe('the bundled notifier, on alarm state changes of the template’s alarms, through moto’s SNS', () => {
  // Each test asserts exactly what each subscriber received: start from empty queues.
  beforeEach(async () => {
    await deliveries();
  });

  it('the notifier is told the log group the probe function writes to', () => {
    for (const region of REGIONS) {
      const props = deployment
        .resources(region, 'AWS::Lambda::Function')
        .find(([id]) => id === probeFunction(region).logicalId)![1].Properties as {
        LoggingConfig?: { LogGroup?: unknown };
      };
      expect(deployment.resolve(region, props.LoggingConfig?.LogGroup), region).toBe(probeLogGroup(region));
    }
  });

  it('a probe that pages in any region: one critical notification with the diagnosis, to its own targets only', async () => {
    const run = await alarmFires(HOME, 'OAuthProbe-partner-sync-eu-west-1-Availability');

    expect(run.threw).toBeUndefined();
    const [outcome] = run.result as { published: boolean; subject: string; notification: { document: unknown } }[];
    expect(outcome).toMatchObject({
      published: true,
      subject: expect.stringMatching(/^\[CRITICAL\] partner-sync: token invalid_client/),
    });
    // The diagnosis is the run's, found in the probe function's log group in moto.
    expect(outcome!.notification.document).toMatchObject({
      severity: 'critical',
      probe: 'partner-sync',
      result: { region: HOME, status: 'fail', stage: 'token', code: 'invalid_client' },
    });
    expect(await deliveries()).toEqual({
      'ops-email': [],
      'pager-hook': [outcome!.subject],
      'partner-email': [outcome!.subject],
    });
    // What an SQS (and HTTPS) subscriber gets of the JSON-structured message: the JSON document.
    expect(JSON.parse(delivered['pager-hook']![0]!.Message)).toMatchObject({
      probe: 'partner-sync',
      kind: 'availability',
    });
  });

  it('a regional warning from the other region reaches the home topic, for the default warning targets only', async () => {
    const run = await alarmFires(OTHER, 'OAuthProbe-billing-api-us-east-1-Availability');

    expect(run.threw).toBeUndefined();
    const [outcome] = run.result as { published: boolean; subject: string; notification: { document: unknown } }[];
    expect(outcome).toMatchObject({ published: true });
    expect(outcome!.notification.document).toMatchObject({ severity: 'warning', probe: 'billing-api', region: OTHER });
    expect(await deliveries()).toEqual({ 'ops-email': [outcome!.subject], 'pager-hook': [], 'partner-email': [] });
  });

  it('the global alarm pages the default critical targets (warning targets hear of it too)', async () => {
    const run = await alarmFires(HOME, 'OAuthProbe-billing-api-Global');

    const [outcome] = run.result as { published: boolean; subject: string; notification: { document: unknown } }[];
    expect(outcome).toMatchObject({ published: true });
    expect(outcome!.notification.document).toMatchObject({ severity: 'critical', probe: 'billing-api' });
    expect(await deliveries()).toEqual({
      'ops-email': [outcome!.subject],
      'pager-hook': [outcome!.subject],
      'partner-email': [],
    });
  });

  it('a regional alert is not sent while the global alarm (read from CloudWatch) already pages', async () => {
    const global = templateAlarm(HOME, 'OAuthProbe-billing-api-Global');
    await cloudWatch(HOME).send(new PutMetricAlarmCommand(global as unknown as PutMetricAlarmCommandInput));
    await cloudWatch(HOME).send(
      new SetAlarmStateCommand({ AlarmName: global.AlarmName as string, StateValue: 'ALARM', StateReason: 'test' }),
    );
    try {
      const run = await alarmFires(HOME, 'OAuthProbe-billing-api-eu-west-1-Availability');

      expect(run.result).toEqual([{ published: false, reason: expect.stringMatching(/global alarm/) }]);
      expect(await deliveries()).toEqual({ 'ops-email': [], 'pager-hook': [], 'partner-email': [] });
    } finally {
      await cloudWatch(HOME).send(
        new SetAlarmStateCommand({ AlarmName: global.AlarmName as string, StateValue: 'OK', StateReason: 'test' }),
      );
    }
  });

  it('a message without the targets attribute (a health alarm CloudWatch publishes itself) reaches everyone', async () => {
    const topic = notifierFunction(HOME).environment.NOTIFICATION_TOPIC_ARN!;
    await sns(HOME).send(new PublishCommand({ TopicArn: topic, Subject: 'ALARM: notifier errors', Message: '{}' }));

    expect(await deliveries()).toEqual({
      'ops-email': ['ALARM: notifier errors'],
      'pager-hook': ['ALARM: notifier errors'],
      'partner-email': ['ALARM: notifier errors'],
    });
  });

  it('canary of the moto difference: the template’s own order of the same policy drops that message in moto', async () => {
    // The shape in question: a target name, then `exists: false`.
    expect(templatedPolicy).toEqual({ targets: ['ops-email', { exists: false }] });
    // SNS delivers the attribute-less message (the list's rules are alternatives); moto 5.2 stops at the
    // string rule. When moto delivers here, it has been fixed: drop `forMoto`, use the template's policy.
    const drained = await asTemplated.drain();
    expect(drained.map((m) => (JSON.parse(m.Body) as SnsEnvelope).Subject)).not.toContain('ALARM: notifier errors');
    // ...while a message that carries the attribute is matched by the string rule in both orders.
    const topic = notifierFunction(HOME).environment.NOTIFICATION_TOPIC_ARN!;
    await sns(HOME).send(
      new PublishCommand({
        TopicArn: topic,
        Subject: 'for ops',
        Message: '{}',
        MessageAttributes: { targets: { DataType: 'String.Array', StringValue: '["ops-email"]' } },
      }),
    );
    expect((await asTemplated.drain()).map((m) => (JSON.parse(m.Body) as SnsEnvelope).Subject)).toEqual(['for ops']);
    expect(await deliveries()).toEqual({ 'ops-email': ['for ops'], 'pager-hook': [], 'partner-email': [] });
  });
});

describe('the rotation test path: testPendingSecret invoking the bundled probe function', () => {
  beforeEach(async () => {
    await deliveries();
  });

  const rotationEvent = () => {
    const schedule = deployment
      .schedules(HOME)
      .map((s) => JSON.parse(s.input) as ProbeEvent)
      .find((e) => e.probe.name === 'billing-api')!;
    return schedule.probe;
  };
  const invokeProbe = async (functionName: string, event: ProbeEvent) => {
    expect(functionName).toBe(probeFunction(HOME).name);
    const run = await invoke(probeFunction(HOME), event);
    return run.result;
  };

  it('a pending secret the authorization server refuses stops the rotation and notifies everyone', async () => {
    const token = randomUUID();
    const wrong = JSON.stringify({ ...env.secrets['local/basic'], client_secret: 'not-the-secret-0123456789' });
    secretValues.push('not-the-secret-0123456789');
    await secretsManager(HOME).send(
      new PutSecretValueCommand({
        SecretId: SECRET_IDS.billing,
        SecretString: wrong,
        ClientRequestToken: token,
        VersionStages: ['AWSPENDING'],
      }),
    );
    expect(probeFunction(HOME).environment.NOTIFICATION_TOPIC_ARN).toBe(
      notifierFunction(HOME).environment.NOTIFICATION_TOPIC_ARN,
    );

    const failure = await testPendingSecret({
      invoke: invokeProbe,
      clientRequestToken: token,
      functionName: probeFunction(HOME).name,
      probe: rotationEvent(),
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RotationTestFailed);
    expect(failure).toMatchObject({ probe: 'billing-api', code: 'invalid_client', stage: 'token' });
    expect((failure as Error).message).toContain(token);
    // Published by the probe function itself, without a targets attribute: every subscriber hears of it.
    const received = await deliveries();
    expect(received['ops-email']).toHaveLength(1);
    expect(received).toEqual({
      'ops-email': received['ops-email'],
      'pager-hook': received['ops-email'],
      'partner-email': received['ops-email'],
    });
    expect(received['ops-email']![0]).toMatch(/billing-api/);
  });

  it('a pending secret that works lets the rotation go on, naming the version it read', async () => {
    const token = randomUUID();
    await secretsManager(HOME).send(
      new PutSecretValueCommand({
        SecretId: SECRET_IDS.billing,
        SecretString: JSON.stringify(env.secrets['local/basic']),
        ClientRequestToken: token,
        VersionStages: ['AWSPENDING'],
      }),
    );

    const verdict = await testPendingSecret({
      invoke: invokeProbe,
      clientRequestToken: token,
      functionName: probeFunction(HOME).name,
      probe: rotationEvent(),
    });

    expect(verdict).toEqual({ probe: 'billing-api', status: 'pass', secretVersionId: token });
    expect(await deliveries()).toEqual({ 'ops-email': [], 'pager-hook': [], 'partner-email': [] });
  });
});

describe('the bundled watchdog, against moto’s CloudWatch and Secrets Manager and a local heartbeat service', () => {
  /** A stand-in for Healthchecks.io: HTTPS with the test CA, counting GETs of its secret path. */
  let heartbeat: { server: HttpsServer; url: string; pings: number };
  let caFile: string;
  const watchdogFunction = () => deployment.function(HOME, 'WatchdogFunction');
  const runWatchdog = async () => {
    const run = await invokeBundled(watchdogFunction(), {}, { motoUrl, extraEnv: { NODE_EXTRA_CA_CERTS: caFile } });
    for (const value of secretValues)
      expect(run.stdout + run.stderr, 'the watchdog leaks a secret').not.toContain(value);
    return run;
  };
  const deadLetters = notifierAlarmName(OTHER, 'deadLetters');

  beforeAll(async () => {
    caFile = join(workDir, 'ca.pem');
    writeFileSync(caFile, env.caPem!);
    const path = `/ping/${randomUUID()}`;
    const server = createHttpsServer({ cert: env.pki!.server.cert, key: env.pki!.server.key }, (req, res) => {
      if (req.method === 'GET' && req.url === path) heartbeat.pings += 1;
      res.writeHead(req.url === path ? 200 : 404).end('OK');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    heartbeat = { server, url, pings: 0 };
    secretValues.push(url, path);
    await secretsManager(HOME).send(new CreateSecretCommand({ Name: HEARTBEAT_SECRET_ID, SecretString: url }));
    // Every alarm of the template, in its region, as CloudFormation would create it (INSUFFICIENT_DATA);
    // then one probe alarm per region evaluates (OK), as after the first runs.
    for (const region of REGIONS) {
      for (const [, resource] of deployment.resources(region, 'AWS::CloudWatch::Alarm')) {
        const props = deployment.resolve(region, resource.Properties) as PutMetricAlarmCommandInput;
        await cloudWatch(region).send(new PutMetricAlarmCommand(props));
      }
      await cloudWatch(region).send(
        new SetAlarmStateCommand({
          AlarmName: alarmName({ probe: 'billing-api', kind: 'availability', region }),
          StateValue: 'OK',
          StateReason: 'first runs passed',
        }),
      );
    }
  });

  afterAll(async () => {
    await new Promise((resolve) => heartbeat?.server.close(resolve));
  });

  it('is deployed in the home region only, with the heartbeat secret’s id and not its value', () => {
    expect(watchdogFunction().environment.HEARTBEAT_URL_SECRET_ID).toBe(HEARTBEAT_SECRET_ID);
    expect(JSON.stringify(watchdogFunction().environment)).not.toContain(heartbeat.url);
    expect(deployment.functions(OTHER).map((f) => f.construct)).not.toContain('WatchdogFunction');
  });

  it('pings the heartbeat while the alert path is healthy (its CloudWatch requests accepted by moto)', async () => {
    const before = heartbeat.pings;

    const run = await runWatchdog();

    expect(run.threw).toBeUndefined();
    expect(run.result).toMatchObject({ outcome: 'pinged', status: 200, findings: [] });
    expect(heartbeat.pings).toBe(before + 1);
    expect(run.logLines.find((l) => l.event === 'heartbeat')).toMatchObject({ outcome: 'pinged', httpStatus: 200 });
  });

  it('withholds the heartbeat while another region’s notifier alarm is in ALARM, naming it', async () => {
    await cloudWatch(OTHER).send(
      new SetAlarmStateCommand({ AlarmName: deadLetters, StateValue: 'ALARM', StateReason: 'undelivered' }),
    );
    const before = heartbeat.pings;
    try {
      const run = await runWatchdog();

      expect(run.result).toMatchObject({
        outcome: 'withheld',
        findings: [{ code: 'notifier_alarm', region: OTHER, detail: `${deadLetters} is in ALARM` }],
      });
      expect(heartbeat.pings).toBe(before);
    } finally {
      await cloudWatch(OTHER).send(
        new SetAlarmStateCommand({ AlarmName: deadLetters, StateValue: 'OK', StateReason: 'test' }),
      );
    }
  });
});
