/**
 * The three dashboards of the on-call guide, one class per page family, one method per widget family
 * (as cdk-monitoring-constructs does with its create*Widget methods):
 * - Executive: SLO attainment and error budget left per probe over its SLO window, failures this month,
 *   probes failing now per region (and, on the first page, the fleet's worst probes now).
 * - On-call: fast and slow burn rates, alarm status, success and token issuance by region, token and
 *   step latency p50/p95/p99, failures by stage and code, the 401/403 and 429 panels.
 * - Debug: token and step phase timings and the latest failing results (Logs Insights on the probe
 *   log group where the dashboard can name it), days left, token lifetime, metric publish failures.
 * Every widget covers the page's probes in one region (ids p<i> are unique per widget).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ResolvedProbe } from '../../../functions/config/resolve.js';
import { sloWindowDays } from '../../../functions/config/resolve.js';
import {
  DIMENSION_CODE,
  DIMENSION_STAGE,
  DIMENSION_STEP,
  errorBudget,
  METRIC_PUBLISH_FAILURES_METRIC,
  METRICS,
  type MetricDefinition,
  type MetricsProfile,
  PROBE_RESULT_LOG_EVENT,
  publishes,
} from '../../../functions/contract/index.js';
import { FULL, HALF, HEIGHT, THIRD } from './layout.js';
import { burnRate, insights, type QueryContext, search } from './queries.js';

export interface PageInput {
  namespace: string;
  probes: readonly ResolvedProbe[];
  /** Regions the page's probes run from. */
  regions: readonly string[];
  /** True on the first page of a family: fleet-wide summaries go there once. */
  first: boolean;
  /** `metrics.profile`: graphs only the series it publishes. @default full */
  profile?: MetricsProfile;
  /** Probe log group names by region, where known to this stack (Logs Insights widget). */
  logGroups?: ReadonlyMap<string, string>;
  /** Alarm-status widgets of the page (built by the caller, already split at 100 alarms). */
  alarmWidgets?: cloudwatch.IWidget[];
  /** Names of the three families' first pages, for the header links. */
  title: string;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Codes that come with HTTP 401 or 403, at the token endpoint or the API. */
export const AUTH_REJECTION_CODES = [
  'invalid_client',
  'unauthorized_client',
  'unauthorized',
  'invalid_token',
  'forbidden',
  'insufficient_scope',
] as const;

/** Probes grouped by SLO (objective, window): one attainment and one budget widget per group and region. */
function sloClasses(probes: readonly ResolvedProbe[]): { objective: number; days: number; probes: string[] }[] {
  const classes = new Map<string, { objective: number; days: number; probes: string[] }>();
  for (const probe of probes) {
    const days = sloWindowDays(probe.slo);
    const key = `${probe.slo.objective}/${days}`;
    const entry = classes.get(key) ?? { objective: probe.slo.objective, days, probes: [] };
    entry.probes.push(probe.name);
    classes.set(key, entry);
  }
  return [...classes.values()];
}

abstract class Page {
  protected readonly ctx: QueryContext;
  constructor(protected readonly input: PageInput) {
    this.ctx = { namespace: input.namespace, probes: input.probes.map((p) => p.name) };
  }
  abstract widgets(): cloudwatch.IWidget[];

  /** True when the deployment's metrics profile publishes `metric` (the page graphs nothing else). */
  protected published(metric: MetricDefinition): boolean {
    return publishes(this.input.profile ?? 'full', metric);
  }

  protected header(markdown: string): cloudwatch.IWidget {
    return new cloudwatch.TextWidget({ markdown: `# ${this.input.title}\n${markdown}`, width: FULL, height: 2 });
  }

  /** One graph per region of `build(region)`. */
  protected perRegion(
    title: string,
    build: (region: string) => cloudwatch.IMetric[],
    extra: Partial<cloudwatch.GraphWidgetProps> = {},
  ): cloudwatch.IWidget[] {
    return this.input.regions.map(
      (region) =>
        new cloudwatch.GraphWidget({
          title: `${title} (${region})`,
          region,
          left: build(region),
          width: THIRD,
          height: HEIGHT,
          ...extra,
        }),
    );
  }
}

