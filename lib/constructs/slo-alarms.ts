/**
 * The SLO burn-rate alarms of one probe in one region: for each row of the burn policy
 * (functions/contract/slo.ts: fast page, slow page, ticket) two metric-math alarms on `Success` (long
 * and short window) and a composite `ALARM(long) AND ALARM(short)` that alone notifies.
 *
 * Composite alarms over metric math rather than Application Signals SLOs (docs/runtime.md, "SLO
 * alerting"): the failed-run floor that keeps one transient failure from paging is plain metric math
 * here and cannot be expressed in a burn-rate configuration; the alarm names and the notifier's parsing
 * stay one scheme; and the definitions can be replayed offline by tools/alarm-eval in tests.
 *
 * Per region, like the other alarms: an alarm's metric math cannot read another region, and a probe
 * that fails from one region (its network path) spends that region's budget.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type ResolvedProbe, sloWindowDays } from '../../functions/config/resolve.js';
import {
  alarmName,
  type BurnAlarmPair,
  type BurnWindowAlarm,
  burnAlarmPairs,
  burnExpression,
  DEFAULT_METRICS_PROFILE,
  DIMENSION_PROBE,
  durationLabel,
  type LeanBurnAlarm,
  leanBurnAlarms,
  METRICS,
  type MetricsProfile,
} from '../../functions/contract/index.js';
import type { PlannedAlarm } from '../../plan/index.js';
import { alarmDescription } from '../alarm-description.js';
import { scheduleIntervalMinutes } from '../periods.js';
import { notifySns } from './alarm-topic.js';

export interface ProbeSloAlarmsProps {
  probe: ResolvedProbe;
  /**
   * The plan's burn alarms of this probe in this region (plan/alarms.ts): composites and their window
   * alarms (full profile) or one single-metric alarm per policy (lean). Exactly these are built.
   */
  alarms: readonly PlannedAlarm[];
  /** Config `name` of the deployment: part of every alarm name. */
  deployment: string;
  namespace: string;
  /** ALARM and OK actions of the composites (lean: of the burn alarms) go here. */
  topic: sns.ITopic;
  /**
   * `metrics.profile`. `lean`: one single-metric alarm per policy (functions/contract/slo.ts,
   * `leanBurnAlarms`) named as the composite, instead of the composite and its two window alarms.
   * @default full
   */
  profile?: MetricsProfile;
}

