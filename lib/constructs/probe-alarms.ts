/**
 * The alarms of one probe in one region (availability, latency, expiry, stopped) and the global alarm
 * in the home region. Names come from the one naming function (`alarmName`), actions are wired by
 * `notifySns` (ALARM and OK).
 *
 * Missing data: only the Stopped alarm owns silence (missing = breaching). Every other alarm ignores a
 * missing datapoint and keeps its state: a failing probe that stops reporting stays in ALARM (no false
 * "[OK] recovered") and a passing one stays OK, while the Stopped alarm says that runs are missing.
 * The state machine is in docs/runtime.md ("Alarm states").
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import {
  DEFAULT_METRICS_PROFILE,
  DIMENSION_CODE,
  DIMENSION_PROBE,
  DIMENSION_STEP,
  METRICS,
  type MetricsProfile,
  SECURITY_FINDING_CODE,
} from '../../functions/contract/index.js';
import {
  globalAlarm,
  type LatencyRequest,
  latencyRequests,
  type MathAlarmDefinition,
  type PlannedAlarm,
  stoppedAlarm,
  stoppedDetectionMinutes,
} from '../../plan/index.js';
import { alarmDescription } from '../alarm-description.js';
import { LATENCY_PERIOD, scheduleIntervalMinutes } from '../periods.js';
import { notifySns } from './alarm-topic.js';

/** Days-left value given to a gauge with no datapoint in the period, so MIN() ignores it. */
export const NO_EXPIRY_DAYS = 100_000;
export interface LatencyTarget extends LatencyRequest {
  metric: cloudwatch.Metric;
}

/** The plan's latency requests (token request and steps with a degraded threshold) with their p95 metrics. */
export function latencyTargets(probe: ResolvedProbe, namespace: string, region: string): LatencyTarget[] {
  return latencyRequests(probe).map((request) => ({
    ...request,
    metric:
      request.step === undefined
        ? probeMetric(namespace, METRICS.tokenLatency.name, probe.name, region, 'p95', LATENCY_PERIOD)
        : new cloudwatch.Metric({
            namespace,
            metricName: METRICS.stepLatency.name,
            dimensionsMap: { [DIMENSION_PROBE]: probe.name, [DIMENSION_STEP]: probe.steps[request.step]!.name },
            statistic: 'p95',
            period: LATENCY_PERIOD,
            region,
          }),
  }));
}

export function probeMetric(
  namespace: string,
  metricName: string,
  probe: string,
  region: string,
  statistic: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { [DIMENSION_PROBE]: probe },
    statistic,
    period,
    region,
  });
}

export interface RegionalProbeAlarmsProps {
  probe: ResolvedProbe;
  /** The plan's alarms of this probe in this region (plan/alarms.ts), burn alarms excluded. */
  alarms: readonly PlannedAlarm[];
  /** Config `name`, part of every alarm name. @default "oauth-probe" */
  deployment?: string;
  namespace: string;
  /** ALARM and OK actions go here. */
  topic: sns.ITopic;
  /** `metrics.profile`: the alarms read only series it publishes. @default full */
  profile?: MetricsProfile;
}

/**
 * Degraded runs in one LATENCY_PERIOD that put the p95 above degradedMs: more than 5 % of the runs the
 * schedule makes in the period (nearest rank), at least 1. The lean profile's latency alarm counts these
 * instead of reading p95 latency series it does not publish: the same question, "is p95 above the
 * threshold?", asked of the verdicts the engine already gave (a run is degraded when the token request
 * or a step took longer than its degradedMs).
 */
export function degradedRunsForP95(schedule: string): number {
  const runs = Math.max(1, Math.floor(LATENCY_PERIOD.toMinutes() / scheduleIntervalMinutes(schedule)));
  return runs - Math.ceil(0.95 * runs) + 1;
}

/**
 * The regional alarms of one probe, exactly as planned (kinds, names, periods, evaluation): availability,
 * latency, expiry, stopped, security. The constructs only say how CloudWatch reads each one.
 */