export class ExecutivePage extends Page {
  widgets(): cloudwatch.IWidget[] {
    return [
      this.header(
        'SLO attainment and error budget left per probe over its SLO window, failures this month, and how many probes fail now in each region.',
      ),
      ...(this.input.first ? this.createFleetNowWidgets() : []),
      ...this.createSloWidgets(),
      ...this.createFailuresThisMonthWidgets(),
      ...this.createFailingNowWidgets(),
    ];
  }

  /** Fleet-wide, aggregated server-side by Metrics Insights: one series per region, any fleet size. */
  createFleetNowWidgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.GraphWidget({
        title: 'Fleet success rate now, per region (all probes)',
        left: this.input.regions.map((region) =>
          insights(this.ctx, region, 'SELECT AVG(Success) FROM SCHEMA($NS, Probe)', region),
        ),
        leftYAxis: { min: 0, max: 1, showUnits: false },
        width: HALF,
        height: HEIGHT,
      }),
      ...this.input.regions.map(
        (region) =>
          new cloudwatch.GraphWidget({
            title: `Worst 10 probes now (${region})`,
            region,
            left: [
              insights(
                this.ctx,
                region,
                'SELECT MIN(Success) FROM SCHEMA($NS, Probe) GROUP BY Probe ORDER BY MIN() ASC LIMIT 10',
                '',
              ),
            ],
            view: cloudwatch.GraphWidgetView.BAR,
            width: THIRD,
            height: HEIGHT,
          }),
      ),
    ];
  }

  createSloWidgets(): cloudwatch.IWidget[] {
    return sloClasses(this.input.probes).flatMap((slo) =>
      this.input.regions.flatMap((region) => {
        const ctx = { ...this.ctx, probes: slo.probes };
        const attainment = (id: string) =>
          search(ctx, region, { metric: 'Success', statistic: 'Average', period: FIVE_MINUTES, label: id });
        const common = { region, start: `-P${slo.days}D`, setPeriodToTimeRange: true, width: HALF, height: HEIGHT };
        return [
          new cloudwatch.SingleValueWidget({
            title: `SLO attainment % over ${slo.days} d (objective ${slo.objective} %, ${region})`,
            metrics: [
              new cloudwatch.MathExpression({
                expression: '100 * a',
                usingMetrics: { a: attainment('a') },
                searchRegion: region,
                label: '',
              }),
            ],
            ...common,
          }),
          new cloudwatch.SingleValueWidget({
            title: `Error budget left % over ${slo.days} d (objective ${slo.objective} %, ${region})`,
            metrics: [
              new cloudwatch.MathExpression({
                expression: `100 * (1 - (1 - b) / ${errorBudget(slo.objective)})`,
                usingMetrics: { b: attainment('b') },
                searchRegion: region,
                label: '',
              }),
            ],
            ...common,
          }),
        ];
      }),
    );
  }

  createFailuresThisMonthWidgets(): cloudwatch.IWidget[] {
    return this.input.regions.map(
      (region) =>
        new cloudwatch.SingleValueWidget({
          title: `Failed runs this month by probe and code (${region})`,
          region,
          metrics: [
            search(this.ctx, region, {
              metric: METRICS.failures.name,
              dimensions: [DIMENSION_CODE],
              statistic: 'Sum',
              period: FIVE_MINUTES,
            }),
          ],
          start: '-P30D',
          setPeriodToTimeRange: true,
          width: THIRD,
          height: HEIGHT,
        }),
    );
  }

  createFailingNowWidgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.GraphWidget({
        title: 'Probes failing now, per region (a region above 0 is failing)',
        left: this.input.regions.map(
          (region, i) =>
            new cloudwatch.MathExpression({
              expression: `SUM(1 - m${i})`,
              usingMetrics: {
                [`m${i}`]: search(this.ctx, region, { metric: 'Success', statistic: 'Minimum', period: FIVE_MINUTES }),
              },
              searchRegion: region,
              label: region,
              period: FIVE_MINUTES,
            }),
        ),
        width: FULL,
        height: HEIGHT,
      }),
    ];
  }
}

