/**
 * What the notifier accepts as input, read defensively: the SNS event Lambda hands it and the CloudWatch
 * alarm state change inside each record. Anything else (a `Records` that is not an array, a record
 * without an SNS message, a message that is not JSON or not an alarm state change) is a reason to skip,
 * never an exception: retrying a malformed event cannot help, and an exception would retry it, dead-letter
 * it and raise the notifier's own Errors alarm, a false page about the notifier.
 *
 * The alarm is rebuilt field by field with the types the message builder relies on (a `Trigger.Metrics`
 * that is an object, a reason that is a number), so that a well-formed envelope around odd fields cannot
 * throw further down either. What the notifier throws after this is its own failure.
 */
import { isRecord, parseJsonObject } from '../../guards.js';
import type { AlarmStateChange, AlarmTrigger } from '../shared/notification.js';

const STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
type State = (typeof STATES)[number];

/** One record of the event: the alarm it carries, or why it carries none. */
export type SnsAlarmRecord =
  | { messageId?: string; topicArn?: string; alarm: AlarmStateChange }
  | { messageId?: string; topicArn?: string; skip: string };

/** The records of an SNS event, or why the event is not one (then it has no records to handle). */
export function alarmRecords(event: unknown): { records: SnsAlarmRecord[] } | { invalid: string } {
  if (!isRecord(event)) return { invalid: `the event is ${describe(event)}, not an SNS event object` };
  const records = event.Records;
  if (!Array.isArray(records)) return { invalid: `Records is ${describe(records)}, not an array` };
  return { records: records.map(alarmRecord) };
}

function alarmRecord(record: unknown): SnsAlarmRecord {
  const sns = isRecord(record) ? record.Sns : undefined;
  if (!isRecord(sns)) return { skip: 'the record has no Sns object' };
  const ids = {
    ...(typeof sns.MessageId === 'string' ? { messageId: sns.MessageId } : {}),
    ...(typeof sns.TopicArn === 'string' ? { topicArn: sns.TopicArn } : {}),
  };
  const parsed = parseAlarmMessage(sns.Message);
  return 'alarm' in parsed ? { ...ids, alarm: parsed.alarm } : { ...ids, skip: parsed.skip };
}

/** The alarm state change in an SNS message, or why it is not one. */
export function parseAlarmMessage(message: unknown): { alarm: AlarmStateChange } | { skip: string } {
  if (typeof message !== 'string' || message === '') return { skip: `the message is ${describe(message)}` };
  const parsed = parseJsonObject(message);
  if (!parsed.ok)
    return { skip: parsed.reason === 'syntax' ? 'the message is not JSON' : 'the message is not a JSON object' };
  const value = parsed.value;
  if (typeof value.AlarmName !== 'string' || value.AlarmName === '') {
    return { skip: 'the message is not a CloudWatch alarm state change (no AlarmName)' };
  }
  const newState = state(value.NewStateValue);
  if (!newState) return { skip: 'the message is not a CloudWatch alarm state change (no known NewStateValue)' };
  const oldState = state(value.OldStateValue);
  const trigger = isRecord(value.Trigger) ? alarmTrigger(value.Trigger) : undefined;
  const alarm: AlarmStateChange = {
    AlarmName: value.AlarmName,
    NewStateValue: newState,
    StateChangeTime: text(value.StateChangeTime) ?? '',
    ...(oldState ? { OldStateValue: oldState } : {}),
    ...optionalText(value, ['AlarmDescription', 'AWSAccountId', 'NewStateReason', 'Region', 'AlarmArn']),
    ...(trigger ? { Trigger: trigger } : {}),
  };
  return { alarm };
}

function alarmTrigger(value: Record<string, unknown>): AlarmTrigger {
  const metrics = Array.isArray(value.Metrics) ? value.Metrics.filter(isRecord).map(metricQuery) : undefined;
  return {
    ...optionalText(value, ['MetricName', 'Namespace', 'Statistic', 'ComparisonOperator', 'TreatMissingData']),
    ...optionalNumber(value, ['Period', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold']),
    ...(Array.isArray(value.Dimensions) ? { Dimensions: dimensions(value.Dimensions) } : {}),
    ...(metrics ? { Metrics: metrics } : {}),
  };
}

type MetricQuery = NonNullable<AlarmTrigger['Metrics']>[number];

function metricQuery(value: Record<string, unknown>): MetricQuery {
  const stat = isRecord(value.MetricStat) ? value.MetricStat : undefined;
  const metric = stat && isRecord(stat.Metric) ? stat.Metric : undefined;
  return {
    ...optionalText(value, ['Id', 'Expression']),
    ...(typeof value.ReturnData === 'boolean' ? { ReturnData: value.ReturnData } : {}),
    ...(stat
      ? {
          MetricStat: {
            ...optionalText(stat, ['Stat']),
            ...optionalNumber(stat, ['Period']),
            ...(metric
              ? {
                  Metric: {
                    ...optionalText(metric, ['MetricName', 'Namespace']),
                    ...(Array.isArray(metric.Dimensions) ? { Dimensions: dimensions(metric.Dimensions) } : {}),
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}

/** CloudWatch writes `{ name, value }` in Trigger.Dimensions and `{ Name, Value }` in metric queries. */
function dimensions(values: unknown[]): { name?: string; value?: string; Name?: string; Value?: string }[] {
  return values.filter(isRecord).map((d) => optionalText(d, ['name', 'value', 'Name', 'Value']));
}

function state(value: unknown): State | undefined {
  return STATES.find((s) => s === value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optionalText<K extends string>(
  value: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) if (typeof value[key] === 'string') out[key] = value[key] as string;
  return out;
}

function optionalNumber<K extends string>(
  value: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) if (typeof value[key] === 'number' && Number.isFinite(value[key])) out[key] = value[key];
  return out;
}

/** What a value is, for a log line: its type, never its content (it may be anything). */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
