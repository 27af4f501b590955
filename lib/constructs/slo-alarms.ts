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
  burnWindowAlarmName,
  DIMENSION_PROBE,
  durationLabel,
  METRICS,
} from '../../functions/contract/index.js';
import { alarmDescription } from '../alarm-description.js';
import { scheduleIntervalMinutes } from '../periods.js';

export interface ProbeSloAlarmsProps {
  probe: ResolvedProbe;
  /** Config `name` of the deployment: part of every alarm name. */
  deployment: string;
  namespace: string;
  /** ALARM and OK actions of the composites go here. */
  topic: sns.ITopic;
}

export class ProbeSloAlarms extends Construct {
  /** The three composites (fast page, slow page, ticket), in BURN_POLICIES order. */
  readonly composites: cloudwatch.CompositeAlarm[] = [];
  /** The six window alarms. */
  readonly windows: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ProbeSloAlarmsProps) {
    super(scope, id);
    const { probe } = props;
    const region = Stack.of(this).region;
    const pairs = burnAlarmPairs(
      { objective: probe.slo.objective, windowDays: sloWindowDays(probe.slo) },
      scheduleIntervalMinutes(probe.schedule),
    );
    for (const pair of pairs) {
      const kind = pair.policy.kind;
      const identity = { deployment: props.deployment, probe: probe.name, kind, region };
      const long = this.windowAlarm(props, pair, pair.long, burnWindowAlarmName(identity, 'long'));
      const short = this.windowAlarm(props, pair, pair.short, burnWindowAlarmName(identity, 'short'));
      const composite = new cloudwatch.CompositeAlarm(this, `${kind}`, {
        compositeAlarmName: alarmName(identity),
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
      composite.addAlarmAction(new cwActions.SnsAction(props.topic));
      composite.addOkAction(new cwActions.SnsAction(props.topic));
      this.windows.push(long, short);
      this.composites.push(composite);
    }
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

function compositeMeaning(pair: BurnAlarmPair, probe: ResolvedProbe): string {
  const share = `${Math.round(pair.policy.budgetShare * 100)} %`;
  const what = pair.policy.id === 'ticket' ? 'Ticket' : 'Page';
  return `${what}: the error budget of the SLO (${probe.slo.objective} % successful runs over ${probe.slo.window}) is burning at ${pair.factor}x or more over ${durationLabel(pair.long.windowMinutes)} and over the last ${durationLabel(pair.short.windowMinutes)} (on course to spend ${share} of it in ${durationLabel(pair.policy.longMinutes)}), with at least ${pair.short.minFailedRuns} failed runs in each window.`;
}
