import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import type { ProbeResult } from '../../functions/engine/index.js';
import {
  createProbeRunner,
  type ProbeRunDeps,
  probeSettingsFromEnv,
  RecentKeys,
} from '../../functions/runtime/probe/run.js';
import { MemorySecretSource } from '../../functions/secrets/memory-source.js';
import { failResult, passResult } from './fixtures.js';

const local = new CloudWatchClient({ region: 'eu-west-1' });
const home = new CloudWatchClient({ region: 'us-east-1' });
const localMock = mockClient(local);
const homeMock = mockClient(home);

const probeConfig = {
  name: 'billing-api',
  tokenUrl: 'https://auth.example.com/oauth2/token',
  credentials: { secretId: 'oauth-probe/billing' },
  clientAuth: 'client_secret_basic',
  steps: [],
  timeoutMs: 5000,
  deadlineMs: 20_000,
  schedule: 'rate(1 minute)',
  regions: ['eu-west-1', 'us-east-1'],
  runbookUrl: 'https://wiki.example.com/runbooks/billing-api',
  alarms: {
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    expiryDaysThreshold: 14,
    latencyEvaluationPeriods: 3,
    missingRunsPeriods: 3,
  },
};
const event = (overrides: Record<string, unknown> = {}) => ({
  probe: probeConfig,
  scheduledTime: '2026-11-22T07:05:00Z',
  executionId: 'exec-1',
  ...overrides,
});
const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