export class OnCallPage extends Page {
  widgets(): cloudwatch.IWidget[] {
    return [
      this.header(
        'Burn rates (fast 1 h, slow 6 h) per probe, alarm status, success and token issuance by region, token and step latency p50/p95/p99, failures by stage and code, 401/403 and 429.',
      ),
      ...this.createBurnRateWidgets(),
      ...(this.input.alarmWidgets ?? []),
      ...this.createSuccessWidgets(),
      ...this.createLatencyWidgets(),
      ...this.createFailureWidgets(),
    ];
  }

  createBurnRateWidgets(): cloudwatch.IWidget[] {
    const classes = sloClasses(this.input.probes);
    const rates = (window: Duration, tag: string) =>
      this.perRegion(`Burn rate ${tag} (1 = on budget)`, (region) =>
        classes.map((slo, i) => burnRate({ ...this.ctx, probes: slo.probes }, region, slo.objective, window, `b${i}`)),
      );
    return [...rates(Duration.hours(1), 'fast, 1 h'), ...rates(Duration.hours(6), 'slow, 6 h')];
  }

  createSuccessWidgets(): cloudwatch.IWidget[] {
    const axis = { leftYAxis: { min: 0, max: 1, showUnits: false } };
    const success = this.perRegion(
      'Success (1 = pass)',
      (region) => [
        search(this.ctx, region, { metric: METRICS.success.name, statistic: 'Average', period: FIVE_MINUTES }),
      ],
      axis,
    );
    if (!this.published(METRICS.tokenSuccess)) return success;
    return [
      ...success,
      ...this.perRegion(
        'Token issuance (1 = token issued)',
        (region) => [
          search(this.ctx, region, { metric: METRICS.tokenSuccess.name, statistic: 'Average', period: FIVE_MINUTES }),
        ],
        axis,
      ),
    ];
  }

  createLatencyWidgets(): cloudwatch.IWidget[] {
    const percentiles = (metric: string, dimensions: string[]) => (region: string) =>
      ['p50', 'p95', 'p99'].map((statistic) =>
        search(this.ctx, region, { metric, dimensions, statistic, period: FIVE_MINUTES, label: statistic }),
      );
    if (!this.published(METRICS.tokenLatency)) {
      // Lean publishes no latency series: the degraded runs are what its latency alarm counts.
      return this.perRegion('Degraded runs (slower than degradedMs)', (region) => [
        search(this.ctx, region, { metric: METRICS.degraded.name, statistic: 'Sum', period: FIVE_MINUTES }),
      ]);
    }
    return [
      ...this.perRegion('Token latency p50/p95/p99 (ms)', percentiles(METRICS.tokenLatency.name, [])),
      ...this.perRegion('Step latency p50/p95/p99 (ms)', percentiles(METRICS.stepLatency.name, [DIMENSION_STEP])),
    ];
  }

  createFailureWidgets(): cloudwatch.IWidget[] {
    const failures = (filter?: string) => (region: string) => [
      search(this.ctx, region, {
        metric: METRICS.stageFailures.name,
        dimensions: [DIMENSION_STAGE, DIMENSION_CODE],
        statistic: 'Sum',
        period: FIVE_MINUTES,
        filter,
      }),
    ];
    const codes = (list: readonly string[]) => `(${list.map((c) => `${DIMENSION_CODE}="${c}"`).join(' OR ')})`;
    const stacked = { stacked: true };
    return [
      ...this.perRegion('Failures by stage and code', failures(), stacked),
      ...this.perRegion('401/403: token endpoint vs API', failures(codes(AUTH_REJECTION_CODES)), stacked),
      ...this.perRegion('429 rate limited: token endpoint vs API', failures(codes(['rate_limited'])), stacked),
    ];
  }
}

