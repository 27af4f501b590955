/**
 * `oauth-probe cost` by default: the estimate in at most 25 lines of at most 100 columns, whatever the
 * size of the fleet. Per probe and region (per probe, or the costliest probes and "… and N more", when
 * there are too many), the total next to canaries, the largest items, the metrics profiles, the token
 * requests each authorization server gets (its quota is what a provider enforces) and the busiest
 * minute against the default quotas. Every line, price and assumption is `cost --detail`
 * (./cost-format.ts); the numbers are the same estimate's (tools/cost/estimate.ts).
 */
import type { RegionCapacity } from '../cost/capacity.js';
import { COST_ITEM_LABELS, type CostEstimate, type CostItem } from '../cost/estimate.js';
import type { Palette } from './colour.js';
import { formatCount, formatUsd, table } from './cost-format.js';

/** The summary's bounds (tested for the example probes.json and for fleets of any size). */
export const SUMMARY_MAX_LINES = 25;
export const SUMMARY_MAX_COLUMNS = 100;
/** Data rows of the cost table, "… and N more" included. */
const MAX_COST_ROWS = 6;
/** Authorization server rows, "… and N more" included. */
const MAX_PROVIDER_ROWS = 3;
const PROBE_WIDTH = 26;
const HOST_WIDTH = 30;
const WHERE_WIDTH = 30;
const PROBES_WIDTH = 40;

export interface CostSummaryOptions {
  palette: Palette;
  /** Name of the config, for the title. */
  source?: string;
}