export class ProbeSloAlarms extends Construct {
  /** The three composites (fast page, slow page, ticket), in BURN_POLICIES order. */
  readonly composites: cloudwatch.CompositeAlarm[] = [];
  /** The six window alarms. */
  readonly windows: cloudwatch.Alarm[] = [];
  /** Lean profile: the three single-metric burn alarms that notify (no composites, no window alarms). */
  readonly lean: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ProbeSloAlarmsProps) {
    super(scope, id);
    const { probe } = props;
    const slo = { objective: probe.slo.objective, windowDays: sloWindowDays(probe.slo) };
    const interval = scheduleIntervalMinutes(probe.schedule);
    const planned = (kind: string) => props.alarms.find((a) => a.kind === kind && a.delivery !== 'none');
    if ((props.profile ?? DEFAULT_METRICS_PROFILE) === 'lean') {
      for (const alarm of leanBurnAlarms(slo, interval)) {
        const plan = planned(alarm.policy.kind);
        if (plan) this.lean.push(this.leanAlarm(props, alarm, plan));
      }
      return;
    }
    const region = Stack.of(this).region;
    for (const pair of burnAlarmPairs(slo, interval)) {
      const kind = pair.policy.kind;
      const composite = planned(kind);
      if (!composite) continue;
      const windows = props.alarms.filter((a) => a.parent === composite.name);
      const longName = windows.find((a) => a.name.endsWith('-Long'))?.name;
      const shortName = windows.find((a) => a.name.endsWith('-Short'))?.name;
      if (!longName || !shortName) {
        throw new Error(`ProbeSloAlarms: the plan gives ${composite.name} no long and short window alarms`);
      }
      const long = this.windowAlarm(props, pair, pair.long, longName);
      const short = this.windowAlarm(props, pair, pair.short, shortName);
      const alarm = new cloudwatch.CompositeAlarm(this, `${kind}`, {
        compositeAlarmName: composite.name,
        alarmDescription: alarmDescription({
          probe,
          region,
          meaning: compositeMeaning(pair, probe),
          check:
            'the failure codes by stage on the On-call dashboard, the latest result in this notification, and the runbook of its code family.',
        }),
        alarmRule: cloudwatch.AlarmRule.allOf(
          cloudwatch.AlarmRule.fromAlarm(long, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.fromAlarm(short, cloudwatch.AlarmState.ALARM),
        ),
      });
      alarm.addAlarmAction(new cwActions.SnsAction(props.topic));
      alarm.addOkAction(new cwActions.SnsAction(props.topic));
      this.windows.push(long, short);
      this.composites.push(alarm);
    }
  }

  /** One alarm on Success Average that notifies itself, under the composite's name (lean profile). */
  private leanAlarm(props: ProbeSloAlarmsProps, lean: LeanBurnAlarm, planned: PlannedAlarm): cloudwatch.Alarm {
    const { probe } = props;
    const region = Stack.of(this).region;
    const kind = lean.policy.kind;
    // Its own construct id: CloudFormation cannot turn the composite of the same name into a metric alarm.
    const alarm = new cloudwatch.Alarm(this, `${kind}Lean`, {
      alarmName: planned.name,
      alarmDescription: alarmDescription({
        probe,
        region,
        meaning: leanMeaning(lean, probe),
        check:
          'the failure codes by stage on the On-call dashboard, the latest result in this notification, and the runbook of its code family.',
      }),
      metric: new cloudwatch.Metric({
        namespace: props.namespace,
        metricName: METRICS.success.name,
        dimensionsMap: { [DIMENSION_PROBE]: probe.name },
        statistic: 'Average',
        period: Duration.minutes(lean.periodMinutes),
      }),
      comparisonOperator:
        lean.comparison === 'LessThanThreshold'
          ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
          : cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: lean.threshold,
      evaluationPeriods: lean.evaluationPeriods,
      datapointsToAlarm: lean.datapointsToAlarm,
      // Silence is the Stopped alarm's to report; a burn alarm keeps its state through it.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    notifySns(alarm, props.topic);
    return alarm;
  }

  private windowAlarm(
    props: ProbeSloAlarmsProps,
    pair: BurnAlarmPair,
    window: BurnWindowAlarm,
    name: string,
  ): cloudwatch.Alarm {
    const period = Duration.minutes(window.periodMinutes);
    const success = (statistic: string) =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName: METRICS.success.name,
        dimensionsMap: { [DIMENSION_PROBE]: props.probe.name },
        statistic,
        period,
      });
    const id = `${pair.policy.kind}-${window.window}`;
    return new cloudwatch.Alarm(this, id, {
      alarmName: name,
      alarmDescription: `Burn rate of the "${props.probe.name}" SLO (${props.probe.slo.objective} % over ${props.probe.slo.window}) over ${durationLabel(window.windowMinutes)}; no actions: the ${alarmName({ deployment: props.deployment, probe: props.probe.name, kind: pair.policy.kind, region: Stack.of(this).region })} composite notifies.`,
      metric: new cloudwatch.MathExpression({
        expression: burnExpression(props.probe.slo.objective, window.minFailedRuns),
        usingMetrics: { n: success('SampleCount'), s: success('Sum') },
        label: `Burn rate ${durationLabel(window.windowMinutes)}`,
        period,
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: window.threshold,
      evaluationPeriods: window.evaluationPeriods,
      datapointsToAlarm: window.datapointsToAlarm,
      // Silence is the Stopped alarm's to report; a burn alarm keeps its state through it.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }
}

function leanMeaning(lean: LeanBurnAlarm, probe: ResolvedProbe): string {
  const share = `${Math.round(lean.policy.budgetShare * 100)} %`;
  const what = lean.policy.id === 'ticket' ? 'Ticket' : 'Page';
  const window = durationLabel(lean.windowMinutes);
  const runs =
    lean.datum === 'runs'
      ? `${lean.failedRuns} or more of the last ${lean.evaluationPeriods} runs failed (over ${window})`
      : `each of the last ${lean.evaluationPeriods} days had at least ${lean.failedRuns} failed run${lean.failedRuns > 1 ? 's' : ''} and ${round(100 * (1 - lean.threshold), 4)} % or more of its runs failed`;
  return `${what}: the error budget of the SLO (${probe.slo.objective} % successful runs over ${probe.slo.window}) is burning at ${lean.factor}x or more over ${window}: ${runs} (on course to spend ${share} of it in ${durationLabel(lean.policy.longMinutes)}). Lean profile: one window, so it resolves when the failures age out of it (up to ${window} after recovery).`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function compositeMeaning(pair: BurnAlarmPair, probe: ResolvedProbe): string {
  const share = `${Math.round(pair.policy.budgetShare * 100)} %`;
  const what = pair.policy.id === 'ticket' ? 'Ticket' : 'Page';
  return `${what}: the error budget of the SLO (${probe.slo.objective} % successful runs over ${probe.slo.window}) is burning at ${pair.factor}x or more over ${durationLabel(pair.long.windowMinutes)} and over the last ${durationLabel(pair.short.windowMinutes)} (on course to spend ${share} of it in ${durationLabel(pair.policy.longMinutes)}), with at least ${pair.short.minFailedRuns} failed runs in each window.`;
}
