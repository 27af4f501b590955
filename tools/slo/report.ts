/**
 * `oauth-probe slo-report`: per probe, attainment over its SLO window, error budget left, worst region
 * and top failure codes, read from CloudWatch with GetMetricData (one call per region, every probe of
 * that region in it, each call under an abort deadline).
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { type ResolvedProbe, sloWindowDays } from '../../functions/config/resolve.js';
import { budgetStatus, DIMENSION_CODE, DIMENSION_PROBE, METRICS } from '../../functions/contract/index.js';

/** Each GetMetricData call is aborted after this long. */
export const GET_METRIC_DATA_DEADLINE_MS = 10_000;
/** GetMetricData takes at most 500 queries per call; three per probe. */
const PROBES_PER_CALL = 160;

export interface RegionFigures {
  region: string;
  runs: number;
  successes: number;
  attainment: number | null;
}

export interface ProbeSloReport {
  probe: string;
  objective: number;
  window: string;
  runs: number;
  successes: number;
  /** Percent of successful runs over the window; null without runs. */
  attainment: number | null;
  /** Percent of the error budget left (negative when overspent); null without runs. */
  budgetRemaining: number | null;
  worstRegion: RegionFigures | null;
  topFailureCodes: { code: string; count: number }[];
  regions: RegionFigures[];
}

export interface ReportInput {
  probes: readonly ResolvedProbe[];
  namespace: string;
  client: (region: string) => CloudWatchClient;
  now?: Date;
  deadlineMs?: number;
}

export async function sloReport(input: ReportInput): Promise<ProbeSloReport[]> {
  const regions = [...new Set(input.probes.flatMap((p) => p.regions))];
  const perRegion = await Promise.all(regions.map((region) => readRegion(input, region)));
  const byProbe = new Map<string, { figures: RegionFigures[]; codes: Map<string, number> }>();
  for (const results of perRegion) {
    for (const [probe, { figures, codes }] of results) {
      const entry = byProbe.get(probe) ?? { figures: [] as RegionFigures[], codes: new Map<string, number>() };
      entry.figures.push(figures);
      for (const [code, count] of codes) entry.codes.set(code, (entry.codes.get(code) ?? 0) + count);
      byProbe.set(probe, entry);
    }
  }
  return input.probes.map((probe) => summarise(probe, byProbe.get(probe.name)));
}

function summarise(
  probe: ResolvedProbe,
  data: { figures: RegionFigures[]; codes: Map<string, number> } | undefined,
): ProbeSloReport {
  const figures = data?.figures ?? [];
  const runs = figures.reduce((n, f) => n + f.runs, 0);
  const successes = figures.reduce((n, f) => n + f.successes, 0);
  const status = budgetStatus(runs, successes, probe.slo.objective);
  const measured = figures.filter((f) => f.attainment !== null);
  const worst = measured.reduce<RegionFigures | null>(
    (low, f) => (low === null || (f.attainment ?? 100) < (low.attainment ?? 100) ? f : low),
    null,
  );
  const topFailureCodes = [...(data?.codes ?? new Map<string, number>())]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, 3);
  return {
    probe: probe.name,
    objective: probe.slo.objective,
    window: probe.slo.window,
    runs,
    successes,
    attainment: status.attainment,
    budgetRemaining: status.budgetRemaining,
    worstRegion: worst,
    topFailureCodes,
    regions: figures,
  };
}

type RegionResults = Map<string, { figures: RegionFigures; codes: Map<string, number> }>;

async function readRegion(input: ReportInput, region: string): Promise<RegionResults> {
  const probes = input.probes.filter((p) => p.regions.includes(region));
  const results: RegionResults = new Map();
  for (let start = 0; start < probes.length; start += PROBES_PER_CALL) {
    const batch = probes.slice(start, start + PROBES_PER_CALL);
    // One call per SLO window length: a query's period is its probe's window.
    for (const days of new Set(batch.map((p) => sloWindowDays(p.slo)))) {
      const group = batch.filter((p) => sloWindowDays(p.slo) === days);
      const data = await getMetricData(input, region, days, queries(input.namespace, group, days));
      for (const [index, probe] of group.entries()) results.set(probe.name, read(data, index, region));
    }
  }
  return results;
}

function queries(namespace: string, probes: readonly ResolvedProbe[], days: number): MetricDataQuery[] {
  const period = days * 24 * 3600;
  return probes.flatMap((probe, i) => {
    const metric = {
      Namespace: namespace,
      MetricName: METRICS.success.name,
      Dimensions: [{ Name: DIMENSION_PROBE, Value: probe.name }],
    };
    return [
      { Id: `n${i}`, MetricStat: { Metric: metric, Period: period, Stat: 'SampleCount' } },
      { Id: `s${i}`, MetricStat: { Metric: metric, Period: period, Stat: 'Sum' } },
      {
        Id: `f${i}`,
        Expression: `SEARCH('{${namespace},${DIMENSION_PROBE},${DIMENSION_CODE}} MetricName="${METRICS.failures.name}" ${DIMENSION_PROBE}="${probe.name}"', 'Sum', ${period})`,
        Label: DIMENSION_CODE,
      },
    ];
  });
}

async function getMetricData(
  input: ReportInput,
  region: string,
  days: number,
  metricQueries: MetricDataQuery[],
): Promise<MetricDataResult[]> {
  const end = input.now ?? new Date();
  const startTime = new Date(end.getTime() - days * 24 * 3600 * 1000);
  const results: MetricDataResult[] = [];
  let nextToken: string | undefined;
  do {
    const response = await input.client(region).send(
      new GetMetricDataCommand({
        MetricDataQueries: metricQueries,
        StartTime: startTime,
        EndTime: end,
        NextToken: nextToken,
        ScanBy: 'TimestampDescending',
      }),
      { abortSignal: AbortSignal.timeout(input.deadlineMs ?? GET_METRIC_DATA_DEADLINE_MS) },
    );
    results.push(...(response.MetricDataResults ?? []));
    nextToken = response.NextToken;
  } while (nextToken);
  return results;
}

/** A SEARCH result's label names its code: the last word of the label CloudWatch builds. */
function read(data: MetricDataResult[], index: number, region: string) {
  const total = (id: string) =>
    data.filter((r) => r.Id === id).reduce((n, r) => n + (r.Values ?? []).reduce((a, b) => a + b, 0), 0);
  const runs = total(`n${index}`);
  const successes = total(`s${index}`);
  const codes = new Map<string, number>();
  for (const result of data.filter((r) => r.Id?.startsWith(`f${index}`) && /^f\d+/.exec(r.Id)?.[0] === `f${index}`)) {
    const code = (result.Label ?? 'unknown').trim().split(/\s+/).pop()!;
    const count = (result.Values ?? []).reduce((a, b) => a + b, 0);
    if (count > 0) codes.set(code, (codes.get(code) ?? 0) + count);
  }
  const attainment = runs > 0 ? Math.round((10_000 * successes) / runs) / 100 : null;
  return { figures: { region, runs, successes, attainment }, codes };
}
