/**
 * `metrics.profile`: the probe function learns it (METRICS_PROFILE), and every alarm and dashboard graph
 * reads only series the profile publishes, so that no alarm of a lean deployment waits on a metric that
 * never comes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { PROBE_ENV } from '../../functions/contract/environment.js';
import { METRICS, type MetricsProfile, publishes } from '../../functions/contract/metric-catalogue.js';
import { resourcesOf, type SynthesizedApp, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';

const config = (profile: MetricsProfile | undefined): ProbesConfigInput => ({
  homeRegion: EU,
  regions: [EU, US],
  defaults: { degradedMs: 1500, schedule: 'rate(1 minute)' },
  ...(profile ? { metrics: { profile } } : {}),
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
  it('alarms on latency by counting degraded runs: 1 in 5 minutes at one run a minute', () => {
    const synth = synthesize(config('lean'));
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

  it('defaults the transport to emf, unless one is set', () => {
    expect(probeEnv(synthesize(config('lean')), EU)[PROBE_ENV.metricsTransport]).toBe('emf');
    const put = config('lean');
    put.metrics = { profile: 'lean', transport: 'putMetricData' };
    expect(probeEnv(synthesize(put), EU)[PROBE_ENV.metricsTransport]).toBe('putMetricData');
  });

  it('defaults to the full profile', () => {
    expect(probeEnv(synthesize(config(undefined)), EU)[PROBE_ENV.metricsProfile]).toBe('full');
  });
});
