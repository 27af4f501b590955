/**
 * The dashboard in the home region, for all probes and regions, in three rows of readers:
 * executive (availability, failing probes now), on-call (success, p95/p99 latency, failures by code,
 * alarm states) and debug (step timings, token lifetime, days left, metric publishing failures).
 *
 * Raw aws-cloudwatch rather than cdk-monitoring-constructs: its monitors are built around AWS
 * resources in the stack's own region, while this dashboard is made of custom metrics from several
 * regions (a `region` on every metric), SEARCH expressions with a search region, and metric math over
 * the home-region copies of Success (for a probe with a global alarm; below globalFailureRegions no
 * copy is published, so each region's own Success is used, evaluated in that region); expressing those through its CustomMonitoring would be longer and
 * hide the widget layout this file exists to show.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { QUOTAS } from '../../functions/config/limits.js';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import {
  type AlarmKind,
  alarmName,
  DIMENSION_CODE,
  DIMENSION_PROBE,
  DIMENSION_REGION,
  DIMENSION_STEP,
  hasGlobalAlarm,
  METRIC_PUBLISH_FAILURES_METRIC,
  METRICS,
  type MetricsProfile,
  publishes,
} from '../../functions/contract/index.js';
import { alarmArn, dashboardName } from '../names.js';
import { latencyTargets } from './probe-alarms.js';

export interface ProbeDashboardProps {
  probes: ResolvedProbe[];
  /** Config `name`: alarm names on the alarm widget. @default "oauth-probe" */
  deployment?: string;
  /** @default dashboardName(deployment) */
  dashboardName?: string;
  namespace: string;
  globalFailureRegions: number;
  /**
   * `metrics.profile`: graphs only what it publishes. Under `lean` the latency, step and lifetime graphs
   * give way to one of degraded runs (what the lean latency alarm counts). @default full
   */
  profile?: MetricsProfile;
}

const FULL = 24;
const HALF = 12;
const THIRD = 8;
const QUARTER = 6;
const HEIGHT = 6;

