/** CloudWatch alarm state-change notifications as CloudWatch publishes them to SNS. */
import { type AlarmKind, alarmName } from '../../functions/contract/alarm-naming.js';
import type { AlarmStateChange } from '../../functions/runtime/shared/notification.js';

export const ACCOUNT = '123456789012';

export function alarmChange(
  kind: AlarmKind,
  state: 'ALARM' | 'OK',
  options: { region?: string; probe?: string; runbook?: string; old?: AlarmStateChange['OldStateValue'] } = {},
): AlarmStateChange {
  const region = kind === 'global' ? 'us-east-1' : (options.region ?? 'eu-west-1');
  const probe = options.probe ?? 'billing-api';
  const name = alarmName(kind === 'global' ? { probe, kind } : { probe, kind, region });
  const runbook = options.runbook === undefined ? 'https://wiki.example.com/runbooks/billing-api' : options.runbook;
  const trigger: AlarmStateChange['Trigger'] =
    kind === 'global'
      ? {
          Period: 60,
          EvaluationPeriods: 3,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 2,
          TreatMissingData: 'notBreaching',
          Metrics: [
            { Id: 'failing', Expression: '(1 - r0) + (1 - r1) + (1 - r2)', ReturnData: true },
            ...['eu-west-1', 'us-east-1', 'ap-southeast-2'].map((r, i) => ({
              Id: `r${i}`,
              MetricStat: {
                Metric: {
                  Namespace: 'OAuthProbe',
                  MetricName: 'Success',
                  Dimensions: [
                    { value: probe, name: 'Probe' },
                    { value: r, name: 'Region' },
                  ],
                },
                Period: 60,
                Stat: 'Minimum',
              },
              ReturnData: false,
            })),
          ],
        }
      : {
          MetricName: kind === 'expiry' ? 'CredentialDaysLeft' : kind === 'latency' ? 'TokenLatency' : 'Success',
          Namespace: 'OAuthProbe',
          Statistic: 'MINIMUM',
          Dimensions: [{ value: probe, name: 'Probe' }],
          Period: 60,
          EvaluationPeriods: kind === 'stopped' ? 3 : 5,
          DatapointsToAlarm: 3,
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          TreatMissingData: kind === 'stopped' ? 'breaching' : 'missing',
        };
  return {
    AlarmName: name,
    AlarmDescription: `oauth-probe "${probe}" from ${region}: something.\nCheck: the result.${runbook ? `\nRunbook: ${runbook}` : ''}`,
    AWSAccountId: ACCOUNT,
    NewStateValue: state,
    OldStateValue: options.old ?? (state === 'ALARM' ? 'OK' : 'ALARM'),
    NewStateReason: `Threshold Crossed: 3 out of the last 5 datapoints were less than the threshold (1.0).`,
    StateChangeTime: '2026-11-22T07:06:30.123+0000',
    Region: kind === 'global' ? 'US East (N. Virginia)' : 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${name}`,
    Trigger: trigger,
  };
}
