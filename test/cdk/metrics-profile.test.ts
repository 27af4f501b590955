/**
 * `metrics.profile`: the probe function learns it (METRICS_PROFILE), and every alarm and dashboard graph
 * reads only series the profile publishes, so that no alarm of a lean deployment waits on a metric that
 * never comes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { PROBE_ENV } from '../../functions/contract/environment.js';
import { METRICS, type MetricsProfile, publishes } from '../../functions/contract/metric-catalogue.js';
import { planConfig } from '../../plan/index.js';
import { resourcesOf, type SynthesizedApp, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';

const config = (profile: MetricsProfile | undefined): ProbesConfigInput => ({
  homeRegion: EU,
  regions: [EU, US],
  defaults: { degradedMs: 1500, schedule: 'rate(1 minute)' },
  ...(profile ? { metrics: { profile } } : {}),
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [
    {
      name: 'billing',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/billing' },
      steps: [{ name: 'list', request: { url: 'https://api.example.com/invoices' }, expect: { status: 200 } }],
    },
  ],
});

const catalogueNames = new Set<string>(Object.values(METRICS).map((m) => m.name));
const publishedNames = (profile: MetricsProfile) =>
  new Set<string>(
    Object.values(METRICS)
      .filter((m) => publishes(profile, m))
      .map((m) => m.name),
  );

/** Every metric name an alarm of the template evaluates (plain metric or metric math). */
function alarmMetricNames(synth: SynthesizedApp, region: string): Map<string, string[]> {
  const byAlarm = new Map<string, string[]>();
  for (const [, props] of resourcesOf(synth.template(region), 'AWS::CloudWatch::Alarm')) {
    const names: string[] = [];
    if (typeof props.MetricName === 'string') names.push(props.MetricName);
    for (const m of (props.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[] | undefined) ?? []) {
      if (m.MetricStat) names.push(m.MetricStat.Metric.MetricName);
    }
    byAlarm.set(JSON.stringify(props.AlarmName), names);
  }
  return byAlarm;
}

function probeEnv(synth: SynthesizedApp, region: string): Record<string, string> {
  const [, props] = resourcesOf(synth.template(region), 'AWS::Lambda::Function').find(([, p]) =>
    String(p.Description).startsWith('oauth-probe: runs'),
  )!;
  return (props.Environment as { Variables: Record<string, string> }).Variables;
}

function dashboardBody(synth: SynthesizedApp): string {
  const [, props] = resourcesOf(synth.template(EU), 'AWS::CloudWatch::Dashboard')[0]!;
  const body = props.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  return typeof body === 'string' ? body : body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '')).join('');
}

describe.each(['full', 'lean'] as const)('metrics.profile %s', (profile) => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesize(config(profile));
  });

  it('tells the probe function the profile', () => {
    for (const region of [EU, US]) expect(probeEnv(synth, region)[PROBE_ENV.metricsProfile]).toBe(profile);
  });

  it('keeps every alarm (availability, latency, expiry, stopped, global), each reading only published series', () => {
    const published = publishedNames(profile);
    const alarms = alarmMetricNames(synth, EU);

    expect([...alarms.keys()].join(' ')).toMatch(/availability.*latency.*expiry.*stopped/is);
    expect([...alarms.keys()].some((name) => /global/i.test(name))).toBe(true);
    for (const [alarm, names] of alarms) {
      expect(names.length, alarm).toBeGreaterThan(0);
      for (const name of names) {
        if (catalogueNames.has(name)) expect(published, `${alarm} reads ${name}`).toContain(name);
      }
    }
  });

  it('keeps SLO alerting: BurnFast, BurnSlow and BurnTicket notify in every region', () => {
    for (const region of [EU, US]) {
      const notifying = [
        ...resourcesOf(synth.template(region), 'AWS::CloudWatch::Alarm'),
        ...resourcesOf(synth.template(region), 'AWS::CloudWatch::CompositeAlarm'),
      ]
        .filter(([, p]) => Array.isArray(p.AlarmActions) && p.AlarmActions.length > 0)
        .map(([, p]) => String(p.AlarmName));
      for (const kind of ['BurnFast', 'BurnSlow', 'BurnTicket']) {
        expect(notifying, `${region} ${kind}`).toContain(`OAuthProbe-billing-${region}-${kind}`);
      }
    }
  });

  it('plans exactly the schedule and alarms it synthesizes for the probe (the plan counts)', () => {
    const { plan } = planConfig(config(profile) as never);
    for (const region of [EU, US]) {
      const template = synth.template(region);
      // One probe in this config: every schedule is its own.
      const synthesized =
        [
          ...resourcesOf(template, 'AWS::CloudWatch::Alarm'),
          ...resourcesOf(template, 'AWS::CloudWatch::CompositeAlarm'),
        ].filter(([, p]) => String(p.AlarmName).includes('billing')).length +
        resourcesOf(template, 'AWS::Scheduler::Schedule').length;
      const shards = plan.regions.find((r) => r.region === region)!.shards;
      const planned = shards.reduce((n, shard) => n + shard.schedules + shard.alarms.length, 0);
      expect(synthesized, region).toBe(planned);
    }
  });

  it('graphs only published series on the dashboard', () => {
    const body = dashboardBody(synth);
    for (const metric of Object.values(METRICS)) {
      if (publishes(profile, metric)) continue;
      expect(body).not.toContain(`"${metric.name}"`);
      expect(body).not.toContain(`MetricName=\\"${metric.name}\\"`);
    }
  });
});

