import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/load.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { type CostItem, estimateCost, type ProbeRegionCost } from '../../functions/cost/estimate.js';
import { PRICES } from '../../functions/cost/prices.js';

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
    const cfg = config({ probes: [probe()] });

    const region = estimateCost(cfg).probes[0]!.regions[0]!;

    // Success, TokenLatency, TotalLatency, 1 × StepLatency, Success by Region; 3 gauges (HTTPS: certificate too).
    expect(line(region, 'custom_metrics')!.quantity).toBeCloseTo(5 + 3 / 6, 10);
    expect(line(region, 'custom_metrics')!.monthlyUsd).toBeCloseTo(5.5 * 0.3, 10);
  });

  it('adds one StepLatency series per step and no certificate gauge without TLS', () => {
    const steps = ['a', 'b', 'c'].map((name) => ({ name, request: { url: `http://api.internal/${name}` } }));
    const cfg = config({ probes: [probe({ tokenUrl: 'http://auth.internal/token', steps })] });

    const region = estimateCost(cfg).probes[0]!.regions[0]!;

    expect(line(region, 'custom_metrics')!.quantity).toBeCloseTo(7 + 2 / 6, 10);
  });

  it('charges failure series only for the unhealthy hours assumed', () => {
    const cfg = config({ probes: [probe()] });

    const healthy = estimateCost(cfg).probes[0]!.regions[0]!;
    const unhealthy = estimateCost(cfg, { unhealthyHoursPerMonth: 72 }).probes[0]!.regions[0]!;

    // Failures (one code at a time) and Degraded, each for 72 of 720 hours.
    expect(line(unhealthy, 'custom_metrics')!.quantity - line(healthy, 'custom_metrics')!.quantity).toBeCloseTo(
      0.2,
      10,
    );
  });

  it('doubles PutMetricData outside the home region (the Success copy sent home)', () => {
    const cfg = config({ homeRegion: 'eu-west-1', regions: ['eu-west-1', 'us-east-1'], probes: [probe()] });

    const [home, other] = estimateCost(cfg).probes[0]!.regions;

    expect(home!.home).toBe(true);
    expect(line(home!, 'put_metric_data')!.quantity).toBe(43_200);
    expect(other!.home).toBe(false);
    expect(line(other!, 'put_metric_data')!.quantity).toBe(86_400);
  });

  it('bills a latency alarm metric per request only when a degraded threshold applies', () => {
    const without = estimateCost(config({ probes: [probe()] })).probes[0]!.regions[0]!;
    const withThreshold = estimateCost(config({ probes: [probe({ degradedMs: 1500 })] })).probes[0]!.regions[0]!;

    // availability 1, stopped 1, expiry 2 (+ latency: token and one step)
    expect(line(without, 'alarms')!.quantity).toBe(4);
    expect(line(withThreshold, 'alarms')!.quantity).toBe(6);
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

  it('counts KMS requests only for secrets under a customer key', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/abcd-1234';
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
    const cfg = config(JSON.parse(readFileSync(new URL('../../probes.json', import.meta.url), 'utf8')));

    const estimate = estimateCost(cfg);

    const lines = [
      ...estimate.probes.flatMap((p) => [...p.regions.flatMap((r) => r.lines), ...p.global]),
      ...estimate.shared,
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
