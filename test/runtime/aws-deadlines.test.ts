/**
 * Every AWS call the handlers make, with the REAL SDK clients pointed at 127.0.0.1 endpoints that
 * never answer, answer 500, or throttle: the probe still logs its verdict (and `metric_publish_failed`
 * when CloudWatch is the broken one), the notifier still publishes (or, when Publish itself is broken,
 * fails in time so that Lambda retries), the watchdog withholds its heartbeat (or reports the failed
 * ping) — before the simulated Lambda timeout, in every case.
 *
 * Only the outcome of the race against the timeout is asserted, never a duration.
 *
 * The waits are real (a hanging call ends only when its deadline's AbortSignal fires; fake timers
 * would fake the very timers under test, and not the sockets or the SDK's retry back-off), so the
 * tests run concurrently (`describe.concurrent`, at most vitest's maxConcurrency at a time): each
 * gets its own fake AWS and hostile endpoints (`endpoints()`), so that what it counts is its own.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { resolveProbe } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { NOTIFIER_ENV, WATCHDOG_ENV } from '../../functions/contract/environment.js';
import { runProbe } from '../../functions/engine/index.js';
import { secretsManagerChannelSecrets } from '../../functions/runtime/notifier/channels/secrets.js';
import { createNotifierHandler } from '../../functions/runtime/notifier/run.js';
import { createProbeRunner, type ProbeSettings } from '../../functions/runtime/probe/run.js';
import { SecretDriftCheck } from '../../functions/runtime/probe/secret-drift.js';
import { SecretsManagerSecretSource } from '../../functions/runtime/probe/secrets-manager-source.js';
import { clientConfig } from '../../functions/runtime/shared/clients.js';
import type { RuntimeLogger } from '../../functions/runtime/shared/log.js';
import { createWatchdogHandler } from '../../functions/runtime/watchdog/run.js';
import { MemorySecretSource } from '../../functions/secrets/memory-source.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { alarmChange } from './alarm-fixtures.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import {
  beforeLambdaTimeout,
  FAKE_CREDENTIALS,
  HOSTILE_MODES,
  type HostileAws,
  type HostileMode,
  lambdaContext,
  startHostileAws,
} from './hostile-aws.js';

const REGION = 'eu-west-1';
const SECRET_ID = 'oauth-probe/billing';
/** The simulated Lambda timeouts: short, so that a hang costs seconds, not minutes. */
const PROBE_TIMEOUT_MS = 4_000;
const NOTIFIER_TIMEOUT_MS = 4_000;

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment();
  // One probe run and one call of each AWS operation before the concurrent tests: the first ones load
  // and compile the engine's, the servers' and each SDK client's code paths (seconds on a loaded 2-core
  // machine), which the first tests, started together, would otherwise spend against their deadlines.
  const config = env.probe('client_secret_basic');
  await runProbe(resolveProbe({ probes: [config] } as ProbesConfig, config), {
    secrets: new MemorySecretSource(env.secrets),
  });
  await warmUpClients();
});

async function warmUpClients(): Promise<void> {
  const fake = await startFakeAws({ secrets: { [SECRET_ID]: '{}' } });
  try {
    const config = { ...clientConfig(REGION), endpoint: fake.url, credentials: FAKE_CREDENTIALS };
    const cloudWatch = new CloudWatchClient(config);
    await Promise.all([
      new SecretsManagerClient(config).send(new GetSecretValueCommand({ SecretId: SECRET_ID })),
      cloudWatch.send(new PutMetricDataCommand({ Namespace: 'Warm', MetricData: [{ MetricName: 'Up', Value: 1 }] })),
      cloudWatch.send(new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(0), EndTime: new Date() })),
      new CloudWatchLogsClient(config).send(new FilterLogEventsCommand({ logGroupName: 'warm' })),
      new SNSClient(config).send(
        new PublishCommand({ TopicArn: `arn:aws:sns:${REGION}:123456789012:warm`, Message: '{}' }),
      ),
    ]);
  } finally {
    await fake.close();
  }
}

afterAll(async () => {
  await env?.close();
});

/** One test's AWS: a fake that answers, and one endpoint per hostile mode, each counting its requests. */
interface Endpoints {
  fake: FakeAws;
  hostile: Map<HostileMode, HostileAws>;
  client<T>(Client: new (config: object) => T, target: 'fake' | HostileMode, region?: string): T;
}

