/**
 * The JSON CloudWatch publishes to an alarm's SNS actions when the alarm changes state, built from the
 * alarm as the template defines it (moto_server stores alarms but never runs their actions), and the
 * Lambda event SNS hands the notifier for a message of its topic.
 */

const REGION_NAMES: Record<string, string> = {
  'eu-west-1': 'EU (Ireland)',
  'us-east-1': 'US East (N. Virginia)',
};

interface AlarmProps {
  AlarmName: string;
  AlarmDescription?: string;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Dimensions?: { Name: string; Value: string }[];
  Period?: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  ComparisonOperator: string;
  Threshold: number;
  TreatMissingData?: string;
  Metrics?: {
    Id: string;
    Expression?: string;
    Label?: string;
    ReturnData?: boolean;
    MetricStat?: {
      Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
      Period: number;
      Stat: string;
    };
  }[];
}

/** CloudWatch's SNS message for `alarm` moving from `from` to `to` at `at`. */
export function alarmStateChangeMessage(
  alarm: AlarmProps,
  options: { region: string; account: string; to: 'ALARM' | 'OK'; from: 'OK' | 'ALARM'; at: Date },
): Record<string, unknown> {
  const lower = (dims: AlarmProps['Dimensions']) => (dims ?? []).map((d) => ({ value: d.Value, name: d.Name }));
  // What every trigger carries, in the order CloudWatch writes it after the metric (or the period).
  const evaluation = {
    EvaluationPeriods: alarm.EvaluationPeriods,
    DatapointsToAlarm: alarm.DatapointsToAlarm,
    ComparisonOperator: alarm.ComparisonOperator,
    Threshold: alarm.Threshold,
    TreatMissingData: alarm.TreatMissingData ?? 'missing',
    EvaluateLowSampleCountPercentile: '',
  };
  const trigger = alarm.Metrics
    ? {
        Period: alarm.Metrics.find((m) => m.MetricStat)?.MetricStat?.Period ?? 60,
        ...evaluation,
        Metrics: alarm.Metrics.map((m) => ({
          Id: m.Id,
          ...(m.Expression ? { Expression: m.Expression } : {}),
          ...(m.Label ? { Label: m.Label } : {}),
          ReturnData: m.ReturnData ?? true,
          ...(m.MetricStat
            ? {
                MetricStat: {
                  Metric: {
                    Namespace: m.MetricStat.Metric.Namespace,
                    MetricName: m.MetricStat.Metric.MetricName,
                    Dimensions: lower(m.MetricStat.Metric.Dimensions),
                  },
                  Period: m.MetricStat.Period,
                  Stat: m.MetricStat.Stat,
                },
              }
            : {}),
        })),
      }
    : {
        MetricName: alarm.MetricName,
        Namespace: alarm.Namespace,
        StatisticType: 'Statistic',
        Statistic: alarm.Statistic?.toUpperCase(),
        Unit: null,
        Dimensions: lower(alarm.Dimensions),
        Period: alarm.Period,
        ...evaluation,
      };
  const stamp = options.at.toISOString().replace('Z', '+0000');
  return {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: options.account,
    AlarmConfigurationUpdatedTimestamp: stamp,
    NewStateValue: options.to,
    NewStateReason:
      options.to === 'ALARM'
        ? `Threshold Crossed: ${alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods} out of the last ${alarm.EvaluationPeriods} datapoints were less than the threshold (${alarm.Threshold}).`
        : 'Threshold Crossed: no datapoints were breaching the threshold.',
    StateChangeTime: stamp,
    Region: REGION_NAMES[options.region] ?? options.region,
    AlarmArn: `arn:aws:cloudwatch:${options.region}:${options.account}:alarm:${alarm.AlarmName}`,
    OldStateValue: options.from,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    Trigger: trigger,
  };
}

/** An SNS notification as SQS received it from a topic (raw delivery off): the JSON envelope. */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** The Lambda event SNS builds for a function subscribed to the topic, from the envelope it delivered. */
export function lambdaSnsEvent(envelope: SnsEnvelope, subscriptionArn: string): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: envelope.Type,
          MessageId: envelope.MessageId,
          TopicArn: envelope.TopicArn,
          Subject: envelope.Subject ?? null,
          Message: envelope.Message,
          Timestamp: envelope.Timestamp,
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.local/cert.pem',
          UnsubscribeUrl: 'https://sns.local/unsubscribe',
          MessageAttributes: envelope.MessageAttributes ?? {},
        },
      },
    ],
  };
}
