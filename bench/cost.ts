/**
 * Figure 6, cost, from the cost model (`estimateCost`, the same as the `cost` command) with its default
 * assumptions. The target row measures what issue 12's target says: a token-only probe on a 1-minute
 * schedule in one region under `metrics.profile: "lean"` (its default transport, EMF), all-in per
 * probe-region (every line of the probe in its region, SLO burn-rate alarms included; the dashboards and
 * KMS keys shared by every probe of a deployment are reported separately). Reported beside it: the same
 * probe under the full profile, the two-step HTTPS probe (token request plus two API steps, a degraded
 * threshold so the latency alarm exists) under the full profile with PutMetricData and with EMF, the whole
 * one-probe deployment with its shared resources, and a CloudWatch Synthetics canary on the same schedule.
 */

import type { MetricsTransport } from '../functions/config/schema.js';
import { configSchema } from '../functions/config/schema.js';
import type { MetricsProfile } from '../functions/contract/index.js';
import { COST_ITEM_LABELS, estimateCost } from '../tools/cost/estimate.js';
import type { FigureGroup } from './figure.js';
import { round } from './stats.js';

const MAX_USD = 1.5;

const twoSteps = (transport: MetricsTransport) =>
  configSchema.parse({
    regions: ['us-east-1'],
    metrics: { transport },
    probes: [
      {
        name: 'billing-api',
        tokenUrl: 'https://auth.example.com/oauth2/token',
        credentials: { secretId: 'oauth-probe/billing' },
        scope: 'billing:read',
        degradedMs: 2000,
        schedule: 'rate(1 minute)',
        steps: [
          { name: 'list-invoices', request: { url: 'https://api.example.com/v1/invoices?limit=1' } },
          { name: 'get-invoice', request: { url: 'https://api.example.com/v1/invoices/{{id}}' } },
        ],
      },
    ],
  });

/** The probe of the target: token only, 1-minute schedule, one region, the profile's default transport. */
const tokenOnly = (profile: MetricsProfile) =>
  configSchema.parse({
    regions: ['us-east-1'],
    metrics: { profile },
    probes: [
      {
        name: 'token-only',
        tokenUrl: 'https://auth.example.com/oauth2/token',
        credentials: { secretId: 'oauth-probe/token-only' },
        degradedMs: 2000,
        schedule: 'rate(1 minute)',
      },
    ],
  });

export function measureCost(): FigureGroup {
  const lean = estimateCost(tokenOnly('lean'));
  const leanProbe = lean.probes[0]!;
  // All-in per probe-region: every line of the probe (one region, so no global alarm), SLO alarms included.
  const leanPerProbeRegion = leanProbe.monthlyUsd;
  const fullTokenOnly = estimateCost(tokenOnly('full')).probes[0]!.monthlyUsd;
  const estimate = estimateCost(twoSteps('putMetricData'));
  const emf = estimateCost(twoSteps('emf')).probes[0]!.monthlyUsd;
  const probe = estimate.probes[0]!;
  const region = leanProbe.regions[0]!;
  return {
    id: 6,
    title: 'Cost',
    figures: [
      {
        key: 'cost.leanTokenOnlyPerProbeRegionMonthUsd',
        label: 'Lean profile, token-only probe, 1-minute schedule, one region, all-in per probe-region-month',
        target: `≤ $${MAX_USD.toFixed(2)}`,
        measured: round(leanPerProbeRegion, 3),
        unit: 'USD',
        pass: leanPerProbeRegion <= MAX_USD,
      },
      {
        key: 'cost.fullTokenOnlyPerProbeRegionMonthUsd',
        label: 'Same probe, full profile (PutMetricData)',
        target: 'report',
        measured: round(fullTokenOnly, 3),
        unit: 'USD',
        pass: null,
      },
      {
        key: 'cost.perProbeRegionMonthUsd',
        label: 'Full profile, token + 2 API steps, 1-minute schedule, one region, per month',
        target: 'report',
        measured: round(probe.monthlyUsd, 3),
        unit: 'USD',
        pass: null,
      },
      {
        key: 'cost.perProbeRegionMonthUsd.emf',
        label: 'Same, with metrics.transport "emf"',
        target: 'report',
        measured: round(emf, 3),
        unit: 'USD',
        pass: null,
      },
      {
        key: 'cost.oneProbeDeploymentMonthUsd',
        label: 'Whole deployment of that one probe (+ dashboards, KMS keys)',
        target: 'report',
        measured: round(estimate.total.monthlyUsd, 3),
        unit: 'USD',
        pass: null,
      },
      {
        key: 'cost.syntheticsCanaryMonthUsd',
        label: 'CloudWatch Synthetics canary, same schedule',
        target: 'report ($51.84)',
        measured: round(probe.canaryMonthlyUsd, 2),
        unit: 'USD',
        pass: null,
      },
    ],
    details: {
      // The lines of the target row (lean, token-only), then the full two-step probe's.
      runsPerMonth: region.runsPerMonth,
      requestsPerRun: region.requestsPerRun,
      billedMsPerRun: region.billedMsPerRun,
      lines: [...region.lines, ...leanProbe.global].map(describeLine),
      fullTwoStepLines: [...probe.regions[0]!.lines, ...probe.global, ...estimate.shared].map(describeLine),
      assumptions: lean.assumptions,
      prices: lean.prices.map((p) => ({ key: p.key, usd: p.usd, unit: p.unit, asOf: p.asOf })),
    },
  };
}

function describeLine(line: ReturnType<typeof estimateCost>['shared'][number]) {
  return {
    item: COST_ITEM_LABELS[line.item],
    quantity: round(line.quantity, 4),
    unit: line.unit,
    usd: round(line.monthlyUsd, 4),
    basis: line.basis,
  };
}
