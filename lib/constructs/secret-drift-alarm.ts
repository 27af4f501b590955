/**
 * The secret version drift alarm of one region: `SecretVersionDrift` (no Probe dimension) at 1 means a
 * probe of this region read a replica whose AWSCURRENT is not the primary's, for longer than the
 * replication grace (functions/runtime/probe/secret-drift.ts). One alarm per region, not per probe: the probes
 * of a region share the replication of their secrets, a per-probe alarm would add a resource per probe
 * and region to every shard (1,000 probes x 3 regions), and the log line names the secret.
 *
 * Warning: the region still authenticates, with the previous secret, until the authorization server
 * revokes it. Missing data keeps the state: the primary region (and a region without replicas)
 * publishes nothing, and checks run every 5 minutes per secret, not every period.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS, secretDriftAlarmName } from '../../functions/contract/index.js';

/** One period of 15 minutes: the grace is in the signal already; several checks fall in each period. */
export const DRIFT_ALARM_PERIOD = Duration.minutes(15);

export interface SecretDriftAlarmProps {
  readonly region: string;
  readonly namespace: string;
  /** Config `name`. @default "oauth-probe" */
  readonly deployment?: string;
}

export class SecretDriftAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SecretDriftAlarmProps) {
    super(scope, id);
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: secretDriftAlarmName(props.region, props.deployment),
      alarmDescription: [
        `WARNING: in ${props.region}, a probe's secret replica has had another AWSCURRENT version than the primary region for more than 15 minutes:`,
        "replication of the secret is failing (see the replica's ReplicationStatus: a missing KMS key in this region, a conflicting secret).",
        'Integrations in this region use the previous secret until it is revoked. The probe log line (event probe_result, field secretDrift) names the versions.',
      ].join(' '),
      metric: new cloudwatch.Metric({
        namespace: props.namespace,
        metricName: METRICS.secretVersionDrift.name,
        statistic: 'Maximum',
        period: DRIFT_ALARM_PERIOD,
        region: props.region,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }
}
