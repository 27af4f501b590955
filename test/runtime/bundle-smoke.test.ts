/**
 * Loads the bundled Lambda artifacts (the same esbuild output CDK deploys) in a child process outside
 * the project tree, so nothing resolves from node_modules, and invokes their handlers. A bundle that
 * cannot load (an ESM/CJS `require` shim missing, a dynamic require left behind) fails here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProbe } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { createTestPki } from '../../tools/local-servers/certificates.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { alarmChange } from './alarm-fixtures.js';
import { bundleLambda } from './bundle.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';

/** Imports the bundle and invokes its handler once with EVENT_JSON; prints `RESULT <json>` or `THREW <message>`. */
const RUNNER = `
const { handler } = await import(process.env.BUNDLE_URL);
const context = {
  functionName: 'smoke', functionVersion: '$LATEST', memoryLimitInMB: '256', awsRequestId: 'smoke-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke',
  getRemainingTimeInMillis: () => 30000,
};
try {
  const out = await handler(JSON.parse(process.env.EVENT_JSON), context);
  process.stdout.write('\\nRESULT ' + JSON.stringify(out) + '\\n');
} catch (error) {
  process.stdout.write('\\nTHREW ' + (error && error.name) + ': ' + (error && error.message) + '\\n');
}
`;

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: Record<string, unknown>[];
  result?: unknown;
  threw?: string;
}

function runBundle(
  bundle: string,
  event: unknown,
  endpoint: string,
  extraEnv: Record<string, string> = {},
): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDSMOKETEST',
    AWS_SECRET_ACCESS_KEY: 'smoke-test-secret-key',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: endpoint,
    AWS_ENDPOINT_URL_SNS: endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
    HOME_REGION: 'eu-west-1',
    METRICS_NAMESPACE: 'OAuthProbe',
    BUNDLE_URL: pathToFileURL(bundle).href,
    EVENT_JSON: JSON.stringify(event),
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', RUNNER],
      { env, cwd: tmpdir(), timeout: 60_000, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const all = `${stdout}\n${stderr}`;
        const lines = all
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const resultLine = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        const threwLine = stdout.split('\n').find((l) => l.startsWith('THREW '));
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          lines,
          ...(resultLine ? { result: JSON.parse(resultLine.slice(7)) } : {}),
          ...(threwLine ? { threw: threwLine.slice(6) } : {}),
        });
      },
    );
  });
}