/** Started for one test and closed when it ends, so that concurrent tests never see each other's requests. */
async function endpoints(context: TestContext): Promise<Endpoints> {
  const fake = await startFakeAws({
    secrets: {
      [SECRET_ID]: JSON.stringify(env.secrets['local/basic']),
      'oauth-probe/heartbeat': 'https://hc-ping.example/heartbeat-token',
    },
  });
  const hostile = new Map(
    await Promise.all(HOSTILE_MODES.map(async (mode) => [mode, await startHostileAws(mode)] as const)),
  );
  context.onTestFinished(async () => {
    for (const server of hostile.values()) await server.close();
    await fake.close();
  });
  const urlOf = (target: 'fake' | HostileMode) => (target === 'fake' ? fake.url : hostile.get(target)!.url);
  return {
    fake,
    hostile,
    client: (Client, target, region = REGION) =>
      new Client({ ...clientConfig(region), endpoint: urlOf(target), credentials: FAKE_CREDENTIALS }),
  };
}

interface Logged {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

function captureLogger(): RuntimeLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const at =
    (level: Logged['level']) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const events = (logger: { lines: Logged[] }, event: string) => logger.lines.filter((l) => l.fields.event === event);

/** The probe function's settings, as its environment gives them in the home region. */
const PROBE_SETTINGS: ProbeSettings = {
  region: REGION,
  homeRegion: REGION,
  namespace: 'OAuthProbe',
  deadlineMarginMs: 1_500,
  secretCacheTtlSec: 300,
  metricsTransport: 'putMetricData',
  metricsProfile: 'full',
  globalFailureRegions: 2,
};

describe.concurrent('probe handler: the verdict is logged before the Lambda timeout', () => {
  const settings = PROBE_SETTINGS;

  function runner(aws: Endpoints, targets: { secrets: 'fake' | HostileMode; cloudWatch: 'fake' | HostileMode }) {
    const logger = captureLogger();
    const cloudWatch = aws.client(CloudWatchClient, targets.cloudWatch);
    const handler = createProbeRunner({
      settings,
      runProbe,
      logger,
      secrets: () =>
        new SecretsManagerSecretSource({
          client: aws.client(SecretsManagerClient, targets.secrets),
          region: REGION,
          logger,
        }),
      cloudWatch: () => cloudWatch,
      homeCloudWatch: () => cloudWatch,
    });
    return { handler, logger };
  }

  const event = () => {
    const config = env.probe('client_secret_basic', { name: 'billing-api', credentials: { secretId: SECRET_ID } });
    return {
      probe: resolveProbe({ probes: [config] } as ProbesConfig, config),
      scheduledTime: new Date().toISOString(),
    };
  };

  it.for(HOSTILE_MODES)(
    'CloudWatch PutMetricData %s: result line logged, metric_publish_failed logged',
    async (mode, context) => {
      const { expect } = context;
      const aws = await endpoints(context);
      const { handler, logger } = runner(aws, { secrets: 'fake', cloudWatch: mode });

      const run = await beforeLambdaTimeout(handler(event(), lambdaContext(PROBE_TIMEOUT_MS)), PROBE_TIMEOUT_MS);

      expect(run.outcome).toBe('finished');
      expect(run.outcome === 'finished' && run.value).toMatchObject({ outcome: 'ran', published: false });
      expect(events(logger, 'probe_result')).toHaveLength(1);
      expect(events(logger, 'probe_result')[0]!.fields).toMatchObject({ probe: 'billing-api', status: 'pass' });
      const failed = events(logger, 'metric_publish_failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.fields.errorName).toEqual(
        mode === 'hang' ? expect.stringMatching(/AbortError|TimeoutError/) : expect.any(String),
      );
      expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
    },
  );

  it.for(HOSTILE_MODES)(
    'Secrets Manager GetSecretValue %s: credentials-stage verdict logged and published',
    async (mode, context) => {
      const { expect } = context;
      const aws = await endpoints(context);
      const { handler, logger } = runner(aws, { secrets: mode, cloudWatch: 'fake' });

      const run = await beforeLambdaTimeout(handler(event(), lambdaContext(PROBE_TIMEOUT_MS)), PROBE_TIMEOUT_MS);

      expect(run.outcome).toBe('finished');
      expect(run.outcome === 'finished' && run.value).toMatchObject({
        outcome: 'ran',
        published: true,
        result: { status: 'fail', stage: 'credentials' },
      });
      const result = events(logger, 'probe_result');
      expect(result).toHaveLength(1);
      // A throttled store: the SDK backs off with jitter (500 ms base for throttling errors, up to 3
      // attempts), so whether its retries end first (secret_unavailable) or the run's deadline does
      // (timeout) is chance, more so on a loaded machine. Both are credentials-stage verdicts logged in
      // time, which is what this test is about; a hung store is always the run's deadline.
      const codes = { hang: ['timeout'], '500': ['secret_unavailable'], throttle: ['secret_unavailable', 'timeout'] };
      expect(codes[mode]).toContain(result[0]!.fields.code);
      expect(aws.fake.requests.filter((r) => r.operation.endsWith('PutMetricData'))).toHaveLength(1);
      expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
    },
  );
});

describe.concurrent('probe handler: the drift check and the rotation notice give up in time', () => {
  const settings: ProbeSettings = {
    ...PROBE_SETTINGS,
    notificationTopicArn: `arn:aws:sns:${REGION}:123456789012:oauth-probe-notifications`,
  };
  /** Long enough that the drift check is due (it is skipped when publishing would not fit after it). */
  const DRIFT_TIMEOUT_MS = 9_000;

  function runner(
    aws: Endpoints,
    targets: { replica: 'fake' | HostileMode; primary: 'fake' | HostileMode; sns?: HostileMode },
  ) {
    const logger = captureLogger();
    const cloudWatch = aws.client(CloudWatchClient, 'fake');
    const handler = createProbeRunner({
      settings,
      runProbe,
      logger,
      secrets: () =>
        new SecretsManagerSecretSource({ client: aws.client(SecretsManagerClient, 'fake'), region: REGION, logger }),
      versionedSecrets: (version) =>
        new SecretsManagerSecretSource({
          client: aws.client(SecretsManagerClient, 'fake'),
          region: REGION,
          ttlSec: 0,
          logger,
          version,
        }),
      sns: (region) => aws.client(SNSClient, targets.sns ?? 'fake', region),
      drift: new SecretDriftCheck({
        region: REGION,
        clientIn: (region) =>
          aws.client(SecretsManagerClient, region === REGION ? targets.replica : targets.primary, region),
        clock: { now: () => Date.now() },
        logger,
        callTimeoutMs: 500,
      }),
      cloudWatch: () => cloudWatch,
      homeCloudWatch: () => cloudWatch,
    });
    return { handler, logger };
  }

  const event = (extra: Record<string, unknown> = {}) => {
    const config = env.probe('client_secret_basic', { name: 'billing-api', credentials: { secretId: SECRET_ID } });
    return { probe: resolveProbe({ probes: [config] } as ProbesConfig, config), ...extra };
  };

  // Every mode on the first call; the second call is the same code path, so it is checked hanging only.
  const cases = [
    ...HOSTILE_MODES.map(
      (mode) => ['DescribeSecret (replica)', mode, { replica: mode, primary: 'fake' as const }] as const,
    ),
    ['ListSecretVersionIds (primary)', 'hang', { replica: 'fake' as const, primary: 'hang' as const }] as const,
  ];

  it.for(cases)(
    '%s %s: no drift signal, secret_drift_check_failed, verdict logged and published',
    async ([, mode, targets], context) => {
      const { expect } = context;
      const aws = await endpoints(context);
      const { handler, logger } = runner(aws, targets);

      const run = await beforeLambdaTimeout(
        handler(event({ scheduledTime: new Date().toISOString() }), lambdaContext(DRIFT_TIMEOUT_MS)),
        DRIFT_TIMEOUT_MS,
      );

      expect(run.outcome).toBe('finished');
      expect(run.outcome === 'finished' && run.value).toMatchObject({ outcome: 'ran', published: true });
      expect(events(logger, 'secret_drift_check_failed')).toHaveLength(1);
      expect(events(logger, 'probe_result')[0]!.fields.secretDrift).toBeUndefined();
      expect(aws.fake.requests.filter((r) => r.operation.endsWith('PutMetricData'))).toHaveLength(1);
      expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
    },
  );

  it.for(HOSTILE_MODES)(
    'SNS Publish of a failed rotation test %s: the result is still returned in time',
    async (mode, context) => {
      const { expect } = context;
      const aws = await endpoints(context);
      const { handler, logger } = runner(aws, { replica: 'fake', primary: 'fake', sns: mode });

      // The fake holds no secret under this id: the pending version is not found, the test fails.
      const run = await beforeLambdaTimeout(
        handler(
          {
            ...event(),
            probe: { ...event().probe, credentials: { secretId: 'no-such-secret' } },
            secretVersionStage: 'AWSPENDING',
            notifyOnFailure: true,
          },
          lambdaContext(PROBE_TIMEOUT_MS + 6_000),
        ),
        PROBE_TIMEOUT_MS + 6_000,
      );

      expect(run.outcome).toBe('finished');
      expect(run.outcome === 'finished' && run.value).toMatchObject({
        outcome: 'ran',
        result: { status: 'fail', code: 'secret_not_found' },
        rotationTest: { notified: false },
      });
      expect(events(logger, 'rotation_test_notify_failed')).toHaveLength(1);
      expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
    },
  );
});

describe('Secrets Manager source: its own call deadline, even without a run deadline', () => {
  it('aborts a GetSecretValue that never answers and reports secret_unavailable', async (context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const secrets = new SecretsManagerSecretSource({
      client: aws.client(SecretsManagerClient, 'hang'),
      region: REGION,
      callTimeoutMs: 300,
    });

    const lookup = await beforeLambdaTimeout(secrets.get(SECRET_ID), PROBE_TIMEOUT_MS);

    expect(lookup.outcome).toBe('failed');
    expect(lookup.outcome === 'failed' && lookup.error).toMatchObject({ code: 'secret_unavailable' });
  });
});

describe.concurrent('notifier: the alert is published before the Lambda timeout', () => {
  const envVars = {
    AWS_REGION: REGION,
    [NOTIFIER_ENV.notificationTopicArn]: `arn:aws:sns:${REGION}:123456789012:oauth-probe-notifications`,
    [NOTIFIER_ENV.probeLogGroupName]: '/aws/lambda/oauth-probe-probe',
    [NOTIFIER_ENV.namespace]: 'OAuthProbe',
    [NOTIFIER_ENV.homeRegion]: REGION,
  };

  function notifier(
    aws: Endpoints,
    targets: {
      logs: 'fake' | HostileMode;
      cloudWatch: 'fake' | HostileMode;
      sns: 'fake' | HostileMode;
    },
  ) {
    const logger = captureLogger();
    const logs = aws.client(CloudWatchLogsClient, targets.logs);
    const cloudWatch = aws.client(CloudWatchClient, targets.cloudWatch);
    const handler = createNotifierHandler({
      env: envVars,
      envNames: NOTIFIER_ENV,
      logs: () => logs,
      cloudWatch: () => cloudWatch,
      sns: (region) => aws.client(SNSClient, targets.sns, region),
      logger,
      // Capped at half of Lambda's remaining time less the finish reserve (1,500 ms of these 4 s): room for the
      // fake's answers on a loaded machine, with several tests at once.
      enrichmentBudgetMs: 2_000,
    });
    return { handler, logger };
  }

  let sequence = 0;
  const snsEvent = (): SNSEvent => {
    sequence += 1;
    return {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:oauth-probe-alarms:sub',
          Sns: {
            Type: 'Notification',
            MessageId: `message-${sequence}`,
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:oauth-probe-alarms',
            Subject: null as unknown as string,
            Message: JSON.stringify(alarmChange('availability', 'ALARM')),
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: '',
            SigningCertUrl: '',
            UnsubscribeUrl: '',
            MessageAttributes: {},
          },
        },
      ],
    };
  };