export class RegionalProbeAlarms extends Construct {
  readonly availability?: cloudwatch.Alarm;
  readonly latency?: cloudwatch.Alarm;
  readonly expiry?: cloudwatch.Alarm;
  readonly stopped?: cloudwatch.Alarm;
  /** Only for probes with fail-open checks (`steps[].rejects`). */
  readonly security?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RegionalProbeAlarmsProps) {
    super(scope, id);
    const { probe, namespace, topic } = props;
    const lean = (props.profile ?? DEFAULT_METRICS_PROFILE) === 'lean';
    const region = Stack.of(this).region;
    const a = probe.alarms;
    const describe = (meaning: string, check: string) => alarmDescription({ probe, region, meaning, check });
    const metric = (name: string, statistic: string, p: Duration) =>
      probeMetric(namespace, name, probe.name, region, statistic, p);
    const built = this as {
      -readonly [K in 'availability' | 'latency' | 'expiry' | 'stopped' | 'security']?: cloudwatch.Alarm;
    };

    for (const planned of props.alarms) {
      const period = Duration.seconds(planned.periodSeconds);
      const evaluation = {
        alarmName: planned.name,
        evaluationPeriods: planned.evaluationPeriods,
        datapointsToAlarm: planned.datapointsToAlarm,
      };
      switch (planned.kind) {
        case 'availability':
          built.availability = new cloudwatch.Alarm(this, 'Availability', {
            ...evaluation,
            alarmDescription: describe(
              `${a.datapointsToAlarm} of the last ${a.evaluationPeriods} runs failed (token request, token validation or an API step).`,
              'the latest failure code in the notification or the probe log (event "probe_result"); the token endpoint status page; whether the client secret or certificate was rotated.',
            ),
            metric: metric(METRICS.success.name, 'Minimum', period),
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            threshold: 1,
            // Silence owns no verdict here: the alarm keeps its state (an ALARM stays ALARM, no false "recovered").
            treatMissingData: cloudwatch.TreatMissingData.IGNORE,
          });
          break;
        case 'latency':
          built.latency = this.latencyAlarm(props, evaluation, lean, describe);
          break;
        case 'expiry':
          built.expiry = new cloudwatch.Alarm(this, 'Expiry', {
            ...evaluation,
            alarmDescription: describe(
              `a TLS certificate (token endpoint or API) or the client credential expires in fewer than ${a.expiryDaysThreshold} days.`,
              'CertificateDaysLeft and CredentialDaysLeft on the dashboard; renew the certificate or rotate the client secret and update the Secrets Manager secret (and its replicas).',
            ),
            // Lean: one gauge, already the fewest days left (one alarm metric instead of two).
            metric: lean
              ? metric(METRICS.expiryDaysLeft.name, 'Minimum', period)
              : new cloudwatch.MathExpression({
                  expression: 'MIN([certFilled, credFilled])',
                  usingMetrics: {
                    certFilled: fill(
                      metric(METRICS.certificateDaysLeft.name, 'Minimum', period),
                      'cert',
                      NO_EXPIRY_DAYS,
                    ),
                    credFilled: fill(
                      metric(METRICS.credentialDaysLeft.name, 'Minimum', period),
                      'cred',
                      NO_EXPIRY_DAYS,
                    ),
                  },
                  label: 'Fewest days left',
                  period,
                }),
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            threshold: a.expiryDaysThreshold,
            // Full: gauges are published once per block, so a period without one says nothing. Lean: they are
            // published only while below the threshold, so a period without one means nothing expires soon.
            treatMissingData: lean ? cloudwatch.TreatMissingData.NOT_BREACHING : cloudwatch.TreatMissingData.IGNORE,
          });
          break;
        case 'stopped': {
          // Empty periods are real zeros once the probe has run, and no datapoint before its first run:
          // on time under every reading of the evaluation range, silent at deploy (plan/alarm-expressions.ts).
          const definition = stoppedAlarm({
            namespace,
            probe: probe.name,
            periodMinutes: period.toMinutes(),
            missingRunsPeriods: planned.evaluationPeriods,
          });
          built.stopped = new cloudwatch.Alarm(this, 'Stopped', {
            ...mathAlarmProps(definition),
            alarmName: planned.name,
            alarmDescription: describe(
              `no run reported for ${a.missingRunsPeriods} consecutive schedule periods (it fires at most ${stoppedDetectionMinutes({ periodMinutes: definition.periodMinutes, missingRunsPeriods: definition.evaluationPeriods })} minutes after the last run): the probe is not running, so its other alarms are blind.`,
              'the EventBridge Scheduler schedule (enabled?), the probe function errors and throttles, and MetricPublishFailures (metrics not put).',
            ),
          });
          break;
        }
        case 'security':
          built.security = new cloudwatch.Alarm(this, 'Security', {
            ...evaluation,
            alarmDescription: describe(
              'the API accepted a request it must refuse (steps[].rejects: missing, garbage, tampered or unsigned token): it is not validating bearer tokens. A security finding, critical from one region.',
              'the exchanges named "<step>:<variant>" in the latest probe result; the API gateway or middleware that validates tokens (removed, disabled, alg not pinned); recent deployments of the API.',
            ),
            metric: new cloudwatch.Metric({
              namespace,
              metricName: METRICS.failures.name,
              dimensionsMap: { [DIMENSION_PROBE]: probe.name, [DIMENSION_CODE]: SECURITY_FINDING_CODE },
              statistic: 'Maximum',
              period,
              region,
            }),
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            threshold: 1,
            // Each run with fail-open checks publishes 0 or 1; silence belongs to the Stopped alarm, so a probe
            // that stops running keeps this alarm where it was instead of sending a false "[OK]".
            treatMissingData: cloudwatch.TreatMissingData.IGNORE,
          });
          break;
        default:
          throw new Error(`RegionalProbeAlarms: the plan gave ${probe.name} a ${planned.kind} alarm it does not build`);
      }
    }
    for (const alarm of this.all) notifySns(alarm, topic);
  }

  private latencyAlarm(
    props: RegionalProbeAlarmsProps,
    evaluation: { alarmName: string; evaluationPeriods: number; datapointsToAlarm: number },
    lean: boolean,
    describe: (meaning: string, check: string) => string,
  ): cloudwatch.Alarm {
    const { probe, namespace } = props;
    const region = Stack.of(this).region;
    const a = probe.alarms;
    const targets = latencyTargets(probe, namespace, region);
    if (lean) {
      const degradedRuns = degradedRunsForP95(probe.schedule);
      return new cloudwatch.Alarm(this, 'Latency', {
        ...evaluation,
        alarmDescription: describe(
          `${degradedRuns} or more degraded runs in 5 minutes (p95 latency of ${targets.map((t) => `${t.label} (> ${t.thresholdMs} ms)`).join(', ')} above its degraded threshold) for ${a.latencyEvaluationPeriods} x 5 minutes.`,
          'the latest degraded run in the probe log (event "probe_result": which request, how slow); one region: network path; all regions: the provider; the provider status page.',
        ),
        metric: probeMetric(namespace, METRICS.degraded.name, probe.name, region, 'Sum', LATENCY_PERIOD),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: degradedRuns,
        // Degraded is published only by a degraded run: no datapoint is no degraded run.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    return new cloudwatch.Alarm(this, 'Latency', {
      ...evaluation,
      alarmDescription: describe(
        `p95 latency of ${targets.map((t) => `${t.label} (> ${t.thresholdMs} ms)`).join(', ')} above its degraded threshold for ${a.latencyEvaluationPeriods} x 5 minutes.`,
        'the TokenLatency and StepLatency graphs on the dashboard by region (one region: network path; all regions: the provider); the provider status page.',
      ),
      metric: latencyExpression(targets),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: sameThreshold(targets) ?? 1,
      // Silence owns no verdict here: the alarm keeps its state (an ALARM stays ALARM, no false "recovered").
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }

  get all(): cloudwatch.Alarm[] {
    return [this.availability, this.latency, this.expiry, this.stopped, this.security].filter(
      (x): x is cloudwatch.Alarm => !!x,
    );
  }
}

/**
 * One latency alarm per probe and region (the naming function has one `Latency` name per pair): the
 * MAX over the p95s of the token request and each API step. When every request has the same degraded
 * threshold the expression stays in milliseconds; otherwise each p95 is divided by its own threshold
 * and the alarm fires above 1.
 *
 * API latency is StepLatency per step rather than TotalLatency: degradedMs is a per-request threshold
 * and TotalLatency sums several requests, so comparing the two would alarm on healthy multi-step runs.
 */
function latencyExpression(targets: LatencyTarget[]): cloudwatch.MathExpression {
  const same = sameThreshold(targets);
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const t of targets) {
    usingMetrics[`${t.id}Ratio`] = new cloudwatch.MathExpression({
      expression: same !== undefined ? `FILL(${t.id}, 0)` : `FILL(${t.id}, 0) / ${t.thresholdMs}`,
      usingMetrics: { [t.id]: t.metric },
      period: LATENCY_PERIOD,
    });
  }
  return new cloudwatch.MathExpression({
    expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label: same !== undefined ? 'Slowest p95 (ms)' : 'Slowest p95 / degradedMs',
    period: LATENCY_PERIOD,
  });
}

/** `FILL(id, value)` as its own expression: array arguments of MIN/MAX take expression ids. */
function fill(metric: cloudwatch.IMetric, id: string, value: number): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `FILL(${id}, ${value})`,
    usingMetrics: { [id]: metric },
    period: metric instanceof cloudwatch.Metric ? metric.period : undefined,
  });
}

