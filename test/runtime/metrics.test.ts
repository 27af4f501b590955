import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  hasGlobalAlarm,
  METRIC_PUBLISH_FAILED_EVENT,
  METRICS,
  publishes,
} from '../../functions/contract/metric-catalogue.js';
import type { ProbeResult } from '../../functions/engine/index.js';
import {
  buildEmfObjects,
  buildMetricData,
  isGaugeRun,
  publishMetrics,
  scheduleIntervalMinutes,
  tokenIssuance,
} from '../../functions/runtime/probe/metrics.js';
import { degradedResult, failResult, passResult, SCHEDULED } from './fixtures.js';

const T = SCHEDULED;
const probe = { Name: 'Probe', Value: 'billing-api' };
const options = { scheduledTime: T, gaugeThresholdDays: 14 };
const names = (data: MetricDatum[]) => data.map((d) => d.MetricName);

describe('buildMetricData', () => {
  it('publishes success, token, step and total latency for a passing run, timestamped with the scheduled time', () => {
    const data = buildMetricData(passResult(), options);

    expect(data).toEqual([
      { MetricName: 'Success', Dimensions: [probe], Unit: 'Count', Value: 1, Timestamp: T },
      { MetricName: 'TokenSuccess', Dimensions: [probe], Unit: 'Count', Value: 1, Timestamp: T },
      { MetricName: 'TokenLatency', Dimensions: [probe], Unit: 'Milliseconds', Value: 180.4, Timestamp: T },
      {
        MetricName: 'StepLatency',
        Dimensions: [probe, { Name: 'Step', Value: 'list-invoices' }],
        Unit: 'Milliseconds',
        Value: 150,
        Timestamp: T,
      },
      { MetricName: 'TotalLatency', Dimensions: [probe], Unit: 'Milliseconds', Value: 412, Timestamp: T },
    ]);
  });

  it('adds Degraded (1) for a degraded run, which still counts as a success, and no Failures', () => {
    const data = buildMetricData(degradedResult(), options);

    expect(data[0]).toEqual({ MetricName: 'Success', Dimensions: [probe], Unit: 'Count', Value: 1, Timestamp: T });
    expect(data).toContainEqual({ MetricName: 'Degraded', Dimensions: [probe], Unit: 'Count', Value: 1, Timestamp: T });
    expect(names(data)).not.toContain('Failures');
  });

  it('publishes Success 0 and Failures by Code for a failing run, and no Degraded', () => {
    const data = buildMetricData(failResult(), options);

    expect(data).toEqual([
      { MetricName: 'Success', Dimensions: [probe], Unit: 'Count', Value: 0, Timestamp: T },
      {
        MetricName: 'Failures',
        Dimensions: [probe, { Name: 'Code', Value: 'invalid_client' }],
        Unit: 'Count',
        Value: 1,
        Timestamp: T,
      },
      {
        MetricName: 'Failures',
        Dimensions: [probe, { Name: 'Stage', Value: 'token' }, { Name: 'Code', Value: 'invalid_client' }],
        Unit: 'Count',
        Value: 1,
        Timestamp: T,
      },
      { MetricName: 'TokenSuccess', Dimensions: [probe], Unit: 'Count', Value: 0, Timestamp: T },
      { MetricName: 'TokenLatency', Dimensions: [probe], Unit: 'Milliseconds', Value: 95, Timestamp: T },
      { MetricName: 'TotalLatency', Dimensions: [probe], Unit: 'Milliseconds', Value: 230, Timestamp: T },
    ]);
  });

  it('publishes no token latency when the token request got no response', () => {
    const result = failResult({
      stage: 'token',
      code: 'connection_refused',
      httpStatus: null,
      exchanges: [
        { name: 'token', method: 'POST', url: 'https://auth.example.com/t', status: null, timings: { totalMs: 2 } },
      ],
    });

    expect(names(buildMetricData(result, options))).toEqual([
      'Success',
      'Failures',
      'Failures',
      'TokenSuccess',
      'TotalLatency',
    ]);
  });

  it('tells the token endpoint from the API: Stage on Failures, TokenSuccess 1 when the API failed after a token', () => {
    const api = failResult({ stage: 'api', step: 'list-invoices', code: 'rate_limited', httpStatus: 429 });
    const data = buildMetricData(api, options);
    expect(data).toContainEqual({
      MetricName: 'Failures',
      Dimensions: [probe, { Name: 'Stage', Value: 'api' }, { Name: 'Code', Value: 'rate_limited' }],
      Unit: 'Count',
      Value: 1,
      Timestamp: T,
    });
    expect(data.find((d) => d.MetricName === 'TokenSuccess')?.Value).toBe(1);
    const credentials = failResult({ stage: 'credentials', code: 'secret_not_found', token: null, exchanges: [] });
    expect(names(buildMetricData(credentials, options))).not.toContain('TokenSuccess');
  });

  it('publishes nothing by Code or Degraded while healthy (when_nonzero)', () => {
    expect(names(buildMetricData(passResult(), options))).not.toContain('Failures');
    expect(names(buildMetricData(passResult(), options))).not.toContain('Degraded');
  });

  describe('the lean profile', () => {
    const lean = { ...options, profile: 'lean' as const };
    const gaugeRun = { ...lean, scheduledTime: new Date('2026-11-22T06:00:00Z') };

    it('publishes only Success for a healthy run, even in the gauge run of a block', () => {
      expect(names(buildMetricData(passResult(), lean))).toEqual(['Success']);
      expect(names(buildMetricData(passResult(), gaugeRun))).toEqual(['Success']);
    });

    it('adds Degraded for a degraded run (the lean latency alarm counts it), and Failures by Code for a failed one', () => {
      expect(names(buildMetricData(degradedResult(), lean))).toEqual(['Success', 'Degraded']);
      // Failures by Code, and by Stage and Code: both only in a failed run, no series while healthy.
      expect(names(buildMetricData(failResult(), lean))).toEqual(['Success', 'Failures', 'Failures']);
    });

    it('publishes one days-left gauge, the fewest of the certificates and the credential, only while below the expiry threshold', () => {
      // Certificates 80 and 45 days, credential 200 days (fixtures).
      expect(names(buildMetricData(passResult(), { ...lean, gaugeThresholdDays: 30 }))).toEqual(['Success']);
      const data = buildMetricData(passResult(), { ...lean, gaugeThresholdDays: 60 });
      expect(names(data)).toEqual(['Success', 'ExpiryDaysLeft']);
      expect(data[1]).toMatchObject({ Unit: 'None', Value: 45 });
      const credentialFirst = buildMetricData(passResult({ credentialDaysLeft: 10 }), {
        ...lean,
        gaugeThresholdDays: 30,
      });
      expect(credentialFirst.slice(1)).toMatchObject([{ MetricName: 'ExpiryDaysLeft', Value: 10 }]);
    });

    it('never publishes ExpiryDaysLeft under the full profile (it publishes the two gauges)', () => {
      const data = buildMetricData(passResult(), { ...options, gaugeThresholdDays: 365 });
      expect(names(data)).not.toContain('ExpiryDaysLeft');
      expect(names(data)).toEqual(expect.arrayContaining(['CertificateDaysLeft', 'CredentialDaysLeft']));
    });

    it('publishes only catalogued series that the lean profile lists', () => {
      const published = new Set(
        Object.values(METRICS)
          .filter((m) => publishes('lean', m))
          .map((m) => m.name),
      );
      const results = [passResult(), degradedResult(), failResult()];
      for (const result of results) {
        for (const name of names(buildMetricData(result, { ...gaugeRun, gaugeThresholdDays: 365 }))) {
          expect(published).toContain(name);
        }
      }
    });
  });

  describe('token-stage metrics come only from runs that requested a token (token.reuse, Retry-After)', () => {
    const reused = passResult({
      exchanges: [passResult().exchanges[1]!],
      token: { ...passResult().token!, reused: true },
    });

    it('a run that reused its token publishes Success and the API series, no TokenSuccess or TokenLatency', () => {
      const data = buildMetricData(reused, options);

      expect(names(data)).toEqual(['Success', 'StepLatency', 'TotalLatency']);
      expect(data[0]).toMatchObject({ MetricName: 'Success', Value: 1 });
      expect(tokenIssuance(reused)).toBeUndefined();
    });

    it('a reused token refused by the API: Success 0 and the failure, still no token series', () => {
      const refused = failResult({
        stage: 'api',
        step: 'list-invoices',
        code: 'invalid_token',
        exchanges: [{ ...passResult().exchanges[1]!, status: 401, code: 'invalid_token' }],
        token: reused.token,
      });

      expect(names(buildMetricData(refused, options))).toEqual([
        'Success',
        'Failures',
        'Failures',
        'StepLatency',
        'TotalLatency',
      ]);
    });

    it('a run held by Retry-After (rate_limited, no token exchange) publishes no TokenSuccess; one that got the 429 does', () => {
      const held = failResult({ code: 'rate_limited', httpStatus: null, exchanges: [] });
      const throttled = failResult({
        code: 'rate_limited',
        httpStatus: 429,
        exchanges: [{ ...failResult().exchanges[0]!, status: 429, code: 'rate_limited' }],
      });

      expect(tokenIssuance(held)).toBeUndefined();
      expect(names(buildMetricData(held, options))).not.toContain('TokenSuccess');
      expect(tokenIssuance(throttled)).toBe(false);
      expect(buildMetricData(throttled, options).find((d) => d.MetricName === 'TokenSuccess')?.Value).toBe(0);
    });

    it('a run that failed at discovery still counts against token issuance', () => {
      expect(tokenIssuance(failResult({ stage: 'discovery', code: 'discovery_failed', exchanges: [] }))).toBe(false);
    });
  });

  describe('gauges (days left, token lifetime)', () => {
    it('go out in the first run of a 6-hour block: 06:00:00 and 06:00:59 in, 06:01:00 out (1-minute schedule)', () => {
      const at = (iso: string) => names(buildMetricData(passResult(), { ...options, scheduledTime: new Date(iso) }));

      expect(at('2026-11-22T06:00:00Z')).toEqual(
        expect.arrayContaining(['CertificateDaysLeft', 'CredentialDaysLeft', 'TokenLifetime']),
      );
      expect(at('2026-11-22T06:00:59.999Z')).toContain('TokenLifetime');
      expect(at('2026-11-22T06:01:00Z')).not.toContain('TokenLifetime');
      expect(at('2026-11-22T05:59:00Z')).not.toContain('TokenLifetime');
      expect(at('2026-11-22T00:00:00Z')).toContain('TokenLifetime');
      expect(at('2026-11-22T12:00:30Z')).toContain('TokenLifetime');
    });

    it('carry the fewest certificate days, the credential days and expires_in', () => {
      const data = buildMetricData(passResult(), { ...options, scheduledTime: new Date('2026-11-22T18:00:00Z') });
      const value = (name: string) => data.find((d) => d.MetricName === name);

      expect(value('CertificateDaysLeft')).toMatchObject({ Unit: 'None', Value: 45, Dimensions: [probe] });
      expect(value('CredentialDaysLeft')).toMatchObject({ Unit: 'None', Value: 200, Dimensions: [probe] });
      expect(value('TokenLifetime')).toMatchObject({ Unit: 'Seconds', Value: 3600, Dimensions: [probe] });
    });

    it('widen the window to one schedule interval: rate(5 minutes) at 06:04:59 in, 06:05:00 out', () => {
      const interval = scheduleIntervalMinutes('rate(5 minutes)');

      expect(interval).toBe(5);
      expect(isGaugeRun(new Date('2026-11-22T06:04:59Z'), interval)).toBe(true);
      expect(isGaugeRun(new Date('2026-11-22T06:05:00Z'), interval)).toBe(false);
    });

    it('take a cron schedule interval from its runs per day', () => {
      expect(scheduleIntervalMinutes('cron(0/10 * * * ? *)')).toBe(10);
      expect(scheduleIntervalMinutes('rate(1 hour)')).toBe(60);
    });

    it('go out on every run while below the expiry threshold: 13 days in, 14 days out', () => {
      const certAt = (days: number) =>
        names(
          buildMetricData(
            passResult({
              exchanges: [{ ...passResult().exchanges[0]!, certDaysLeft: days }],
            }),
            options,
          ),
        );
      const credentialAt = (days: number) => names(buildMetricData(passResult({ credentialDaysLeft: days }), options));

      expect(certAt(13)).toContain('CertificateDaysLeft');
      expect(certAt(14)).not.toContain('CertificateDaysLeft');
      expect(credentialAt(13)).toContain('CredentialDaysLeft');
      expect(credentialAt(14)).not.toContain('CredentialDaysLeft');
      expect(credentialAt(13)).not.toContain('TokenLifetime');
    });
  });
});