interface Logged {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

let lines: Logged[];
let engineCalls: ResolvedProbe[];

function runner(run: (probe: ResolvedProbe) => Promise<ProbeResult>, overrides: Partial<ProbeRunDeps> = {}) {
  const log =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  return createProbeRunner({
    settings: {
      region: 'eu-west-1',
      homeRegion: 'us-east-1',
      namespace: 'OAuthProbe',
      deadlineMarginMs: 3000,
      secretCacheTtlSec: 300,
      metricsTransport: 'putMetricData',
      metricsProfile: 'full',
      globalFailureRegions: 2,
    },
    runProbe: async (probe) => {
      engineCalls.push(probe);
      return run(probe);
    },
    secrets: () => new MemorySecretSource({}),
    cloudWatch: () => local,
    homeCloudWatch: () => home,
    logger: { info: log('INFO'), warn: log('WARN'), error: log('ERROR') },
    clock: { now: () => Date.parse('2026-11-22T07:05:01Z') },
    ...overrides,
  });
}

const puts = () => localMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
const results = () => lines.filter((l) => l.fields.event === 'probe_result');

describe('probe runner', () => {
  beforeEach(() => {
    localMock.reset();
    homeMock.reset();
    localMock.on(PutMetricDataCommand).resolves({});
    homeMock.on(PutMetricDataCommand).resolves({});
    lines = [];
    engineCalls = [];
  });

  it('runs the probe, logs one result line and publishes one PutMetricData here and one copy home', async () => {
    const output = await runner(async () => passResult())(event(), context(60_000));

    expect(output).toMatchObject({ outcome: 'ran', published: true, result: { status: 'pass' } });
    expect(results()).toHaveLength(1);
    expect(results()[0]).toMatchObject({
      level: 'INFO',
      message: 'billing-api pass',
      fields: {
        event: 'probe_result',
        probe: 'billing-api',
        status: 'pass',
        stage: null,
        code: null,
        hint: null,
        region: 'eu-west-1',
        scheduledTime: '2026-11-22T07:05:00.000Z',
        runbookUrl: 'https://wiki.example.com/runbooks/billing-api',
        executionId: 'exec-1',
      },
    });
    expect(puts()).toHaveLength(1);
    expect(puts()[0]!.MetricData!.every((d) => d.Timestamp?.toISOString() === '2026-11-22T07:05:00.000Z')).toBe(true);
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
  });

  it('logs a failing run at WARN with the diagnosis at top level', async () => {
    await runner(async () => failResult())(event(), context(60_000));

    expect(results()[0]).toMatchObject({
      level: 'WARN',
      message: 'token endpoint answered 401 invalid_client',
      fields: { status: 'fail', stage: 'token', code: 'invalid_client', httpStatus: 401 },
    });
  });

  it.each([
    [60_000, 20_000],
    [10_000, 7_000],
    [2_000, 1_000],
  ])('gives the engine min(deadlineMs, remaining %i ms - margin) = %i ms', async (remaining, deadline) => {
    await runner(async () => passResult())(event(), context(remaining));

    expect(engineCalls[0]!.deadlineMs).toBe(deadline);
  });

  it('drops a duplicate delivery of the same scheduled event: one run, one publish', async () => {
    const handler = runner(async () => passResult());

    await handler(event(), context(60_000));
    const second = await handler(event({ executionId: 'exec-2' }), context(60_000));

    expect(second).toEqual({ outcome: 'duplicate', probe: 'billing-api', scheduledTime: '2026-11-22T07:05:00Z' });
    expect(engineCalls).toHaveLength(1);
    expect(puts()).toHaveLength(1);
    expect(lines.some((l) => l.fields.event === 'duplicate_event')).toBe(true);
  });

  it('runs the next scheduled time of the same probe', async () => {
    const handler = runner(async () => passResult());

    await handler(event(), context(60_000));
    await handler(event({ scheduledTime: '2026-11-22T07:06:00Z' }), context(60_000));

    expect(engineCalls).toHaveLength(2);
    expect(puts()).toHaveLength(2);
  });

  it('does not take an unfilled scheduledTime placeholder for a run identity', async () => {
    const handler = runner(async () => passResult());
    const placeholder = { scheduledTime: '<aws.scheduler.scheduled-time>' };

    await handler(event({ ...placeholder, executionId: 'a' }), context(60_000));
    await handler(event({ ...placeholder, executionId: 'b' }), context(60_000));
    const repeat = await handler(event({ ...placeholder, executionId: 'b' }), context(60_000));

    expect(engineCalls).toHaveLength(2);
    expect(repeat.outcome).toBe('duplicate');
  });

  it('logs a bad event once, naming the field, and returns without throwing', async () => {
    const output = await runner(async () => passResult())({ probe: { credentials: {} } }, context(60_000));

    expect(output.outcome).toBe('invalid_event');
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fields.event).toBe('invalid_event');
    expect(JSON.stringify(errors[0]!.fields.problems)).toContain('event.probe.name');
    expect(JSON.stringify(errors[0]!.fields.problems)).toContain('event.probe.credentials.secretId');
    expect(engineCalls).toHaveLength(0);
    expect(puts()).toHaveLength(0);
  });

  it('publishes invalid_config for a bad event whose probe name can be read, so the alarm names the cause', async () => {
    const output = await runner(async () => passResult())(
      event({ probe: { ...probeConfig, clientAuth: 'magic' } }),
      context(60_000),
    );

    expect(output.outcome).toBe('invalid_event');
    expect(results()[0]!.fields).toMatchObject({ status: 'fail', stage: 'config', code: 'invalid_config' });
    expect(results()[0]!.message).toContain('event.probe.clientAuth');
    expect(puts()[0]!.MetricData!.map((d) => [d.MetricName, d.Value])).toEqual([
      ['Success', 0],
      ['Failures', 1],
      // The same failure by stage (config) and code, for the dashboards' failures-by-stage graphs.
      ['Failures', 1],
      ['TotalLatency', 0],
    ]);
  });

  it('turns an engine exception into an internal_error result that is still logged and published', async () => {
    const output = await runner(async () => {
      throw new TypeError('cannot read properties of undefined');
    })(event(), context(60_000));

    expect(output).toMatchObject({ outcome: 'ran', result: { status: 'fail', code: 'internal_error' } });
    expect(results()[0]!.fields).toMatchObject({ code: 'internal_error', status: 'fail' });
    expect(puts()[0]!.MetricData).toContainEqual(
      expect.objectContaining({
        MetricName: 'Failures',
        Dimensions: [
          { Name: 'Probe', Value: 'billing-api' },
          { Name: 'Code', Value: 'internal_error' },
        ],
      }),
    );
  });

  it('reports an engine that never answers as a timeout, still logged and published', async () => {
    const output = await runner(() => new Promise<ProbeResult>(() => undefined), { engineGraceMs: 0 })(
      event(),
      context(2_000),
    );

    expect(output).toMatchObject({ outcome: 'ran', result: { status: 'fail', code: 'timeout' } });
    expect(results()[0]!.fields).toMatchObject({ code: 'timeout', status: 'fail' });
    expect(puts()).toHaveLength(1);
  });

  describe("the Success copy for the global alarm follows the probe's regions", () => {
    const settings = (globalFailureRegions: number, metricsTransport: 'putMetricData' | 'emf' = 'putMetricData') => ({
      region: 'eu-west-1',
      homeRegion: 'us-east-1',
      namespace: 'OAuthProbe',
      deadlineMarginMs: 3000,
      secretCacheTtlSec: 300,
      metricsTransport,
      metricsProfile: 'full' as const,
      globalFailureRegions,
    });

    it('sends the copy home with 2 regions and globalFailureRegions 2', async () => {
      await runner(async () => passResult(), { settings: settings(2) })(event(), context(60_000));

      expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
    });

    it('sends no copy with 2 regions and globalFailureRegions 3 (no global alarm)', async () => {
      await runner(async () => passResult(), { settings: settings(3) })(event(), context(60_000));

      expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
      expect(puts()).toHaveLength(1);
    });

    it('under emf writes the regional metrics to stdout, puts nothing here and still sends the copy home', async () => {
      const written: string[] = [];
      const original = process.stdout.write;
      process.stdout.write = ((chunk: string) => {
        written.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      try {
        const output = await runner(async () => passResult(), { settings: settings(2, 'emf') })(
          event(),
          context(60_000),
        );
        expect(output).toMatchObject({ outcome: 'ran', published: true });
      } finally {
        process.stdout.write = original;
      }

      expect(puts()).toHaveLength(0);
      expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
      const emf = written.map((w) => JSON.parse(w)).filter((o) => o._aws);
      expect(emf).toHaveLength(1);
      expect(emf[0]).toMatchObject({
        Probe: 'billing-api',
        Success: 1,
        _aws: { Timestamp: Date.parse('2026-11-22T07:05:00Z') },
      });
    });
  });

  it('keeps the result when publishing fails, and logs metric_publish_failed', async () => {
    localMock.on(PutMetricDataCommand).rejects(new Error('unreachable'));

    const output = await runner(async () => failResult())(event(), context(60_000));

    expect(output).toMatchObject({ outcome: 'ran', published: false, result: { code: 'invalid_client' } });
    expect(lines.filter((l) => l.fields.event === 'metric_publish_failed')).toHaveLength(1);
    expect(results()).toHaveLength(1);
  });

  it('uses the current time when scheduledTime is not a date', async () => {
    await runner(async () => passResult())(event({ scheduledTime: '<aws.scheduler.scheduled-time>' }), context(60_000));

    expect(puts()[0]!.MetricData![0]!.Timestamp?.toISOString()).toBe('2026-11-22T07:05:01.000Z');
    expect(lines.some((l) => l.fields.event === 'invalid_scheduled_time')).toBe(true);
  });
});

describe('RecentKeys', () => {
  it('forgets the oldest key beyond its capacity', () => {
    const keys = new RecentKeys(2);
    keys.add('a');
    keys.add('b');
    keys.add('c');

    expect([keys.has('a'), keys.has('b'), keys.has('c'), keys.size]).toEqual([false, true, true, 2]);
  });
});

describe('probeSettingsFromEnv', () => {
  it('reads the contract env names with their defaults', () => {
    expect(probeSettingsFromEnv({ AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      homeRegion: 'eu-west-1',
      namespace: 'OAuthProbe',
      deadlineMarginMs: 3000,
      secretCacheTtlSec: 300,
      metricsTransport: 'putMetricData',
      metricsProfile: 'full',
      globalFailureRegions: 2,
    });
    expect(
      probeSettingsFromEnv({
        AWS_REGION: 'eu-west-1',
        HOME_REGION: 'us-east-1',
        METRICS_NAMESPACE: 'X',
        DEADLINE_MARGIN_MS: '5000',
        SECRET_CACHE_TTL_SEC: '0',
        METRICS_TRANSPORT: 'emf',
        METRICS_PROFILE: 'lean',
        GLOBAL_FAILURE_REGIONS: '3',
      }),
    ).toEqual({
      region: 'eu-west-1',
      homeRegion: 'us-east-1',
      namespace: 'X',
      deadlineMarginMs: 5000,
      secretCacheTtlSec: 0,
      metricsTransport: 'emf',
      metricsProfile: 'lean',
      globalFailureRegions: 3,
    });
  });

  it('falls back to putMetricData and 2 for values outside the contract', () => {
    expect(
      probeSettingsFromEnv({
        AWS_REGION: 'eu-west-1',
        METRICS_TRANSPORT: 'xray',
        METRICS_PROFILE: 'tiny',
        GLOBAL_FAILURE_REGIONS: '0',
      }),
    ).toMatchObject({ metricsTransport: 'putMetricData', metricsProfile: 'full', globalFailureRegions: 2 });
  });
});