describe('bundled Lambda artifacts', () => {
  let dir: string;
  let probeBundle: string;
  let notifierBundle: string;
  let watchdogBundle: string;
  let env: LocalEnvironment;
  let fake: FakeAws;
  /** The heartbeat service of the watchdog test: HTTPS on 127.0.0.1, its CA trusted through NODE_EXTRA_CA_CERTS. */
  let heartbeat: HttpsServer;
  let heartbeatUrl: string;
  let caFile: string;
  const heartbeats: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-probe-bundle-'));
    const [probe, notifier, watchdog] = await Promise.all([
      bundleLambda('probe', join(dir, 'probe')),
      bundleLambda('notifier', join(dir, 'notifier')),
      bundleLambda('watchdog', join(dir, 'watchdog')),
    ]);
    probeBundle = probe.outfile;
    notifierBundle = notifier.outfile;
    watchdogBundle = watchdog.outfile;
    env = await startLocalEnvironment();
    const pki = await createTestPki();
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, pki.ca.cert);
    heartbeat = createHttpsServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
      heartbeats.push(`${req.method} ${req.url}`);
      res.end('OK');
    });
    await new Promise<void>((resolve) => heartbeat.listen(0, '127.0.0.1', resolve));
    heartbeatUrl = `https://127.0.0.1:${(heartbeat.address() as AddressInfo).port}/ping/smoke-token`;
    fake = await startFakeAws({
      secrets: {
        'oauth-probe/billing': JSON.stringify(env.secrets['local/basic']),
        'oauth-probe/heartbeat': JSON.stringify({ url: heartbeatUrl }),
      },
    });
  });

  afterAll(async () => {
    await Promise.all([
      env?.close(),
      fake?.close(),
      heartbeat && new Promise<void>((resolve) => heartbeat.close(() => resolve())),
    ]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const probeEvent = (scheduledTime: string) => {
    const config = env.probe('client_secret_basic', {
      name: 'billing-api',
      credentials: { secretId: 'oauth-probe/billing' },
    });
    return { probe: resolveProbe({ probes: [config] } as ProbesConfig, config), scheduledTime };
  };

  it('writes index.mjs with a source map, self-contained (no AWS SDK left external)', () => {
    expect(probeBundle.endsWith('/probe/index.mjs')).toBe(true);
    expect(existsSync(`${probeBundle}.map`)).toBe(true);
    expect(existsSync(`${notifierBundle}.map`)).toBe(true);
  });

  it('the probe bundle loads in a child process and runs a probe end to end against the fake AWS', async () => {
    const run = await runBundle(probeBundle, probeEvent('2026-11-22T07:05:00Z'), fake.url);

    expect(run.threw).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      outcome: 'ran',
      published: true,
      result: { probe: 'billing-api', status: 'pass' },
    });
    expect(run.lines.filter((l) => l.event === 'probe_result')).toMatchObject([
      { probe: 'billing-api', status: 'pass', region: 'eu-west-1', scheduledTime: '2026-11-22T07:05:00.000Z' },
    ]);
    const operations = fake.requests.map((r) => r.operation);
    // The secret, the drift check (the fake's secret is a replica of a us-east-1 primary), the metrics.
    expect(operations).toEqual([
      'secretsmanager.GetSecretValue',
      'secretsmanager.DescribeSecret',
      'secretsmanager.ListSecretVersionIds',
      'GraniteServiceVersion20100801.PutMetricData',
    ]);
    expect(run.lines.find((l) => l.event === 'probe_result')).toMatchObject({
      secretVersionId: 'aaaaaaaa-0000-4000-8000-000000000001',
      secretDrift: { primaryRegion: 'us-east-1', drift: 0 },
    });
    const put = JSON.parse(fake.requests[3]!.body) as {
      Namespace: string;
      MetricData: { MetricName: string; Value: number; Dimensions?: unknown[] }[];
    };
    expect(put.Namespace).toBe('OAuthProbe');
    expect(put.MetricData[0]).toMatchObject({ MetricName: 'Success', Value: 1 });
    expect(put.MetricData.find((d) => d.MetricName === 'SecretVersionDrift')).toMatchObject({ Value: 0 });
  });

  it('with AWS unreachable, the probe bundle reports secret_unavailable, logs metric_publish_failed and does not crash', async () => {
    const closed = 'http://127.0.0.1:9';

    const run = await runBundle(probeBundle, probeEvent('2026-11-22T07:06:00Z'), closed);

    expect(run.threw).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      outcome: 'ran',
      published: false,
      result: { status: 'fail', stage: 'credentials', code: 'secret_unavailable' },
    });
    expect(run.lines.filter((l) => l.event === 'metric_publish_failed')).toHaveLength(1);
    expect(run.lines.find((l) => l.event === 'probe_result')?.hint).toMatch(/probe's own infrastructure/);
  });

  it('the probe bundle logs a bad event and returns without throwing', async () => {
    const run = await runBundle(probeBundle, { hello: 'world' }, fake.url);

    expect(run.threw).toBeUndefined();
    expect(run.result).toMatchObject({ outcome: 'invalid_event' });
    expect(run.lines.filter((l) => l.event === 'invalid_event')).toHaveLength(1);
  });

  it('the notifier bundle loads in a child process and publishes an alarm notification', async () => {
    const before = fake.requests.length;
    const event = { Records: [{ Sns: { Message: JSON.stringify(alarmChange('availability', 'ALARM')) } }] };

    const run = await runBundle(notifierBundle, event, fake.url, {
      NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:oauth-probe-notifications',
      PROBE_LOG_GROUP_NAME: '/aws/lambda/oauth-probe-probe',
      GLOBAL_FAILURE_REGIONS: '2',
    });

    expect(run.threw).toBeUndefined();
    expect(run.result).toMatchObject([
      { published: true, subject: '[FAIL] billing-api failing (eu-west-1)', messageId: 'fake-message-1' },
    ]);
    const operations = fake.requests
      .slice(before)
      .map((r) => r.operation)
      .sort();
    expect(operations).toEqual([
      'GraniteServiceVersion20100801.GetMetricData',
      'Logs_20140328.FilterLogEvents',
      'sns.Publish',
    ]);
    const publish = new URLSearchParams(fake.requests.find((r) => r.operation === 'sns.Publish')!.body);
    expect(publish.get('MessageStructure')).toBe('json');
    expect(publish.get('Subject')).toBe('[FAIL] billing-api failing (eu-west-1)');
  });

  it('the watchdog bundle loads in a child process, checks CloudWatch and pings the heartbeat URL over HTTPS', async () => {
    const before = fake.requests.length;

    const run = await runBundle(watchdogBundle, {}, fake.url, {
      NODE_EXTRA_CA_CERTS: caFile,
      HEARTBEAT_URL_SECRET_ID: 'oauth-probe/heartbeat',
      HEARTBEAT_PERIOD_MINUTES: '5',
      WATCHDOG_NOTIFIERS: JSON.stringify([
        { region: 'eu-west-1', functionName: 'notifier', deadLetterQueueName: 'dlq', alarmNames: [] },
      ]),
      WATCHDOG_ALARM_PREFIX: 'OAuthProbe-',
    });

    expect(run.threw).toBeUndefined();
    expect(run.result).toEqual({ outcome: 'pinged', status: 200, findings: [] });
    expect(heartbeats).toEqual(['GET /ping/smoke-token']);
    const operations = new Set(fake.requests.slice(before).map((r) => r.operation));
    expect([...operations].sort()).toEqual([
      'GraniteServiceVersion20100801.DescribeAlarms',
      'GraniteServiceVersion20100801.GetMetricData',
      'secretsmanager.GetSecretValue',
    ]);
    expect(run.lines.filter((l) => l.event === 'heartbeat')).toEqual([
      expect.objectContaining({ outcome: 'pinged', httpStatus: 200 }),
    ]);
    expect(`${run.stdout}${run.stderr}`).not.toContain('smoke-token');
  });
});