describe('publishMetrics', () => {
  const local = new CloudWatchClient({ region: 'eu-west-1' });
  const home = new CloudWatchClient({ region: 'us-east-1' });
  const localMock = mockClient(local);
  const homeMock = mockClient(home);
  const regionalCopy = (value: number, region = 'eu-west-1') => ({
    MetricName: 'Success',
    Dimensions: [probe, { Name: 'Region', Value: region }],
    Unit: 'Count',
    Value: value,
    Timestamp: T,
  });
  let errors: unknown[][];
  const logger = { error: (...args: unknown[]) => errors.push(args) };

  beforeEach(() => {
    localMock.reset();
    homeMock.reset();
    errors = [];
  });

  it('sends one PutMetricData in the function region and one copy of Success to the home region', async () => {
    localMock.on(PutMetricDataCommand).resolves({});
    homeMock.on(PutMetricDataCommand).resolves({});
    const result = failResult();
    const data = buildMetricData(result, options);

    const outcome = await publishMetrics({
      result,
      data,
      namespace: 'OAuthProbe',
      region: 'eu-west-1',
      homeRegion: 'us-east-1',
      scheduledTime: T,
      client: local,
      homeClient: () => home,
      logger,
    });

    expect(outcome).toEqual({ calls: 2, failures: 0 });
    expect(localMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { Namespace: 'OAuthProbe', MetricData: data },
    ]);
    expect(homeMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { Namespace: 'OAuthProbe', MetricData: [regionalCopy(0)] },
    ]);
  });

  it('puts the Region copy in the same call when the function runs in the home region', async () => {
    localMock.on(PutMetricDataCommand).resolves({});
    const result = passResult();
    const data = buildMetricData(result, options);
    let homeAsked = false;

    await publishMetrics({
      result,
      data,
      namespace: 'Custom/NS',
      region: 'us-east-1',
      homeRegion: 'us-east-1',
      scheduledTime: T,
      client: local,
      homeClient: () => {
        homeAsked = true;
        return home;
      },
      logger,
    });

    expect(localMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { Namespace: 'Custom/NS', MetricData: [...data, regionalCopy(1, 'us-east-1')] },
    ]);
    expect(homeAsked).toBe(false);
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('splits only beyond 1000 datums', async () => {
    localMock.on(PutMetricDataCommand).resolves({});
    const result = passResult();
    const one = buildMetricData(result, options)[0]!;
    const data = Array.from({ length: 1000 }, () => one);

    await publishMetrics({
      result,
      data,
      namespace: 'OAuthProbe',
      region: 'us-east-1',
      homeRegion: 'us-east-1',
      scheduledTime: T,
      client: local,
      homeClient: () => home,
      logger,
    });

    const sizes = localMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.length);
    expect(sizes).toEqual([1000, 1]);
  });

  it('logs a failure as metric_publish_failed and does not throw', async () => {
    localMock.on(PutMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    homeMock.on(PutMetricDataCommand).resolves({});
    const result = passResult();

    const outcome = await publishMetrics({
      result,
      data: buildMetricData(result, options),
      namespace: 'OAuthProbe',
      region: 'eu-west-1',
      homeRegion: 'us-east-1',
      scheduledTime: T,
      client: local,
      homeClient: () => home,
      logger,
    });

    expect(outcome).toEqual({ calls: 2, failures: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toMatchObject({
      event: METRIC_PUBLISH_FAILED_EVENT,
      probe: 'billing-api',
      targetRegion: 'eu-west-1',
      errorName: 'Throttling',
    });
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
  });
});

describe('the Success copy for the global alarm', () => {
  const local = new CloudWatchClient({ region: 'eu-west-1' });
  const home = new CloudWatchClient({ region: 'us-east-1' });
  const localMock = mockClient(local);
  const homeMock = mockClient(home);
  const logger = { error: () => undefined };
  const publish = (regions: string[], globalFailureRegions: number, region = 'eu-west-1') => {
    const result = passResult();
    return publishMetrics({
      result,
      data: buildMetricData(result, options),
      namespace: 'OAuthProbe',
      region,
      homeRegion: 'us-east-1',
      scheduledTime: T,
      regionalCopy: hasGlobalAlarm({ regions }, globalFailureRegions),
      client: region === 'us-east-1' ? home : local,
      homeClient: () => home,
      logger,
    });
  };
  const homeData = () => homeMock.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
  const regionCopies = () => homeData().filter((d) => d.Dimensions?.some((dim) => dim.Name === 'Region'));

  beforeEach(() => {
    localMock.reset();
    homeMock.reset();
    localMock.on(PutMetricDataCommand).resolves({});
    homeMock.on(PutMetricDataCommand).resolves({});
  });

  it('hasGlobalAlarm: regions >= globalFailureRegions, on both sides of the boundary', () => {
    expect(hasGlobalAlarm({ regions: ['eu-west-1'] }, 2)).toBe(false);
    expect(hasGlobalAlarm({ regions: ['eu-west-1', 'us-east-1'] }, 2)).toBe(true);
    expect(hasGlobalAlarm({ regions: ['eu-west-1', 'us-east-1'] }, 3)).toBe(false);
    expect(hasGlobalAlarm({ regions: ['eu-west-1', 'us-east-1', 'ap-south-1'] }, 3)).toBe(true);
    expect(hasGlobalAlarm({ regions: ['eu-west-1'] }, 1)).toBe(true);
  });

  it('is published from another region when regions = globalFailureRegions (3 of 3)', async () => {
    const outcome = await publish(['eu-west-1', 'us-east-1', 'ap-south-1'], 3);

    expect(outcome).toEqual({ calls: 2, failures: 0 });
    expect(regionCopies()).toHaveLength(1);
  });

  it('is not published, and nothing goes home, when regions = globalFailureRegions - 1 (2 of 3)', async () => {
    const outcome = await publish(['eu-west-1', 'us-east-1'], 3);

    expect(outcome).toEqual({ calls: 1, failures: 0 });
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(localMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
  });

  it('in the home region: in the same call at the boundary, absent below it', async () => {
    await publish(['us-east-1', 'eu-west-1'], 2, 'us-east-1');
    expect(regionCopies()).toHaveLength(1);

    homeMock.reset();
    homeMock.on(PutMetricDataCommand).resolves({});
    await publish(['us-east-1'], 2, 'us-east-1');
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
    expect(regionCopies()).toHaveLength(0);
  });
});

describe('EMF transport', () => {
  const local = new CloudWatchClient({ region: 'eu-west-1' });
  const home = new CloudWatchClient({ region: 'us-east-1' });
  const localMock = mockClient(local);
  const homeMock = mockClient(home);
  const MS = T.getTime();
  let written: string[];
  let errors: unknown[][];
  const logger = { error: (...args: unknown[]) => errors.push(args) };
  const publish = (result: ProbeResult, region: string, regionalCopy: boolean) =>
    publishMetrics({
      result,
      data: buildMetricData(result, options),
      namespace: 'OAuthProbe',
      region,
      homeRegion: 'us-east-1',
      scheduledTime: T,
      regionalCopy,
      transport: 'emf',
      writeLine: (line) => written.push(line),
      client: region === 'us-east-1' ? home : local,
      homeClient: () => home,
      logger,
    });
  const lines = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    localMock.reset();
    homeMock.reset();
    localMock.on(PutMetricDataCommand).resolves({});
    homeMock.on(PutMetricDataCommand).resolves({});
    written = [];
    errors = [];
  });

  it('a passing run: one line, one directive per dimension set, scheduled timestamp, no PutMetricData here', async () => {
    const outcome = await publish(passResult(), 'eu-west-1', false);

    expect(outcome).toEqual({ calls: 0, failures: 0, emfLines: 1 });
    expect(lines()).toEqual([
      {
        _aws: {
          Timestamp: MS,
          CloudWatchMetrics: [
            {
              Namespace: 'OAuthProbe',
              Dimensions: [['Probe']],
              Metrics: [
                { Name: 'Success', Unit: 'Count' },
                { Name: 'TokenSuccess', Unit: 'Count' },
                { Name: 'TokenLatency', Unit: 'Milliseconds' },
                { Name: 'TotalLatency', Unit: 'Milliseconds' },
              ],
            },
            {
              Namespace: 'OAuthProbe',
              Dimensions: [['Probe', 'Step']],
              Metrics: [{ Name: 'StepLatency', Unit: 'Milliseconds' }],
            },
          ],
        },
        Probe: 'billing-api',
        Step: 'list-invoices',
        Success: 1,
        TokenSuccess: 1,
        TokenLatency: 180.4,
        StepLatency: 150,
        TotalLatency: 412,
      },
    ]);
    expect(written.every((line) => !line.includes('\n'))).toBe(true);
    expect(localMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('a degraded run: Degraded 1 next to Success 1, no Failures', async () => {
    await publish(degradedResult(), 'eu-west-1', false);

    expect(lines()).toHaveLength(1);
    const [line] = lines();
    expect(line).toMatchObject({ Success: 1, Degraded: 1, Probe: 'billing-api' });
    expect(line).not.toHaveProperty('Failures');
    expect((line!._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics[0]).toEqual({
      Namespace: 'OAuthProbe',
      Dimensions: [['Probe']],
      Metrics: [
        { Name: 'Success', Unit: 'Count' },
        { Name: 'Degraded', Unit: 'Count' },
        { Name: 'TokenSuccess', Unit: 'Count' },
        { Name: 'TokenLatency', Unit: 'Milliseconds' },
        { Name: 'TotalLatency', Unit: 'Milliseconds' },
      ],
    });
  });

  it('a failing run from another region: Failures by Code in the line, the copy home by PutMetricData', async () => {
    const outcome = await publish(failResult(), 'eu-west-1', true);

    expect(outcome).toEqual({ calls: 1, failures: 0, emfLines: 1 });
    expect(lines()).toEqual([
      {
        _aws: {
          Timestamp: MS,
          CloudWatchMetrics: [
            {
              Namespace: 'OAuthProbe',
              Dimensions: [['Probe']],
              Metrics: [
                { Name: 'Success', Unit: 'Count' },
                { Name: 'TokenSuccess', Unit: 'Count' },
                { Name: 'TokenLatency', Unit: 'Milliseconds' },
                { Name: 'TotalLatency', Unit: 'Milliseconds' },
              ],
            },
            {
              Namespace: 'OAuthProbe',
              Dimensions: [['Probe', 'Code']],
              Metrics: [{ Name: 'Failures', Unit: 'Count' }],
            },
            {
              Namespace: 'OAuthProbe',
              Dimensions: [['Probe', 'Stage', 'Code']],
              Metrics: [{ Name: 'Failures', Unit: 'Count' }],
            },
          ],
        },
        Probe: 'billing-api',
        Code: 'invalid_client',
        Stage: 'token',
        Success: 0,
        Failures: 1,
        TokenSuccess: 0,
        TokenLatency: 95,
        TotalLatency: 230,
      },
    ]);
    expect(localMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(homeMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        Namespace: 'OAuthProbe',
        MetricData: [
          {
            MetricName: 'Success',
            Dimensions: [probe, { Name: 'Region', Value: 'eu-west-1' }],
            Unit: 'Count',
            Value: 0,
            Timestamp: T,
          },
        ],
      },
    ]);
  });

  it('in the home region the copy rides in the same line (a second directive on Success): no API call', async () => {
    const outcome = await publish(passResult(), 'us-east-1', true);

    expect(outcome).toEqual({ calls: 0, failures: 0, emfLines: 1 });
    expect(homeMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    const [line] = lines();
    expect(line).toMatchObject({ Success: 1, Region: 'us-east-1' });
    expect((line!._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics).toContainEqual({
      Namespace: 'OAuthProbe',
      Dimensions: [['Probe', 'Region']],
      Metrics: [{ Name: 'Success', Unit: 'Count' }],
    });
  });

  it('two steps need two lines (one StepLatency value per Step); the rest stays in the first', async () => {
    const base = passResult();
    const second = { ...base.exchanges[1]!, name: 'get-balance', timings: { totalMs: 70 } };
    await publish({ ...base, exchanges: [...base.exchanges, second] }, 'eu-west-1', false);

    expect(lines()).toHaveLength(2);
    expect(lines()[0]).toMatchObject({ Step: 'list-invoices', StepLatency: 150, Success: 1, TotalLatency: 412 });
    expect(lines()[1]).toEqual({
      _aws: {
        Timestamp: MS,
        CloudWatchMetrics: [
          {
            Namespace: 'OAuthProbe',
            Dimensions: [['Probe', 'Step']],
            Metrics: [{ Name: 'StepLatency', Unit: 'Milliseconds' }],
          },
        ],
      },
      Probe: 'billing-api',
      Step: 'get-balance',
      StepLatency: 70,
    });
  });

  it('carries the same datums as the PutMetricData path (gauges included)', () => {
    const at = new Date('2026-11-22T06:00:00Z');
    const data = buildMetricData(passResult(), { ...options, scheduledTime: at });
    const objects = buildEmfObjects(data, 'OAuthProbe');
    const extracted = objects.flatMap((o) =>
      o._aws.CloudWatchMetrics.flatMap((d) =>
        d.Metrics.map((m) => ({
          MetricName: m.Name,
          Dimensions: d.Dimensions[0]!.map((name) => ({ Name: name, Value: o[name] })),
          Unit: m.Unit,
          Value: o[m.Name],
          Timestamp: new Date(o._aws.Timestamp),
        })),
      ),
    );

    expect(extracted).toHaveLength(data.length);
    expect(extracted).toEqual(expect.arrayContaining(data));
  });
});
