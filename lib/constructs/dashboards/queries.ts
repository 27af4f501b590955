/**
 * Metric queries of the dashboards, written once: SEARCH over a group of probes (bounded series per
 * widget, whatever the fleet size), Metrics Insights for fleet-wide summaries (aggregated server-side,
 * so a thousand probes are one series), and burn-rate math on top of SEARCH.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DIMENSION_PROBE, errorBudget } from '../../../functions/contract/index.js';

export interface QueryContext {
  namespace: string;
  /** The probe names of this dashboard page. */
  probes: readonly string[];
}

/** `(Probe="a" OR Probe="b")`: the page's probes, so a SEARCH returns at most one series per probe. */
export function probeFilter(probes: readonly string[]): string {
  return `(${probes.map((p) => `${DIMENSION_PROBE}="${p}"`).join(' OR ')})`;
}

/** SEARCH of one metric over the page's probes, in `region`. */
export function search(
  ctx: QueryContext,
  region: string,
  options: {
    metric: string;
    dimensions?: string[];
    statistic: string;
    period: Duration;
    label?: string;
    filter?: string;
  },
): cloudwatch.MathExpression {
  const schema = [ctx.namespace, DIMENSION_PROBE, ...(options.dimensions ?? [])].join(',');
  const filter = options.filter ? ` ${options.filter}` : '';
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${options.metric}" ${probeFilter(ctx.probes)}${filter}', '${options.statistic}', ${options.period.toSeconds()})`,
    searchRegion: region,
    label: options.label ?? '',
    period: options.period,
  });
}

/**
 * Burn rate per probe over `window` for the probes of one SLO objective: (1 − mean Success) ÷ budget.
 * The alarms add a failed-run floor; the graph shows the plain burn.
 */
export function burnRate(
  ctx: QueryContext,
  region: string,
  objective: number,
  window: Duration,
  id: string,
): cloudwatch.MathExpression {
  const success = search(ctx, region, { metric: 'Success', statistic: 'Average', period: window });
  return new cloudwatch.MathExpression({
    expression: `(1 - ${id}) / ${errorBudget(objective)}`,
    usingMetrics: { [id]: success },
    searchRegion: region,
    label: '',
    period: window,
  });
}

/** A Metrics Insights query over the whole namespace in `region` (recent data only: "now" widgets). */
export function insights(ctx: QueryContext, region: string, sql: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: sql.replaceAll('$NS', `"${ctx.namespace}"`),
    searchRegion: region,
    label,
    period: Duration.minutes(5),
  });
}