export class ProbeDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ProbeDashboardProps) {
    super(scope, id);
    const { probes, namespace } = props;
    const home = Stack.of(this).region;
    const latencySeries = publishes(props.profile ?? 'full', METRICS.tokenLatency);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? dashboardName(props.deployment),
      defaultInterval: Duration.hours(3),
    });

    const metric = (name: string, probe: string, region: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace,
        metricName: name,
        dimensionsMap: { [DIMENSION_PROBE]: probe },
        statistic,
        region,
        label: label ?? region,
        period: Duration.minutes(5),
      });
    /** The home-region copy of Success with a Region dimension: math across regions stays in one region. */
    const homeCopy = (probe: string, region: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace,
        metricName: METRICS.regionalSuccess.name,
        dimensionsMap: { [DIMENSION_PROBE]: probe, [DIMENSION_REGION]: region },
        statistic,
        region: home,
        label: region,
        period: Duration.minutes(5),
      });
    const search = (expression: string, region: string, label: string, statistic: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('${expression}', '${statistic}', 300)`,
        searchRegion: region,
        label,
        period: Duration.minutes(5),
      });

    // --- Executive: is it working, and since when not?
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# oauth-probe\n**Executive**: availability of each OAuth client-credentials flow over the time range, and how many regions fail right now (${props.globalFailureRegions} or more pages on-call).`,
        width: FULL,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Availability over the time range (%)',
        // Metric ids are unique per widget, hence the probe index in them.
        metrics: probes.flatMap((p, pi) =>
          hasGlobalAlarm(p, props.globalFailureRegions)
            ? [
                new cloudwatch.MathExpression({
                  expression: `100 * AVG([${p.regions.map((_, i) => `a${pi}_${i}`).join(', ')}])`,
                  usingMetrics: Object.fromEntries(
                    p.regions.map((r, i) => [`a${pi}_${i}`, homeCopy(p.name, r, 'Average')]),
                  ),
                  label: p.name,
                  period: Duration.minutes(5),
                }),
              ]
            : // No home-region copy below globalFailureRegions: each region's own Success, evaluated there.
              p.regions.map(
                (r, i) =>
                  new cloudwatch.MathExpression({
                    expression: `100 * a${pi}_${i}`,
                    usingMetrics: { [`a${pi}_${i}`]: metric(METRICS.success.name, p.name, r, 'Average') },
                    searchRegion: r,
                    label: p.regions.length > 1 ? `${p.name} ${r}` : p.name,
                    period: Duration.minutes(5),
                  }),
              ),
        ),
        setPeriodToTimeRange: true,
        width: HALF,
        height: HEIGHT,
      }),
      new cloudwatch.SingleValueWidget({
        title: 'Regions failing now, per probe',
        metrics: probes.flatMap((p, pi) =>
          hasGlobalAlarm(p, props.globalFailureRegions)
            ? [
                new cloudwatch.MathExpression({
                  expression: p.regions.map((_, i) => `(1 - FILL(f${pi}_${i}, 1))`).join(' + '),
                  usingMetrics: Object.fromEntries(
                    p.regions.map((r, i) => [`f${pi}_${i}`, homeCopy(p.name, r, 'Minimum')]),
                  ),
                  label: p.name,
                  period: Duration.minutes(5),
                }),
              ]
            : p.regions.map(
                (r, i) =>
                  new cloudwatch.MathExpression({
                    expression: `1 - FILL(f${pi}_${i}, 1)`,
                    usingMetrics: { [`f${pi}_${i}`]: metric(METRICS.success.name, p.name, r, 'Minimum') },
                    searchRegion: r,
                    label: p.regions.length > 1 ? `${p.name} ${r}` : p.name,
                    period: Duration.minutes(5),
                  }),
              ),
        ),
        width: HALF,
        height: HEIGHT,
      }),
    );

    // --- On-call: which probe, which region, which phase, which code.
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '## On-call\nSuccess (1 = pass) and p95/p99 latency per probe and region, failures by result code, and the state of every alarm.',
        width: FULL,
        height: 2,
      }),
      // CloudWatch takes at most 100 alarms per alarm-status widget (QUOTAS.alarmsPerStatusWidget).
      ...chunks(
        probes.flatMap((p) => this.alarmRefs(p, props.globalFailureRegions, props.deployment)),
        QUOTAS.alarmsPerStatusWidget,
      ).map(
        (alarms, index, all) =>
          new cloudwatch.AlarmStatusWidget({
            title: all.length > 1 ? `Alarms (${index + 1} of ${all.length})` : 'Alarms',
            alarms,
            sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
            width: FULL,
            height: HEIGHT,
          }),
      ),
    );
    for (const p of probes) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${p.name}: success`,
          left: p.regions.map((r) => metric(METRICS.success.name, p.name, r, 'Average')),
          leftYAxis: { min: 0, max: 1, showUnits: false },
          width: QUARTER,
          height: HEIGHT,
        }),
        ...(latencySeries
          ? [
              new cloudwatch.GraphWidget({
                title: `${p.name}: token latency p95 / p99 (ms)`,
                left: p.regions.flatMap((r) => [
                  metric(METRICS.tokenLatency.name, p.name, r, 'p95', `${r} p95`),
                  metric(METRICS.tokenLatency.name, p.name, r, 'p99', `${r} p99`),
                ]),
                leftAnnotations: thresholdAnnotation(
                  latencyTargets(p, namespace, home).find((t) => t.id === 'token')?.thresholdMs,
                ),
                width: QUARTER,
                height: HEIGHT,
              }),
              new cloudwatch.GraphWidget({
                title: `${p.name}: total latency p95 / p99 (ms)`,
                left: p.regions.flatMap((r) => [
                  metric(METRICS.totalLatency.name, p.name, r, 'p95', `${r} p95`),
                  metric(METRICS.totalLatency.name, p.name, r, 'p99', `${r} p99`),
                ]),
                width: QUARTER,
                height: HEIGHT,
              }),
            ]
          : [
              new cloudwatch.GraphWidget({
                title: `${p.name}: degraded runs (latency alarm)`,
                left: p.regions.map((r) => metric(METRICS.degraded.name, p.name, r, 'Sum', r)),
                width: HALF,
                height: HEIGHT,
              }),
            ]),
        new cloudwatch.GraphWidget({
          title: `${p.name}: failures by code`,
          left: p.regions.map((r) =>
            search(
              `{${namespace},${DIMENSION_PROBE},${DIMENSION_CODE}} MetricName="${METRICS.failures.name}" ${DIMENSION_PROBE}="${p.name}"`,
              r,
              r,
              'Sum',
            ),
          ),
          stacked: true,
          width: QUARTER,
          height: HEIGHT,
        }),
      );
    }

    // --- Debug: where the time goes and what is about to expire.
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '## Debug\nTime of each API step, token lifetime (expires_in), days left on TLS certificates and on the client credential, and metrics the probe failed to put.',
        width: FULL,
        height: 2,
      }),
    );
    for (const p of probes) {
      this.dashboard.addWidgets(
        ...(latencySeries
          ? [
              new cloudwatch.GraphWidget({
                title: `${p.name}: step latency p95 (ms)`,
                left: p.regions.map((r) =>
                  search(
                    `{${namespace},${DIMENSION_PROBE},${DIMENSION_STEP}} MetricName="${METRICS.stepLatency.name}" ${DIMENSION_PROBE}="${p.name}"`,
                    r,
                    r,
                    'p95',
                  ),
                ),
                width: THIRD,
                height: HEIGHT,
              }),
              new cloudwatch.GraphWidget({
                title: `${p.name}: token lifetime (s)`,
                left: p.regions.map((r) => metric(METRICS.tokenLifetime.name, p.name, r, 'Minimum')),
                width: QUARTER,
                height: HEIGHT,
              }),
            ]
          : []),
        new cloudwatch.GraphWidget({
          title: `${p.name}: days left`,
          left: p.regions.flatMap((r) => [
            metric(METRICS.certificateDaysLeft.name, p.name, r, 'Minimum', `${r} certificate`),
            metric(METRICS.credentialDaysLeft.name, p.name, r, 'Minimum', `${r} credential`),
          ]),
          leftAnnotations: thresholdAnnotation(p.alarms.expiryDaysThreshold),
          width: QUARTER,
          height: HEIGHT,
        }),
      );
    }
    const regions = [...new Set(probes.flatMap((p) => p.regions))];
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Metric publish failures (from the probe logs)',
        left: regions.map(
          (r) =>
            new cloudwatch.Metric({
              namespace,
              metricName: METRIC_PUBLISH_FAILURES_METRIC,
              statistic: 'Sum',
              region: r,
              label: r,
              period: Duration.minutes(5),
            }),
        ),
        width: FULL,
        height: HEIGHT,
      }),
    );
  }

  /** Alarms of a probe in every region, by deterministic ARN (the alarms live in other stacks). */
  private alarmRefs(probe: ResolvedProbe, globalFailureRegions: number, deployment?: string): cloudwatch.IAlarm[] {
    const stack = Stack.of(this);
    const kinds: AlarmKind[] = ['availability', 'stopped', 'expiry'];
    if (latencyTargets(probe, '', stack.region).length > 0) kinds.push('latency');
    const names = probe.regions.flatMap((region) =>
      kinds.map((kind) => ({ region, name: alarmName({ deployment, probe: probe.name, kind, region }) })),
    );
    if (hasGlobalAlarm(probe, globalFailureRegions)) {
      names.unshift({ region: stack.region, name: alarmName({ deployment, probe: probe.name, kind: 'global' }) });
    }
    return names.map(({ region, name }) =>
      cloudwatch.Alarm.fromAlarmArn(this, `Ref-${name}`, alarmArn(stack, region, name)),
    );
  }
}

function thresholdAnnotation(value: number | undefined): cloudwatch.HorizontalAnnotation[] | undefined {
  return value === undefined ? undefined : [{ value, color: cloudwatch.Color.RED }];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}