  const published = (aws: Endpoints) => aws.fake.requests.filter((r) => r.operation === 'sns.Publish');

  it.for(HOSTILE_MODES)('Logs FilterLogEvents %s: published without the latest result', async (mode, context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const { handler, logger } = notifier(aws, { logs: mode, cloudWatch: 'fake', sns: 'fake' });

    const run = await beforeLambdaTimeout(handler(snsEvent(), lambdaContext(NOTIFIER_TIMEOUT_MS)), NOTIFIER_TIMEOUT_MS);

    expect(run.outcome).toBe('finished');
    expect(published(aws)).toHaveLength(1);
    expect(events(logger, 'notification_published')).toHaveLength(1);
    expect(events(logger, 'notification_enrichment_failed').map((l) => l.fields.operation)).toEqual([
      'FilterLogEvents',
    ]);
  });

  it.for(HOSTILE_MODES)('CloudWatch GetMetricData %s: published without the last good run', async (mode, context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const { handler, logger } = notifier(aws, { logs: 'fake', cloudWatch: mode, sns: 'fake' });

    const run = await beforeLambdaTimeout(handler(snsEvent(), lambdaContext(NOTIFIER_TIMEOUT_MS)), NOTIFIER_TIMEOUT_MS);

    expect(run.outcome).toBe('finished');
    expect(published(aws)).toHaveLength(1);
    expect(events(logger, 'notification_enrichment_failed').map((l) => l.fields.operation)).toEqual(['GetMetricData']);
  });

