/**
 * Figure 6, cost: the cost model's figure (`estimateCost`, the same as the `cost` command) for one probe
 * (token request plus two API steps over HTTPS, a degraded threshold so the latency alarm exists) on a
 * 1-minute schedule in one region, with the model's default assumptions and the default metrics transport
 * (PutMetricData), against a CloudWatch Synthetics canary on the same schedule. Also reported: the same
 * with `metrics.transport: "emf"`, and the whole one-probe deployment with its shared resources (the
 * dashboard and the KMS keys of the alarm and notification topics).
 */
import { configSchema } from '../functions/config/schema.js';
import { COST_ITEM_LABELS, estimateCost } from '../tools/cost/estimate.js';
import type { FigureGroup } from './figure.js';
import { round } from './stats.js';

const MAX_USD = 1.5;

const config = (transport: 'putMetricData' | 'emf') =>
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

export function measureCost(): FigureGroup {
  const estimate = estimateCost(config('putMetricData'));
  const emf = estimateCost(config('emf')).probes[0]!.monthlyUsd;
  const probe = estimate.probes[0]!;
  const region = probe.regions[0]!;
  // The probe's own cost in its region; the dashboard and the KMS keys are shared by every probe.
  const perProbeRegion = probe.monthlyUsd;
  const deployment = estimate.total.monthlyUsd;
  return {
    id: 6,
    title: 'Cost',
    figures: [
      {
        key: 'cost.perProbeRegionMonthUsd',
        label: 'One probe, 1-minute schedule, one region, per month',
        target: `≤ $${MAX_USD.toFixed(2)}`,
        measured: round(perProbeRegion, 3),
        unit: 'USD',
        pass: perProbeRegion <= MAX_USD,
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
        label: 'Whole deployment of that one probe (+ dashboard, KMS keys)',
        target: 'report',
        measured: round(deployment, 3),
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
      runsPerMonth: region.runsPerMonth,
      requestsPerRun: region.requestsPerRun,
      billedMsPerRun: region.billedMsPerRun,
      lines: [...region.lines, ...probe.global, ...estimate.shared].map((line) => ({
        item: COST_ITEM_LABELS[line.item],
        quantity: round(line.quantity, 4),
        unit: line.unit,
        usd: round(line.monthlyUsd, 4),
        basis: line.basis,
      })),
      assumptions: estimate.assumptions,
      prices: estimate.prices.map((p) => ({ key: p.key, usd: p.usd, unit: p.unit, asOf: p.asOf })),
    },
  };
}
