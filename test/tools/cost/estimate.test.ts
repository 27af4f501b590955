import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/config/load.js';
import type { ProbesConfig } from '../../../functions/config/schema.js';
import { type CostItem, estimateCost, type ProbeRegionCost } from '../../../tools/cost/estimate.js';
import { PRICES } from '../../../tools/cost/prices.js';

function config(raw: unknown): ProbesConfig {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function probe(overrides: Record<string, unknown> = {}) {
  return {
    name: 'billing-api',
    tokenUrl: 'https://auth.example.com/oauth/token',
    credentials: { secretId: 'billing' },
    steps: [{ name: 'list', request: { url: 'https://api.example.com/v1/invoices' } }],
    ...overrides,
  };
}

const line = (region: ProbeRegionCost, item: CostItem) => region.lines.find((l) => l.item === item);

describe('estimateCost', () => {
  it('prices one probe with one step on a 1-minute schedule in one region', () => {
    // Arrange
    const cfg = config({ regions: ['us-east-1'], probes: [probe()] });

    // Act
    const estimate = estimateCost(cfg);

    // Assert
    const region = estimate.probes[0]!.regions[0]!;
    expect(region.runsPerMonth).toBe(43_200);
    expect(region.requestsPerRun).toBe(2);
    expect(region.billedMsPerRun).toBe(600);
    expect(line(region, 'lambda_compute')!.monthlyUsd).toBeCloseTo(43_200 * 0.6 * 0.25 * 0.0000133334, 8);
    expect(line(region, 'lambda_requests')!.monthlyUsd).toBeCloseTo(0.00864, 8);
    expect(line(region, 'scheduler')!.monthlyUsd).toBeCloseTo(0.0432, 8);
    expect(line(region, 'put_metric_data')!.monthlyUsd).toBeCloseTo(0.432, 8);
    expect(line(region, 'logs')!.monthlyUsd).toBeCloseTo(((43_200 * 1024) / 1024 ** 3) * 0.5, 8);
    expect(region.canaryMonthlyUsd).toBeCloseTo(51.84, 8);
  });

  it('counts metric series by cadence: every-run full month, gauges 1/6, failure series 0 while healthy', () => {
    const cfg = config({ regions: ['eu-west-1', 'us-east-1'], probes: [probe()] });

    const region = estimateCost(cfg).probes[0]!.regions[0]!;

    // Success, TokenSuccess, TokenLatency, TotalLatency, 1 × StepLatency, Success by Region; 3 gauges (HTTPS: certificate too).
    expect(line(region, 'custom_metrics')!.quantity).toBeCloseTo(6 + 3 / 6, 10);
    expect(line(region, 'custom_metrics')!.monthlyUsd).toBeCloseTo(6.5 * 0.3, 10);
  });

  it('adds one StepLatency series per step and no certificate gauge without TLS', () => {
    const steps = ['a', 'b', 'c'].map((name) => ({ name, request: { url: `http://api.internal/${name}` } }));
    const cfg = config({ probes: [probe({ tokenUrl: 'http://auth.internal/token', steps })] });

    const region = estimateCost(cfg).probes[0]!.regions[0]!;

    // Success, TokenSuccess, TokenLatency, TotalLatency, 3 × StepLatency (one region: no Success by Region); 2 gauges.
    expect(line(region, 'custom_metrics')!.quantity).toBeCloseTo(7 + 2 / 6, 10);
  });

  it('charges failure series only for the unhealthy hours assumed', () => {
    const cfg = config({ probes: [probe()] });

    const healthy = estimateCost(cfg).probes[0]!.regions[0]!;
    const unhealthy = estimateCost(cfg, { unhealthyHoursPerMonth: 72 }).probes[0]!.regions[0]!;

    // Failures by Code and by Stage (one code at a time) and Degraded, each for 72 of 720 hours.
    expect(line(unhealthy, 'custom_metrics')!.quantity - line(healthy, 'custom_metrics')!.quantity).toBeCloseTo(
      0.3,
      10,
    );
  });

  it('prices the SLO burn-rate alarms: 6 window alarms of 2 metrics and 3 composites per probe-region', () => {
    const estimate = estimateCost(config({ probes: [probe()] }));
    const region = estimate.probes[0]!.regions[0]!;
    const burn = estimate.alarms.filter((a) => /-Burn(Fast|Slow|Ticket)/.test(a.name));
    const windows = burn.filter((a) => /-(Long|Short)$/.test(a.name));
    expect(windows.map((a) => [a.metrics, a.monthlyUsd])).toEqual(Array(6).fill([2, expect.closeTo(0.2, 10)]));
    expect(burn.filter((a) => a.composite).map((a) => [a.name, a.monthlyUsd])).toEqual([
      ['OAuthProbe-billing-api-us-east-1-BurnFast', 0.5],
      ['OAuthProbe-billing-api-us-east-1-BurnSlow', 0.5],
      ['OAuthProbe-billing-api-us-east-1-BurnTicket', 0.5],
    ]);
    expect(region.lines.filter((l) => l.unit === 'composite alarms').map((l) => [l.quantity, l.monthlyUsd])).toEqual([
      [3, expect.closeTo(1.5, 10)],
    ]);
  });

  it('doubles PutMetricData outside the home region (the Success copy sent home)', () => {
    const cfg = config({ homeRegion: 'eu-west-1', regions: ['eu-west-1', 'us-east-1'], probes: [probe()] });

    const [home, other] = estimateCost(cfg).probes[0]!.regions;

    expect(home!.home).toBe(true);
    expect(line(home!, 'put_metric_data')!.quantity).toBe(43_200);
    expect(other!.home).toBe(false);
    expect(line(other!, 'put_metric_data')!.quantity).toBe(86_400);
  });

  describe('the Success copy follows the global alarm (hasGlobalAlarm)', () => {
    // A third region elsewhere keeps globalFailureRegions 3 valid; the probe runs from two.
    const two = (globalFailureRegions: number) =>
      estimateCost(
        config({
          homeRegion: 'eu-west-1',
          regions: ['eu-west-1', 'us-east-1'],
          globalFailureRegions,
          probes: [probe(), probe({ name: 'elsewhere', regions: ['ap-southeast-2'] })],
        }),
      ).probes[0]!;

    it('at regions = globalFailureRegions: the copy series in both regions and the extra call from the other', () => {
      const [home, other] = two(2).regions;

      expect(line(home!, 'custom_metrics')!.quantity).toBeCloseTo(6.5, 10);
      expect(line(other!, 'custom_metrics')!.quantity).toBeCloseTo(6.5, 10);
      expect(line(other!, 'put_metric_data')!.quantity).toBe(86_400);
    });

    it('at regions = globalFailureRegions - 1: no copy series ($0.30 less per region), no call home', () => {
      const below = two(3);
      const at = two(2);
      const [home, other] = below.regions;

      expect(line(home!, 'custom_metrics')!.quantity).toBeCloseTo(5.5, 10);
      expect(line(other!, 'custom_metrics')!.quantity).toBeCloseTo(5.5, 10);
      expect(line(home!, 'put_metric_data')!.quantity).toBe(43_200);
      expect(line(other!, 'put_metric_data')!.quantity).toBe(43_200);
      expect(below.global).toEqual([]);
      // 2 × $0.30 (copy series) + 43,200 × $0.00001 (calls home) + $0.20 (global alarm over 2 regions)
      expect(at.monthlyUsd - below.monthlyUsd).toBeCloseTo(0.6 + 0.432 + 0.2, 10);
    });

    it('one probe in one region at 1 minute: $0.30 less than with the copy', () => {
      const region = estimateCost(config({ regions: ['us-east-1'], probes: [probe({ steps: [] })] })).probes[0]!
        .regions[0]!;

      // Success, TokenSuccess, TokenLatency, TotalLatency + 3 gauges / 6
      expect(line(region, 'custom_metrics')!.quantity).toBeCloseTo(4.5, 10);
      expect(region.monthlyUsd).toBeCloseTo(5.448842, 5);
    });
  });

  describe('metrics.transport', () => {
    const jwtProbe = probe({
      degradedMs: 1500,
      token: { jwt: { jwksUri: 'https://auth.example.com/jwks' } },
    });
    const at1Minute = (p: Record<string, unknown>, transport?: 'emf' | 'putMetricData') =>
      estimateCost(config({ regions: ['us-east-1'], ...(transport ? { metrics: { transport } } : {}), probes: [p] }));

    it('emf: no PutMetricData in a single region, one ~1 KB EMF line per run ingested instead', () => {
      const region = at1Minute(probe({ steps: [] }), 'emf').probes[0]!.regions[0]!;

      expect(line(region, 'put_metric_data')!.quantity).toBe(0);
      expect(line(region, 'put_metric_data')!.monthlyUsd).toBe(0);
      expect(line(region, 'emf_logs')!.quantity).toBeCloseTo((43_200 * 1024) / 1024 ** 3, 12);
      expect(line(region, 'emf_logs')!.monthlyUsd).toBeCloseTo(0.0205994, 6);
      // Same metric series either way: EMF-extracted metrics are custom metrics.
      expect(line(region, 'custom_metrics')!.quantity).toBeCloseTo(4.5, 10);
    });

    it('figures for one probe at 1 minute in one region: token only and token + step + JWT + degradedMs', () => {
      expect(at1Minute(probe({ steps: [] })).probes[0]!.monthlyUsd).toBeCloseTo(5.448842, 5);
      expect(at1Minute(probe({ steps: [] }), 'emf').probes[0]!.monthlyUsd).toBeCloseTo(5.037441, 5);
      expect(at1Minute(jwtProbe).probes[0]!.monthlyUsd).toBeCloseTo(6.020842, 5);
      expect(at1Minute(jwtProbe, 'emf').probes[0]!.monthlyUsd).toBeCloseTo(5.609441, 5);
    });

    it('names the transport and, under putMetricData, what emf would save', () => {
      const put = at1Minute(probe());
      const emf = at1Minute(probe(), 'emf');

      expect(put.metrics.transport).toBe('putMetricData');
      // $0.432 of calls less, $0.0206 of log ingestion more
      expect(put.metrics.emfSavingUsd).toBeCloseTo(0.432 - 0.0205994, 6);
      expect(put.metrics.emfSavingUsd).toBeCloseTo(put.total.monthlyUsd - emf.total.monthlyUsd, 10);
      expect(put.assumptions[0]).toMatch(/^Metrics transport: putMetricData .*"emf" .* \$0\.41 a month less/);
      expect(emf.metrics).toMatchObject({ transport: 'emf', profile: 'full' });
      expect(emf.metrics.emfSavingUsd).toBeUndefined();
      expect(emf.assumptions[0]).toMatch(/^Metrics transport: emf/);
    });

    it('emf across regions: only the copy from the other region is a PutMetricData call', () => {
      const cfg = config({
        homeRegion: 'eu-west-1',
        regions: ['eu-west-1', 'us-east-1'],
        metrics: { transport: 'emf' },
        probes: [probe()],
      });

      const [home, other] = estimateCost(cfg).probes[0]!.regions;

      expect(line(home!, 'put_metric_data')!.quantity).toBe(0);
      expect(line(other!, 'put_metric_data')!.quantity).toBe(43_200);
    });

    it('emf: one EMF line per API step (one StepLatency value per Step and line)', () => {
      const steps = ['a', 'b', 'c'].map((name) => ({ name, request: { url: `https://api.example.com/${name}` } }));
      const region = at1Minute(probe({ steps }), 'emf').probes[0]!.regions[0]!;

      expect(line(region, 'emf_logs')!.quantity).toBeCloseTo((3 * 43_200 * 1024) / 1024 ** 3, 12);
    });
  });

  it('bills a latency alarm metric per request only when a degraded threshold applies', () => {
    const without = estimateCost(config({ probes: [probe()] })).probes[0]!.regions[0]!;
    const withThreshold = estimateCost(config({ probes: [probe({ degradedMs: 1500 })] })).probes[0]!.regions[0]!;

    // availability 1, expiry 2, stopped 1, 6 burn windows × 2 (+ latency: token and one step)
    expect(line(without, 'alarms')!.quantity).toBe(16);
    expect(line(withThreshold, 'alarms')!.quantity).toBe(18);
    expect(line(withThreshold, 'alarms')!.basis).toContain('Latency 2');
    expect(line(without, 'alarms')!.basis).not.toContain('Latency');
  });

  it('adds the global alarm only for probes running in at least globalFailureRegions regions', () => {
    const two = config({ regions: ['eu-west-1', 'us-east-1'], globalFailureRegions: 2, probes: [probe()] });
    const one = config({ regions: ['eu-west-1'], globalFailureRegions: 1, probes: [probe()] });
    const short = config({
      regions: ['eu-west-1', 'us-east-1'],
      globalFailureRegions: 2,
      probes: [probe(), probe({ name: 'solo', regions: ['eu-west-1'] })],
    });

    expect(estimateCost(two).probes[0]!.global[0]!.monthlyUsd).toBeCloseTo(0.2, 10);
    expect(estimateCost(one).probes[0]!.global[0]!.monthlyUsd).toBeCloseTo(0.1, 10);
    expect(estimateCost(short).probes[1]!.global).toEqual([]);
  });

  it('prices a token-only 1-minute probe under the lean profile all-in at $1.59 per probe-region, SLO alarms included, and shows both profiles', () => {
    const cfg = config({
      regions: ['us-east-1'],
      defaults: { degradedMs: 1500 },
      metrics: { profile: 'lean' },
      probes: [probe({ steps: [] })],
    });

    const estimate = estimateCost(cfg);

    const region = estimate.probes[0]!.regions[0]!;
    expect(estimate.metrics).toMatchObject({ profile: 'lean', transport: 'emf' });
    // Success only while healthy.
    expect(line(region, 'custom_metrics')!.quantity).toBe(1);
    // Three single-metric burn alarms, no composites.
    expect(region.lines.some((l) => l.unit === 'composite alarms')).toBe(false);
    const burn = estimate.alarms.filter((a) => /-Burn(Fast|Slow|Ticket)$/.test(a.name));
    expect(burn.map((a) => [a.composite, a.metrics])).toEqual(Array(3).fill([false, 1]));
    // Availability, expiry (one gauge), stopped, latency (degraded runs) and the 3 burn alarms: one metric each.
    expect(line(region, 'alarms')!.quantity).toBe(7);
    expect(region.monthlyUsd).toBeCloseTo(1.59, 2);
    // Why not <= $1.50: one metric per alarm signal (7 x $0.10), the one Success series, the secret and the
    // probe's own 43,200 runs (Lambda compute and requests, Scheduler) already pass it.
    const usd = (item: CostItem) => region.lines.filter((l) => l.item === item).reduce((n, l) => n + l.monthlyUsd, 0);
    expect(usd('alarms')).toBeCloseTo(0.7, 10);
    const floor = (
      ['alarms', 'custom_metrics', 'secrets_manager_secret', 'lambda_compute', 'lambda_requests', 'scheduler'] as const
    )
      .map(usd)
      .reduce((a, b) => a + b, 0);
    expect(floor).toBeGreaterThan(1.5);
    const [full, lean] = estimate.metrics.profiles;
    expect(full).toMatchObject({ profile: 'full', transport: 'putMetricData' });
    expect(lean).toMatchObject({ profile: 'lean', transport: 'emf' });
    expect(lean!.probeRegions[0]!.monthlyUsd).toBeCloseTo(region.monthlyUsd, 10);
    expect(full!.probeRegions[0]!.monthlyUsd).toBeGreaterThan(lean!.probeRegions[0]!.monthlyUsd);
  });

  it('keeps the configured transport under lean, and counts one latency alarm metric however many steps', () => {
    const cfg = config({
      regions: ['us-east-1'],
      defaults: { degradedMs: 1500 },
      metrics: { profile: 'lean', transport: 'putMetricData' },
      probes: [
        probe({
          steps: [
            { name: 'a', request: { url: 'https://api.example.com/a' } },
            { name: 'b', request: { url: 'https://api.example.com/b' } },
          ],
        }),
      ],
    });

    const region = estimateCost(cfg).probes[0]!.regions[0]!;

    expect(line(region, 'put_metric_data')!.quantity).toBe(43_200);
    expect(line(region, 'custom_metrics')!.quantity).toBe(1);
    // Availability, expiry (one gauge), stopped, latency (one metric for every request), 3 burn alarms.
    expect(line(region, 'alarms')!.quantity).toBe(7);
    expect(line(region, 'alarms')!.basis).toContain('Latency 1');
  });

  it('calls Secrets Manager once per cache TTL on a warm container, every run when runs are further apart', () => {
    const everyMinute = estimateCost(config({ probes: [probe()] })).probes[0]!.regions[0]!;
    const hourly = estimateCost(config({ probes: [probe({ schedule: 'rate(1 hour)' })] })).probes[0]!.regions[0]!;

    expect(line(everyMinute, 'secrets_manager_api')!.quantity).toBe(8640);
    expect(line(hourly, 'secrets_manager_api')!.quantity).toBe(720);
  });

  it('bills INIT once per container lifetime on frequent schedules and on every run on slow ones', () => {
    const everyMinute = estimateCost(config({ probes: [probe()] })).probes[0]!.regions[0]!;
    const every15 = estimateCost(config({ probes: [probe({ schedule: 'rate(15 minutes)' })] })).probes[0]!.regions[0]!;

    expect(line(everyMinute, 'lambda_init')!.quantity).toBeCloseTo(360 * 0.6 * 0.25, 10);
    expect(line(every15, 'lambda_init')!.quantity).toBeCloseTo(2880 * 0.6 * 0.25, 10);
  });

  it('bills the KMS keys the deployment creates: one per region and one for the notification topic', () => {
    const oneRegion = estimateCost(config({ regions: ['us-east-1'], probes: [probe()] }));
    const threeRegions = estimateCost(
      config({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], probes: [probe()] }),
    );

    const keys = (estimate: typeof oneRegion) => estimate.shared.find((l) => l.item === 'kms_keys')!;
    expect(keys(oneRegion).quantity).toBe(2);
    expect(keys(oneRegion).monthlyUsd).toBeCloseTo(2, 8);
    expect(keys(threeRegions).quantity).toBe(4);
    expect(threeRegions.total.byItem.kms_keys).toBeCloseTo(4, 8);
  });

  it('counts KMS requests only for secrets under a customer key', () => {
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/abcd-1234';
    const plain = estimateCost(config({ probes: [probe()] })).probes[0]!.regions[0]!;
    const kms = estimateCost(config({ probes: [probe({ credentials: { secretId: 'b', kmsKeyArn } })] })).probes[0]!
      .regions[0]!;

    expect(line(plain, 'kms_requests')).toBeUndefined();
    expect(line(kms, 'kms_requests')!.quantity).toBe(8640);
  });

  it('takes measured durations instead of the assumed ones', () => {
    const cfg = config({ probes: [probe()] });

    const region = estimateCost(cfg, { baseDurationMs: 50, perRequestMs: 100, memoryMb: 128 }).probes[0]!.regions[0]!;

    expect(region.billedMsPerRun).toBe(250);
    expect(line(region, 'lambda_compute')!.quantity).toBeCloseTo(43_200 * 0.25 * 0.125, 8);
  });

  it('adds up: every probe-region, global and shared line is in the total and in byItem', () => {
    const cfg = config(JSON.parse(readFileSync(new URL('../../../probes.json', import.meta.url), 'utf8')));

    const estimate = estimateCost(cfg);

    const lines = [
      ...estimate.probes.flatMap((p) => [...p.regions.flatMap((r) => r.lines), ...p.global]),
      ...estimate.shared,
      ...estimate.watchdog,
    ];
    const sum = lines.reduce((total, l) => total + l.monthlyUsd, 0);
    expect(estimate.total.monthlyUsd).toBeCloseTo(sum, 10);
    const byItem = Object.values(estimate.total.byItem).reduce((total, usd) => total + usd, 0);
    expect(byItem).toBeCloseTo(sum, 10);
    expect(estimate.total.probeRegions).toBe(3);
    expect(estimate.total.canaryMonthlyUsd).toBeCloseTo((43_200 * 2 + 8640) * 0.0012, 8);
  });

  it('states the prices with their dates and the assumptions, including that prices must be checked', () => {
    const estimate = estimateCost(config({ probes: [probe()] }));

    expect(estimate.prices.length).toBe(Object.keys(PRICES).length);
    for (const price of estimate.prices) expect(price.asOf).toMatch(/^(\d{4}(-\d{2})?|undated)$/);
    expect(estimate.assumptions.join(' ')).toMatch(/check them against the live AWS pricing pages/i);
    expect(estimate.assumptions.join(' ')).toContain('256 MB');
  });
});

