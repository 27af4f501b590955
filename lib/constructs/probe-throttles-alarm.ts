/**
 * The probe function's throttles alarm of one region (plan/alarms.ts, `probeThrottles`): the function's
 * `Throttles` (AWS/Lambda, Sum over 5 minutes) at 1 or more means Lambda refused to start scheduled
 * runs, because other workloads used up the account's concurrency in this region or the reservation
 * (`reservedConcurrency`) is smaller than the busiest minute. Lambda retries a throttled asynchronous
 * run for up to its maximum event age, so the first throttles make runs late, more of them lose runs.
 *
 * A warning, on by default whether or not anything is reserved, delivered straight to the notification
 * topic like the drift alarm (never through the notifier). No invocation, no throttle: missing data is
 * the healthy case.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { probeThrottlesAlarmName } from '../../functions/contract/index.js';
import { THROTTLES_ALARM_PERIOD_MINUTES } from '../../plan/index.js';

export interface ProbeThrottlesAlarmProps {
  readonly region: string;
  /** The region's probe function. */
  readonly fn: lambda.IFunction;
  /** Config `name`. @default "oauth-probe" */
  readonly deployment?: string;
  /** The reservation, for the description. @default none */
  readonly reservedConcurrency?: number;
}

export class ProbeThrottlesAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ProbeThrottlesAlarmProps) {
    super(scope, id);
    const cause =
      props.reservedConcurrency === undefined
        ? "the account's concurrency in this region is used up by other functions (consider config reservedConcurrency)"
        : `the function's reserved concurrency (${props.reservedConcurrency}) is smaller than the runs starting together: raise it, or use "auto"`;
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: probeThrottlesAlarmName(props.region, props.deployment),
      alarmDescription: [
        `WARNING: in ${props.region}, Lambda throttled scheduled runs of the oauth-probe probe function:`,
        `${cause}.`,
        "Throttled runs are retried for up to 2 minutes, then dropped; Stopped alarms may follow. See the function's Throttles and ConcurrentExecutions metrics.",
      ].join(' '),
      metric: props.fn.metricThrottles({
        period: Duration.minutes(THROTTLES_ALARM_PERIOD_MINUTES),
        statistic: 'Sum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