/** `text` cut to `width` characters, the cut marked with "…". */
export function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** A name cut in the middle: fleets name probes alike and tell them apart at the end. */
export function clipMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  const tail = Math.floor((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

interface CostRow {
  probe: string;
  where: string;
  runs?: number;
  usd: number;
  canaryUsd?: number;
  /** The "… and N more" row. */
  rest?: boolean;
}

/**
 * One row per probe-region (and global alarm) while they fit; else one per probe; else the costliest
 * probes, in config order, and one row for the rest.
 */
function costRows(estimate: CostEstimate): CostRow[] {
  const perRegion: CostRow[] = estimate.probes.flatMap((probe) => [
    ...probe.regions.map((r) => ({
      probe: probe.probe,
      where: r.home ? `${r.region} (home)` : r.region,
      runs: r.runsPerMonth,
      usd: r.monthlyUsd,
      canaryUsd: r.canaryMonthlyUsd,
    })),
    ...probe.global.map((line) => ({ probe: probe.probe, where: 'global alarm', usd: line.monthlyUsd })),
  ]);
  if (perRegion.length <= MAX_COST_ROWS) return perRegion;
  const perProbe: CostRow[] = estimate.probes.map((probe) => ({
    probe: probe.probe,
    where: probe.regions.length === 1 ? probe.regions[0]!.region : `${probe.regions.length} regions`,
    runs: probe.regions.reduce((n, r) => n + r.runsPerMonth, 0),
    usd: probe.monthlyUsd,
    canaryUsd: probe.canaryMonthlyUsd,
  }));
  if (perProbe.length <= MAX_COST_ROWS) return perProbe;
  const shown = new Set(
    [...perProbe]
      .sort((a, b) => b.usd - a.usd)
      .slice(0, MAX_COST_ROWS - 1)
      .map((row) => row.probe),
  );
  const rest = perProbe.filter((row) => !shown.has(row.probe));
  return [
    ...perProbe.filter((row) => shown.has(row.probe)),
    {
      probe: `… and ${formatCount(rest.length)} more probes`,
      rest: true,
      where: '',
      runs: rest.reduce((n, r) => n + (r.runs ?? 0), 0),
      usd: rest.reduce((n, r) => n + r.usd, 0),
      canaryUsd: rest.reduce((n, r) => n + (r.canaryUsd ?? 0), 0),
    },
  ];
}

function costTable(estimate: CostEstimate, p: Palette): string[] {
  const rows: string[][] = [['probe', 'region', 'runs/month', 'oauth-probe', 'as canaries']];
  for (const row of costRows(estimate)) {
    rows.push([
      row.rest ? row.probe : clipMiddle(row.probe, PROBE_WIDTH),
      clip(row.where, WHERE_WIDTH),
      row.runs === undefined ? '' : formatCount(row.runs),
      formatUsd(row.usd),
      row.canaryUsd === undefined ? '' : formatUsd(row.canaryUsd),
    ]);
  }
  if (estimate.shared.length > 0) {
    const labels = estimate.shared.map((line) => COST_ITEM_LABELS[line.item]).join(', ');
    const usd = estimate.shared.reduce((n, line) => n + line.monthlyUsd, 0);
    rows.push(['(shared)', clip(labels, WHERE_WIDTH), '', formatUsd(usd), '']);
  }
  rows.push(['total', '', '', formatUsd(estimate.total.monthlyUsd), formatUsd(estimate.total.canaryMonthlyUsd)]);
  const lines = table(rows, ['l', 'l', 'r', 'r', 'r']);
  return [
    p.dim(lines[0]!),
    ...lines.slice(1, -1),
    p.bold(lines.at(-1)!),
    `${formatUsd(estimate.total.perProbeRegionUsd)} per probe-region on average (${formatCount(estimate.total.probeRegions)} probe-regions, shared costs included).`,
  ];
}

/** The largest items, as many as one line holds (at most four). */
function largestItems(estimate: CostEstimate): string {
  const items = (Object.entries(estimate.total.byItem) as [CostItem, number][])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([item, usd]) => `${COST_ITEM_LABELS[item]} ${formatUsd(usd)}`);
  let line = 'Largest items:';
  for (const [i, item] of items.entries()) {
    const next = `${line}${i === 0 ? ' ' : ', '}${item}`;
    if (next.length + 1 > SUMMARY_MAX_COLUMNS) break;
    line = next;
  }
  return `${line}.`;
}

/** Each metrics profile's total in one line, and what `emf` alone would save. */
function profileLines(estimate: CostEstimate): string[] {
  const { metrics } = estimate;
  const lines: string[] = [];
  if (metrics.profiles.length > 0) {
    const each = metrics.profiles.map(
      (pc) =>
        `${pc.profile} [${pc.transport}] ${formatUsd(pc.monthlyUsd)}${pc.profile === metrics.profile ? ' (configured)' : ''}`,
    );
    lines.push(clip(`Metrics profiles: ${each.join(', ')}.`, SUMMARY_MAX_COLUMNS));
  }
  if (metrics.emfSavingUsd !== undefined && metrics.emfSavingUsd > 0) {
    lines.push(`"metrics": { "transport": "emf" } would cost ${formatUsd(metrics.emfSavingUsd)} a month less.`);
  }
  return lines;
}

/** Token requests a month per authorization server: what counts against a provider's token quota. */
function providerLines(estimate: CostEstimate, bold: (text: string) => string): string[] {
  const providers = estimate.identityProviders;
  if (providers.length === 0) return [];
  const shown = providers.length <= MAX_PROVIDER_ROWS ? providers : providers.slice(0, MAX_PROVIDER_ROWS - 1);
  const rows = shown.map((idp) => [
    `  ${clip(idp.host, HOST_WIDTH)}`,
    `${formatCount(idp.tokenRequestsPerMonth)} tokens`,
    `${formatCount(idp.otherRequestsPerMonth)} other`,
    probeList(idp.probes),
  ]);
  const rest = providers.slice(shown.length);
  if (rest.length > 0) {
    rows.push([
      `  … and ${formatCount(rest.length)} more`,
      `${formatCount(rest.reduce((n, idp) => n + idp.tokenRequestsPerMonth, 0))} tokens`,
      `${formatCount(rest.reduce((n, idp) => n + idp.otherRequestsPerMonth, 0))} other`,
      '',
    ]);
  }
  const lines = table(rows, ['l', 'r', 'r', 'l']).map((line) => clip(line, SUMMARY_MAX_COLUMNS));
  return [bold('Token requests a month by authorization server (token quotas: docs/providers.md)'), ...lines];
}

/** The probes of an authorization server: all of them while they are short, else the first and a count. */
function probeList(probes: string[]): string {
  const all = probes.join(', ');
  if (all.length <= PROBES_WIDTH) return all;
  if (probes.length === 1) return clipMiddle(all, PROBES_WIDTH);
  return `${clipMiddle(probes[0] ?? '', PROBE_WIDTH)} and ${formatCount(probes.length - 1)} more`;
}

/** The busiest minute: the region with the most runs at once, and where a default quota is half used. */
function capacityLines(capacity: RegionCapacity[]): string[] {
  if (capacity.length === 0) return [];
  const busiest = capacity.reduce((a, b) => (b.runsInPeakMinute > a.runsInPeakMinute ? b : a));
  const crowded = capacity.filter((r) => r.warnings.length > 0).map((r) => r.region);
  const head = `Busiest minute: ${formatCount(busiest.runsInPeakMinute)} runs at once in ${busiest.region}`;
  if (crowded.length === 0)
    return [clip(`${head}; every rate within the default account quotas.`, SUMMARY_MAX_COLUMNS)];
  const where = crowded.length === 1 ? crowded[0] : `${crowded.length} regions`;
  return [
    clip(`${head}.`, SUMMARY_MAX_COLUMNS),
    `Default account quotas half used or more in ${where}: see cost --detail.`,
  ];
}

export function formatCostSummary(
  estimate: CostEstimate,
  capacity: RegionCapacity[],
  options: CostSummaryOptions,
): string {
  const p = options.palette;
  const title = `Estimated monthly cost of ${options.source ?? 'the deployment'}`;
  const suffix = ' (USD, 30-day month)';
  const out: string[] = [p.bold(`${clip(title, SUMMARY_MAX_COLUMNS - suffix.length)}${suffix}`), ''];
  out.push(...costTable(estimate, p), '');
  out.push(largestItems(estimate), ...profileLines(estimate), '');
  const providers = providerLines(estimate, p.bold);
  if (providers.length > 0) out.push(...providers, '');
  out.push(...capacityLines(capacity));
  out.push('Dated us-east-1 list prices (check the live AWS pages); every line and assumption: --detail');
  return `${out.join('\n')}\n`;
}