export class DebugPage extends Page {
  widgets(): cloudwatch.IWidget[] {
    return [
      this.header(
        'Phase timings (DNS, connect, TLS, first byte) of the token request and each step, the latest failing results, days left on certificates and credentials, token lifetime, metric publish failures.',
      ),
      ...this.createLogWidgets(),
      ...this.createExpiryWidgets(),
      ...this.createPublishFailureWidgets(),
    ];
  }

  /** Phase timings are in the result log line (not metrics): Logs Insights over the probe log group. */
  createLogWidgets(): cloudwatch.IWidget[] {
    const names = this.input.probes.map((p) => `"${p.name}"`).join(', ');
    const scope = `filter event = "${PROBE_RESULT_LOG_EVENT}" and probe in [${names}]`;
    return [...(this.input.logGroups ?? new Map())].flatMap(([region, logGroup]) => [
      new cloudwatch.LogQueryWidget({
        title: `Phase timings of the token request and steps, ms (${region})`,
        region,
        logGroupNames: [logGroup],
        queryLines: [
          'fields @timestamp, probe, exchanges.0.name as request',
          scope,
          'stats avg(exchanges.0.timings.dnsMs) as dns, avg(exchanges.0.timings.connectMs) as connect, avg(exchanges.0.timings.tlsMs) as tls, avg(exchanges.0.timings.firstByteMs) as firstByte, avg(exchanges.1.timings.firstByteMs) as step1FirstByte by probe, bin(5m)',
        ],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: HALF,
        height: HEIGHT,
      }),
      new cloudwatch.LogQueryWidget({
        title: `Latest failing results (${region})`,
        region,
        logGroupNames: [logGroup],
        queryLines: [
          'fields @timestamp, probe, stage, step, code, message',
          scope,
          'filter status = "fail"',
          'sort @timestamp desc',
          'limit 20',
        ],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: HALF,
        height: HEIGHT,
      }),
    ]);
  }

  createExpiryWidgets(): cloudwatch.IWidget[] {
    const gauge = (metric: string, label: string) => (region: string) => [
      search(this.ctx, region, { metric, statistic: 'Minimum', period: Duration.hours(6), label }),
    ];
    return [
      ...(this.published(METRICS.certificateDaysLeft)
        ? this.perRegion('Certificate days left', gauge(METRICS.certificateDaysLeft.name, 'certificate'))
        : []),
      ...(this.published(METRICS.credentialDaysLeft)
        ? this.perRegion('Credential days left', gauge(METRICS.credentialDaysLeft.name, 'credential'))
        : []),
      // Lean: the one gauge, the fewest days left (published only while below the expiry threshold).
      ...(this.published(METRICS.expiryDaysLeft)
        ? this.perRegion(
            'Fewest days left (certificate or credential)',
            gauge(METRICS.expiryDaysLeft.name, 'days left'),
          )
        : []),
      ...(this.published(METRICS.tokenLifetime)
        ? this.perRegion('Token lifetime (s)', gauge(METRICS.tokenLifetime.name, 'expires_in'))
        : []),
    ];
  }

  createPublishFailureWidgets(): cloudwatch.IWidget[] {
    if (!this.input.first) return [];
    return [
      new cloudwatch.GraphWidget({
        title: 'Metric publish failures (from the probe logs)',
        left: this.input.regions.map(
          (region) =>
            new cloudwatch.Metric({
              namespace: this.input.namespace,
              metricName: METRIC_PUBLISH_FAILURES_METRIC,
              statistic: 'Sum',
              region,
              label: region,
              period: FIVE_MINUTES,
            }),
        ),
        width: FULL,
        height: HEIGHT,
      }),
    ];
  }
}
