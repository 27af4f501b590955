import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { METRIC_PUBLISH_FAILED_EVENT } from '../../functions/aws/metric-catalogue.js';
import { buildMetricData, isGaugeRun, publishMetrics, scheduleIntervalMinutes } from '../../functions/aws/metrics.js';
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

    expect(names(buildMetricData(result, options))).toEqual(['Success', 'Failures', 'TotalLatency']);
  });

  it('publishes nothing by Code or Degraded while healthy (when_nonzero)', () => {
    expect(names(buildMetricData(passResult(), options))).not.toContain('Failures');
    expect(names(buildMetricData(passResult(), options))).not.toContain('Degraded');
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
