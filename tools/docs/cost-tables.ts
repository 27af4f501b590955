/**
 * The cost figures of docs/cost.md, computed by the cost model (tools/cost/estimate.ts, what
 * `oauth-probe cost` prints) for a few single probes, so the page never quotes a figure the model no
 * longer gives: per probe-region under each metrics profile and transport, next to a Synthetics canary,
 * and the lines of the cheapest setup.
 */
import { parseConfig } from '../../functions/config/load.js';
import { formatUsd } from '../cli/cost-format.js';
import { COST_ITEM_LABELS, type CostEstimate, estimateCost } from '../cost/estimate.js';

const STEP = { request: { method: 'GET', url: 'https://api.example.com/v1/items' } };

/** One probe on a 1-minute schedule in us-east-1 (its home region), priced as `cost` prices it. */
function estimate(probe: object, metrics: object): CostEstimate {
  const parsed = parseConfig({
    regions: ['us-east-1'],
    metrics,
    notifications: { dashboardsOnly: true },
    probes: [{ name: 'p', tokenUrl: 'https://auth.example.com/oauth/token', credentials: { secretId: 's' }, ...probe }],
  });
  if (!parsed.ok) throw new Error(`cost table config: ${JSON.stringify(parsed.problems)}`);
  return estimateCost(parsed.config);
}

const PROBES: [string, object][] = [
  ['token request only', {}],
  ['token request only, `degradedMs`', { degradedMs: 1500 }],
  [
    'token request and 2 API steps, `degradedMs`',
    { degradedMs: 1500, steps: [0, 1].map((i) => ({ name: `step${i}`, ...STEP })) },
  ],
];

const SETUPS: [string, object][] = [
  ['`full`, `putMetricData` (default)', {}],
  ['`full`, `emf`', { transport: 'emf' }],
  ['`lean` (`emf`)', { profile: 'lean' }],
  ['`lean`, `putMetricData`', { profile: 'lean', transport: 'putMetricData' }],
];

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** Per probe-region and month, all-in (its alarms, SLO burn alarms included), under each setup. */
export function costExamplesTable(): string {
  const lines = [
    row(['probe (1-minute schedule, one region)', ...SETUPS.map(([label]) => label), 'as a Synthetics canary']),
    row(['---', ...SETUPS.map(() => '---'), '---']),
  ];
  for (const [label, probe] of PROBES) {
    const priced = SETUPS.map(([, metrics]) => estimate(probe, metrics).probes[0]!.regions[0]!);
    lines.push(row([label, ...priced.map((r) => formatUsd(r.monthlyUsd)), formatUsd(priced[0]!.canaryMonthlyUsd)]));
  }
  const shared = estimate({}, {}).shared;
  const total = shared.reduce((n, line) => n + line.monthlyUsd, 0);
  lines.push(
    '',
    `Once per deployment, ${formatUsd(total)} a month with one region (each further region adds its KMS key and its own alarms):`,
    '',
    ...shared.map((line) => `- ${COST_ITEM_LABELS[line.item]} ${formatUsd(line.monthlyUsd)}: ${line.basis}`),
  );
  return `${lines.join('\n')}\n`;
}

/** Every line of the cheapest setup: `lean`, token request only, `degradedMs`. */
export function leanBreakdownTable(): string {
  const region = estimate({ degradedMs: 1500 }, { profile: 'lean' }).probes[0]!.regions[0]!;
  const lines = [row(['item', 'per month', 'how it is counted']), row(['---', '---:', '---'])];
  for (const line of [...region.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd)) {
    lines.push(row([COST_ITEM_LABELS[line.item], formatUsd(line.monthlyUsd), line.basis]));
  }
  lines.push(row(['**total**', `**${formatUsd(region.monthlyUsd)}**`, '']));
  return `${lines.join('\n')}\n`;
}