  it('every enrichment call hanging at once still publishes', async (context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const { handler, logger } = notifier(aws, { logs: 'hang', cloudWatch: 'hang', sns: 'fake' });

    const run = await beforeLambdaTimeout(handler(snsEvent(), lambdaContext(NOTIFIER_TIMEOUT_MS)), NOTIFIER_TIMEOUT_MS);

    expect(run.outcome).toBe('finished');
    expect(published(aws)).toHaveLength(1);
    expect(events(logger, 'notification_enrichment_failed').every((l) => l.fields.aborted === true)).toBe(true);
  });

  it.for(HOSTILE_MODES)(
    'SNS Publish %s: the invocation fails in time (Lambda retries it), failure logged',
    async (mode, context) => {
      const { expect } = context;
      const aws = await endpoints(context);
      const { handler, logger } = notifier(aws, { logs: 'fake', cloudWatch: 'fake', sns: mode });

      const run = await beforeLambdaTimeout(
        handler(snsEvent(), lambdaContext(NOTIFIER_TIMEOUT_MS)),
        NOTIFIER_TIMEOUT_MS,
      );

      expect(run.outcome).toBe('failed');
      expect(events(logger, 'notification_publish_failed')).toHaveLength(1);
      expect(events(logger, 'notification_published')).toHaveLength(0);
      expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
    },
  );
});