function sameThreshold(targets: LatencyTarget[]): number | undefined {
  const first = targets[0]?.thresholdMs;
  return targets.every((t) => t.thresholdMs === first) ? first : undefined;
}

export interface GlobalProbeAlarmProps {
  probe: ResolvedProbe;
  /** The plan's global alarm of this probe (plan/alarms.ts). */
  alarm: PlannedAlarm;
  /** Config `name`, part of the alarm name. @default "oauth-probe" */
  deployment?: string;
  namespace: string;
  /** Regions failing at once that make it global. */
  globalFailureRegions: number;
  topic: sns.ITopic;
}

/**
 * In the home region: the probe fails from `globalFailureRegions` or more regions at once. Reads the
 * `regionalSuccess` copies (metric `Success`, dimensions Probe + Region, put into the home region by
 * every probe run), since an alarm cannot do metric math across regions.
 */
export class GlobalProbeAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GlobalProbeAlarmProps) {
    super(scope, id);
    const { probe, namespace, globalFailureRegions, topic } = props;
    const planned = props.alarm;
    const a = probe.alarms;
    // Silence never reads as recovery, whichever way FILL treats a silent region (plan/alarm-expressions.ts).
    const definition = globalAlarm({
      namespace,
      probe: probe.name,
      regions: probe.regions,
      periodMinutes: planned.periodSeconds / 60,
      globalFailureRegions,
      evaluationPeriods: planned.evaluationPeriods,
      datapointsToAlarm: planned.datapointsToAlarm,
    });
    this.alarm = new cloudwatch.Alarm(this, 'Global', {
      ...mathAlarmProps(definition),
      alarmName: planned.name,
      alarmDescription: alarmDescription({
        probe,
        meaning: `failing from ${globalFailureRegions} or more of its ${probe.regions.length} regions (${probe.regions.join(', ')}) at once, in ${a.datapointsToAlarm} of the last ${a.evaluationPeriods} periods: the provider or the API is down for everyone, not one network path. Critical.`,
        check:
          'the provider status page; recent changes to the client (secret rotated, scopes or audience changed); the failure codes by region on the dashboard.',
      }),
    });
    notifySns(this.alarm, topic);
  }
}

/** A plan definition (plan/alarm-expressions.ts) as the props of a CDK alarm: metric math, threshold, M of N. */
export function mathAlarmProps(definition: MathAlarmDefinition) {
  const period = Duration.minutes(definition.periodMinutes);
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const read of definition.metrics) {
    usingMetrics[read.id] = new cloudwatch.Metric({
      namespace: read.namespace,
      metricName: read.metricName,
      dimensionsMap: { ...read.dimensions },
      statistic: read.statistic,
      period: Duration.minutes(read.periodMinutes),
      ...(read.label ? { label: read.label } : {}),
    });
  }
  return {
    metric: new cloudwatch.MathExpression({
      expression: definition.expression,
      usingMetrics,
      label: definition.label,
      period,
    }),
    threshold: definition.threshold,
    comparisonOperator: definition.comparisonOperator as cloudwatch.ComparisonOperator,
    evaluationPeriods: definition.evaluationPeriods,
    datapointsToAlarm: definition.datapointsToAlarm,
    treatMissingData: definition.treatMissingData as cloudwatch.TreatMissingData,
  };
}
