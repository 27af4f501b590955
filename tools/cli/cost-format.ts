/**
 * The `cost` report as text: per probe and region next to the same checks as Synthetics canaries, the
 * totals by item, the prices with their dates and every assumption.
 */
import { COST_ITEM_LABELS, type CostEstimate, type CostItem } from '../cost/estimate.js';
import type { Palette } from './colour.js';

/** `$3.76`, `$0.043`, `$0.0001`, `$0.00` */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(3)}`;
  if (usd >= 0.0001) return `$${usd.toFixed(4)}`;
  return '<$0.0001';
}

/** A whole count with thousands separators: `86,400`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Rows aligned in columns two spaces apart (`r` pads on the left), trailing blanks trimmed. */
export function table(rows: string[][], align: ('l' | 'r')[]): string[] {
  const widths = align.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export interface CostFormatOptions {
  palette: Palette;
  /** Every line of every probe-region with how it was computed. @default false */
  detail?: boolean;
  /** Name of the config, for the title. */
  source?: string;
}

export function formatCostReport(estimate: CostEstimate, options: CostFormatOptions): string {
  const p = options.palette;
  const out: string[] = [];
  out.push(p.bold(`Estimated monthly cost of ${options.source ?? 'the deployment'} (USD, 30-day month)`));
  out.push('');

  const rows: string[][] = [['probe', 'region', 'schedule', 'runs/month', 'oauth-probe', 'as canaries']];
  for (const probe of estimate.probes) {
    for (const r of probe.regions) {
      rows.push([
        probe.probe,
        r.home ? `${r.region} (home)` : r.region,
        r.schedule,
        formatCount(r.runsPerMonth),
        formatUsd(r.monthlyUsd),
        formatUsd(r.canaryMonthlyUsd),
      ]);
    }
    for (const line of probe.global) {
      rows.push([probe.probe, 'global alarm', '', '', formatUsd(line.monthlyUsd), '']);
    }
  }
  for (const line of estimate.shared) {
    rows.push(['(shared)', COST_ITEM_LABELS[line.item].toLowerCase(), '', '', formatUsd(line.monthlyUsd), '']);
  }
  for (const line of estimate.watchdog) {
    rows.push(['(watchdog)', COST_ITEM_LABELS[line.item].toLowerCase(), '', '', formatUsd(line.monthlyUsd), '']);
  }
  rows.push(['total', '', '', '', formatUsd(estimate.total.monthlyUsd), formatUsd(estimate.total.canaryMonthlyUsd)]);
  const lines = table(rows, ['l', 'l', 'l', 'r', 'r', 'r']);
  out.push(p.dim(lines[0]!), ...lines.slice(1, -1), p.bold(lines.at(-1)!));
  out.push(
    `${formatUsd(estimate.total.perProbeRegionUsd)} per probe-region on average (${estimate.total.probeRegions} probe-regions, shared costs included).`,
  );
  out.push('');
  out.push(...identityProvidersSection(estimate, p.bold));

  out.push(...profilesSection(estimate, p.bold));

  out.push(p.bold('By item'));
  const itemRows = (Object.entries(estimate.total.byItem) as [CostItem, number][])
    .sort((a, b) => b[1] - a[1])
    .map(([item, usd]) => [`  ${COST_ITEM_LABELS[item]}`, formatUsd(usd)]);
  out.push(...table(itemRows, ['l', 'r']));
  out.push('');

  if (options.detail) {
    for (const probe of estimate.probes) {
      for (const r of probe.regions) {
        out.push(
          p.bold(`${probe.probe} in ${r.region}`) +
            p.dim(`  (${r.requestsPerRun} requests, ${r.billedMsPerRun} ms billed per run)`),
        );
        out.push(
          ...table(
            r.lines.map((l) => [`  ${COST_ITEM_LABELS[l.item]}`, formatUsd(l.monthlyUsd), p.dim(l.basis)]),
            ['l', 'r', 'l'],
          ),
        );
        out.push('');
      }
    }
  }

  out.push(p.bold('Prices assumed (us-east-1 list prices; check them against the live AWS pricing pages)'));
  out.push(
    ...table(
      estimate.prices.map((price) => [
        `  ${price.description}`,
        price.display,
        price.asOf === 'undated' ? 'undated' : `as of ${price.asOf}`,
      ]),
      ['l', 'l', 'l'],
    ),
  );
  out.push('');
  out.push(p.bold('Assumptions'));
  for (const assumption of estimate.assumptions) out.push(`  - ${assumption}`);
  return `${out.join('\n')}\n`;
}

/**
 * The deployment under each `metrics.profile`, side by side: each probe-region's own cost (its lines,
 * no shared dashboard or keys) and the total. The configured profile is marked.
 */
function profilesSection(estimate: CostEstimate, bold: (text: string) => string): string[] {
  const profiles = estimate.metrics.profiles;
  if (profiles.length === 0) return [];
  const header = [
    '  probe-region',
    ...profiles.map(
      (pc) => `${pc.profile}${pc.profile === estimate.metrics.profile ? ' (configured)' : ''} [${pc.transport}]`,
    ),
  ];
  const rows = profiles[0]!.probeRegions.map((pr, i) => [
    `  ${pr.probe} ${pr.region}`,
    ...profiles.map((pc) => formatUsd(pc.probeRegions[i]!.monthlyUsd)),
  ]);
  rows.push(['  total (shared included)', ...profiles.map((pc) => formatUsd(pc.monthlyUsd))]);
  return [
    bold('Metrics profiles (config metrics.profile), per month'),
    ...table([header, ...rows], ['l', ...profiles.map(() => 'r' as const)]),
    '  lean keeps every alarm (availability, stopped, expiry, latency, global, SLO on Success) with the fewest series.',
    '',
  ];
}

/** Requests a month per authorization server: what counts against a provider's token quota. */
export function identityProvidersSection(estimate: CostEstimate, bold: (text: string) => string): string[] {
  if (estimate.identityProviders.length === 0) return [];
  const rows = estimate.identityProviders.map((idp) => [
    `  ${idp.host}`,
    `${formatCount(idp.tokenRequestsPerMonth)} tokens`,
    `${formatCount(idp.otherRequestsPerMonth)} other`,
    idp.probes.join(', '),
  ]);
  return [
    bold('Requests a month by authorization server (token quotas: docs/providers.md)'),
    ...table(rows, ['l', 'r', 'r', 'l']),
    '',
  ];
}
