/**
 * Replays series through the alarms of a synthesized CloudFormation template, minute by minute, with
 * ./evaluator.ts, and reports when each alarm (metric or composite) changed state.
 */
import {
  type AlarmState,
  DEFAULT_READINGS,
  evaluateMetricAlarm,
  evaluateRule,
  evaluatesAt,
  type MetricAlarmDefinition,
  type Readings,
  type Series,
  type SeriesSource,
} from './evaluator.js';

export interface CompositeAlarmDefinition {
  AlarmName: string;
  AlarmRule: string;
}

export interface TemplateAlarms {
  metric: MetricAlarmDefinition[];
  composite: CompositeAlarmDefinition[];
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * The alarms of a template; composite rules get their `Fn::GetAtt [alarm, Arn]` references replaced by
 * the alarm names they point at, so rules read `ALARM("OAuthProbe-...-Long") AND ...`.
 */
export function alarmsFromTemplate(template: { Resources: Record<string, CfnResource> }): TemplateAlarms {
  const resources = template.Resources;
  const names = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    const name = resource.Properties?.AlarmName;
    if (typeof name === 'string') {
      names.set(id, name);
      // A merged template keys a nested stack's resources `<nested>/<id>`; its references keep `<id>`.
      names.set(id.slice(id.lastIndexOf('/') + 1), name);
    }
  }
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const object = value as Record<string, unknown>;
    if (Array.isArray(object['Fn::Join'])) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    if (Array.isArray(object['Fn::GetAtt'])) {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      const name = names.get(id);
      if (attribute !== 'Arn' || !name) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
      return name;
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  };
  const metric: MetricAlarmDefinition[] = [];
  const composite: CompositeAlarmDefinition[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::CloudWatch::Alarm')
      metric.push(resource.Properties as unknown as MetricAlarmDefinition);
    if (resource.Type === 'AWS::CloudWatch::CompositeAlarm') {
      const properties = resource.Properties as { AlarmName: string; AlarmRule: unknown };
      composite.push({ AlarmName: properties.AlarmName, AlarmRule: resolve(properties.AlarmRule) });
    }
  }
  return { metric, composite };
}

/** Runs of one probe in one region: `Success` samples by minute. */
export function successSeries(runs: { minute: number; success: boolean }[]): Series {
  const series: Series = new Map();
  for (const run of runs) series.set(run.minute, [...(series.get(run.minute) ?? []), run.success ? 1 : 0]);
  return series;
}

/** What a region's run reports at a minute: a verdict, or nothing (it crashed, or never published). */
export type RunOutcome = 'pass' | 'fail' | 'silent';

/**
 * The `Success` series of every region, one run a minute from 0 to `to` as `outcome` says, as the metric
 * source of a probe's regional alarms (dimension `Region`); other metrics have no data.
 */
export function regionalSuccessSource<Region extends string>(
  regions: readonly Region[],
  outcome: (region: Region, minute: number) => RunOutcome,
  to: number,
): SeriesSource {
  const series = new Map(
    regions.map((region) => {
      const runs: { minute: number; success: boolean }[] = [];
      for (let minute = 0; minute <= to; minute++) {
        const result = outcome(region, minute);
        if (result !== 'silent') runs.push({ minute, success: result === 'pass' });
      }
      return [region, successSeries(runs)] as const;
    }),
  );
  return (name, dimensions) => {
    const region = dimensions.find((d) => d.Name === 'Region')?.Value as Region | undefined;
    return name === 'Success' && region ? series.get(region) : undefined;
  };
}

export interface Transition {
  alarm: string;
  minute: number;
  from: AlarmState;
  to: AlarmState;
}

export interface SimulationInput {
  alarms: TemplateAlarms;
  source: SeriesSource;
  /** First and last minute evaluated (inclusive). */
  from: number;
  to: number;
  /** Only these alarms (and composites over them) are evaluated. @default all */
  only?: (name: string) => boolean;
  /** What the CloudWatch documentation leaves open. @default DEFAULT_READINGS */
  readings?: Partial<Readings>;
}

/** Every state change of the selected alarms between `from` and `to`. */
export function simulate(input: SimulationInput): Transition[] {
  const selected = input.alarms.metric.filter((alarm) => input.only?.(alarm.AlarmName) ?? true);
  const composites = input.alarms.composite.filter((alarm) => input.only?.(alarm.AlarmName) ?? true);
  const states = new Map<string, AlarmState>();
  const transitions: Transition[] = [];
  const readings = { ...DEFAULT_READINGS, ...input.readings };
  const set = (name: string, minute: number, next: AlarmState) => {
    const previous = states.get(name) ?? 'INSUFFICIENT_DATA';
    if (previous !== next) transitions.push({ alarm: name, minute, from: previous, to: next });
    states.set(name, next);
  };
  for (let minute = input.from; minute <= input.to; minute++) {
    for (const alarm of selected) {
      if (!evaluatesAt(alarm, minute)) continue;
      const previous = states.get(alarm.AlarmName) ?? 'INSUFFICIENT_DATA';
      set(alarm.AlarmName, minute, evaluateMetricAlarm(alarm, input.source, minute, previous, readings));
    }
    for (const alarm of composites) {
      const firing = evaluateRule(alarm.AlarmRule, (name) => states.get(name) ?? 'INSUFFICIENT_DATA');
      set(alarm.AlarmName, minute, firing ? 'ALARM' : 'OK');
    }
  }
  return transitions;
}

/** The first minute `alarm` went into ALARM, or undefined. */
export function firstAlarm(transitions: Transition[], alarm: string): number | undefined {
  return transitions.find((t) => t.alarm === alarm && t.to === 'ALARM')?.minute;
}