describe('metrics.profile lean', () => {
  let lean: SynthesizedApp;
  beforeAll(() => {
    lean = synthesize(config('lean'));
  });

  it('alarms on latency by counting degraded runs: 1 in 5 minutes at one run a minute', () => {
    const synth = lean;
    const [, latency] = resourcesOf(synth.template(EU), 'AWS::CloudWatch::Alarm').find(([, p]) =>
      /latency/i.test(String(p.AlarmName)),
    )!;

    expect(latency).toMatchObject({
      MetricName: 'Degraded',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('burns the SLO budget with one single-metric alarm per policy, named as the composite, and no composite', () => {
    const synth = lean;
    const template = synth.template(EU);
    expect(resourcesOf(template, 'AWS::CloudWatch::CompositeAlarm')).toEqual([]);
    const burn = resourcesOf(template, 'AWS::CloudWatch::Alarm')
      .map(([, p]) => p)
      .filter((p) => /Burn/.test(String(p.AlarmName)));
    expect(burn.map((p) => p.AlarmName)).toEqual([
      `OAuthProbe-billing-${EU}-BurnFast`,
      `OAuthProbe-billing-${EU}-BurnSlow`,
      `OAuthProbe-billing-${EU}-BurnTicket`,
    ]);
    // Fast page: 2 failed runs of the last 60 (1-minute schedule) reach 14.4x of a 99.9 % budget.
    expect(burn[0]).toMatchObject({
      MetricName: 'Success',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 60,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    });
    // Slow page: 3 of the last 360 runs (6 x 0.001 x 360 = 2.16).
    expect(burn[1]).toMatchObject({ Period: 60, EvaluationPeriods: 360, DatapointsToAlarm: 3 });
    // Ticket: each of the last 3 days at least 0.1 % failed runs (Average <= 0.999).
    expect(burn[2]).toMatchObject({
      Statistic: 'Average',
      Period: 86_400,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0.999,
      ComparisonOperator: 'LessThanOrEqualToThreshold',
    });
    for (const p of burn) {
      expect(p.Metrics).toBeUndefined();
      expect(p.AlarmActions).toHaveLength(1);
      expect(p.OKActions).toHaveLength(1);
    }
  });

  it('alarms on expiry with one gauge, the fewest days left', () => {
    const synth = lean;
    const [, expiry] = resourcesOf(synth.template(EU), 'AWS::CloudWatch::Alarm').find(([, p]) =>
      /expiry/i.test(String(p.AlarmName)),
    )!;
    expect(expiry).toMatchObject({
      MetricName: 'ExpiryDaysLeft',
      Statistic: 'Minimum',
      Period: 6 * 3600,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(expiry.Metrics).toBeUndefined();
  });

  it('defaults the transport to emf, unless one is set', () => {
    expect(probeEnv(lean, EU)[PROBE_ENV.metricsTransport]).toBe('emf');
    const put = config('lean');
    put.metrics = { profile: 'lean', transport: 'putMetricData' };
    expect(probeEnv(synthesize(put), EU)[PROBE_ENV.metricsTransport]).toBe('putMetricData');
  });

  it('defaults to the full profile', () => {
    expect(probeEnv(synthesize(config(undefined)), EU)[PROBE_ENV.metricsProfile]).toBe('full');
  });
});