describe.concurrent('watchdog: the heartbeat is withheld, or the ping reported failed, before the Lambda timeout', () => {
  const WATCHDOG_TIMEOUT_MS = 6_000;
  const envVars = {
    AWS_REGION: REGION,
    [WATCHDOG_ENV.urlSecretId]: 'oauth-probe/heartbeat',
    [WATCHDOG_ENV.periodMinutes]: '5',
    [WATCHDOG_ENV.notifiers]: JSON.stringify([
      { region: REGION, functionName: 'notifier', deadLetterQueueName: 'dlq', alarmNames: ['OAuthProbe-Notifier-x'] },
    ]),
    [WATCHDOG_ENV.alarmPrefix]: 'OAuthProbe-',
  };

  function watchdog(aws: Endpoints, targets: { cloudWatch: 'fake' | HostileMode; secrets: 'fake' | HostileMode }) {
    const logger = captureLogger();
    const pinged: string[] = [];
    const handler = createWatchdogHandler({
      env: envVars,
      cloudWatch: (region) => aws.client(CloudWatchClient, targets.cloudWatch, region),
      secrets: secretsManagerChannelSecrets(() => aws.client(SecretsManagerClient, targets.secrets)),
      ping: async (url) => {
        pinged.push(url);
        return { ok: true, status: 200 };
      },
      logger,
      now: Date.now,
    });
    return { handler, logger, pinged };
  }

  it.for(HOSTILE_MODES)('CloudWatch %s: withheld, check_failed', async (mode, context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const { handler, logger, pinged } = watchdog(aws, { cloudWatch: mode, secrets: 'fake' });

    const run = await beforeLambdaTimeout(handler({}, lambdaContext(WATCHDOG_TIMEOUT_MS)), WATCHDOG_TIMEOUT_MS);

    expect(run.outcome).toBe('finished');
    expect(pinged).toEqual([]);
    expect(events(logger, 'heartbeat').map((l) => [l.fields.outcome, l.fields.reasons])).toEqual([
      ['withheld', ['check_failed']],
    ]);
    expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
  });

  it.for(HOSTILE_MODES)('Secrets Manager %s: ping_failed, secret_unavailable', async (mode, context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const { handler, logger, pinged } = watchdog(aws, { cloudWatch: 'fake', secrets: mode });

    const run = await beforeLambdaTimeout(handler({}, lambdaContext(WATCHDOG_TIMEOUT_MS)), WATCHDOG_TIMEOUT_MS);

    expect(run.outcome).toBe('finished');
    expect(pinged).toEqual([]);
    expect(events(logger, 'heartbeat').map((l) => [l.fields.outcome, l.fields.error])).toEqual([
      ['ping_failed', 'secret_unavailable'],
    ]);
    expect(aws.hostile.get(mode)!.requests).toBeGreaterThan(0);
  });

  it('all answering: the checks pass against the fake and it pings', async (context) => {
    const { expect } = context;
    const aws = await endpoints(context);
    const { handler, pinged } = watchdog(aws, { cloudWatch: 'fake', secrets: 'fake' });

    const run = await beforeLambdaTimeout(handler({}, lambdaContext(WATCHDOG_TIMEOUT_MS)), WATCHDOG_TIMEOUT_MS);

    expect(run).toMatchObject({ outcome: 'finished', value: { outcome: 'pinged' } });
    expect(pinged).toEqual(['https://hc-ping.example/heartbeat-token']);
  });
});