describe('the watchdog (notifications.heartbeat)', () => {
  const withHeartbeat = (schedule?: string) =>
    config({
      regions: ['eu-west-1', 'us-east-1'],
      notifications: { heartbeat: { urlSecretId: 'oauth-probe/heartbeat', ...(schedule ? { schedule } : {}) } },
      probes: [probe()],
    });
  const item = (lines: { item: CostItem; monthlyUsd: number; quantity: number }[], name: CostItem) =>
    lines.filter((l) => l.item === name);

  it('costs nothing without a heartbeat', () => {
    expect(estimateCost(config({ probes: [probe()] })).watchdog).toEqual([]);
  });

  it('prices its runs, its rule, its CloudWatch reads and its secret, every 5 minutes by default', () => {
    const { watchdog } = estimateCost(withHeartbeat());
    const runs = 8640;

    expect(item(watchdog, 'lambda_requests')[0]!.quantity).toBe(runs);
    expect(item(watchdog, 'lambda_compute')[0]!.quantity).toBeCloseTo(runs * 0.5 * 0.25, 8);
    expect(item(watchdog, 'eventbridge_rule')[0]!.monthlyUsd).toBeCloseTo(runs * PRICES.schedulerInvocation.usd, 10);
    // Two regions: 3 DescribeAlarms for the probe alarms and 1 for the notifier alarms each, and the home
    // notifier's 2 metrics.
    expect(item(watchdog, 'cloudwatch_reads')[0]!.quantity).toBe(runs * (2 + 2 * 4));
    expect(item(watchdog, 'cloudwatch_reads')[0]!.monthlyUsd).toBeCloseTo(runs * 10 * 0.00001, 8);
    expect(item(watchdog, 'secrets_manager_secret')[0]!.monthlyUsd).toBeCloseTo(0.4, 8);
    expect(item(watchdog, 'secrets_manager_api')[0]!.quantity).toBe(runs);
  });

  it('is in the total and in byItem, and scales with its schedule', () => {
    const every5 = estimateCost(withHeartbeat());
    const every15 = estimateCost(withHeartbeat('rate(15 minutes)'));
    const without = estimateCost(config({ regions: ['eu-west-1', 'us-east-1'], probes: [probe()] }));
    const cost = (e: typeof every5) => e.watchdog.reduce((total, l) => total + l.monthlyUsd, 0);

    expect(every5.total.monthlyUsd - without.total.monthlyUsd).toBeCloseTo(cost(every5), 10);
    expect(every5.total.byItem.cloudwatch_reads).toBeCloseTo(
      item(every5.watchdog, 'cloudwatch_reads')[0]!.monthlyUsd,
      10,
    );
    expect(cost(every15)).toBeLessThan(cost(every5));
    expect(cost(every15)).toBeGreaterThan(0.4);
    expect(every5.assumptions.join(' ')).toContain('Watchdog: 8640 runs a month (rate(5 minutes))');
  });
});

describe('PRICES', () => {
  it('matches the public list prices the estimate is documented with', () => {
    expect(PRICES.lambdaGbSecondArm64.usd).toBe(0.0000133334);
    expect(PRICES.lambdaRequest.usd * 1e6).toBeCloseTo(0.2, 12);
    expect(PRICES.schedulerInvocation.usd * 1e6).toBeCloseTo(1, 12);
    expect(PRICES.customMetricMonth.usd).toBe(0.3);
    expect(PRICES.cloudWatchApiRequest.usd * 1000).toBeCloseTo(0.01, 12);
    expect(PRICES.alarmStandardMonth.usd).toBe(0.1);
    expect(PRICES.secretsManagerApiCall.usd * 10_000).toBeCloseTo(0.05, 12);
    expect(PRICES.syntheticsCanaryRun.usd).toBe(0.0012);
    expect(PRICES.lambdaRequest.display).toBe('$0.20 per 1M requests');
  });
});

describe('identityProviders: token requests a month per authorization server', () => {
  const example = () => config(JSON.parse(readFileSync(new URL('../../../probes.json', import.meta.url), 'utf8')));

  it('sums the example billing-api over its two regions: 86,400 token requests to auth.example.com', () => {
    const providers = estimateCost(example()).identityProviders;

    expect(providers.find((p) => p.host === 'auth.example.com')).toEqual({
      host: 'auth.example.com',
      tokenRequestsPerMonth: 86_400,
      otherRequestsPerMonth: 86_400,
      probes: ['billing-api'],
    });
  });

  it('drops to one token per maxAgeSec per region plus cold starts with token.reuse', () => {
    const raw = JSON.parse(readFileSync(new URL('../../../probes.json', import.meta.url), 'utf8'));
    raw.probes[0].token.reuse = { maxAgeSec: 3600 };

    const auth = estimateCost(config(raw)).identityProviders.find((p) => p.host === 'auth.example.com')!;

    // 720 hourly tokens + 360 cold starts (one per 2-hour instance lifetime), in each of 2 regions.
    expect(auth.tokenRequestsPerMonth).toBe(2_160);
  });
});
