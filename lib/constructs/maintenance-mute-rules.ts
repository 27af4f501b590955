/**
 * `maintenance` windows of probes.json as CloudWatch alarm mute rules (`AWS::CloudWatch::AlarmMuteRule`,
 * aws-cdk-lib's `CfnAlarmMuteRule`): during a window the probes keep running and the alarms keep
 * evaluating and changing state, only their actions (the notifier, hence everyone) are muted.
 *
 * A rule mutes at most 100 alarms, so a window over more alarms becomes several rules. Schedules are
 * `at(yyyy-MM-ddThh:mm)` + the window's length for a one-time window, `cron(<5 fields>)` + `duration`
 * for a recurring one, both in the window's time zone.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { type MaintenanceWindow, minutesBetween } from '../../functions/config/schema.js';

/** CloudWatch's limit on alarms per mute rule. */
export const MAX_ALARMS_PER_MUTE_RULE = 100;

export interface MaintenanceMuteRulesProps {
  windows: readonly MaintenanceWindow[];
  /** Names of this stack's alarms, by probe. */
  alarmsByProbe: ReadonlyMap<string, readonly string[]>;
}

export class MaintenanceMuteRules extends Construct {
  readonly rules: cloudwatch.CfnAlarmMuteRule[] = [];

  constructor(scope: Construct, id: string, props: MaintenanceMuteRulesProps) {
    super(scope, id);
    for (const window of props.windows) {
      const probes = window.probes ?? [...props.alarmsByProbe.keys()];
      const names = probes.flatMap((p) => props.alarmsByProbe.get(p) ?? []);
      const schedule = muteSchedule(window);
      for (let i = 0; i < names.length; i += MAX_ALARMS_PER_MUTE_RULE) {
        const part = i / MAX_ALARMS_PER_MUTE_RULE;
        this.rules.push(
          new cloudwatch.CfnAlarmMuteRule(this, `${window.name}-${part}`, {
            name: `oauth-probe-${window.name}${part ? `-${part}` : ''}`,
            description: `oauth-probe maintenance "${window.name}"${window.reason ? `: ${window.reason}` : ''}`.slice(
              0,
              1024,
            ),
            rule: { schedule },
            muteTargets: { alarmNames: names.slice(i, i + MAX_ALARMS_PER_MUTE_RULE) },
          }),
        );
      }
    }
  }
}

export function muteSchedule(window: MaintenanceWindow): cloudwatch.CfnAlarmMuteRule.ScheduleProperty {
  if (window.cron && window.duration) {
    return { expression: `cron(${window.cron})`, duration: window.duration, timezone: window.timezone };
  }
  const minutes = minutesBetween(window.start!, window.end!);
  return { expression: `at(${window.start})`, duration: isoMinutes(minutes), timezone: window.timezone };
}

/** 150 → PT2H30M, 2 days → P2D */
export function isoMinutes(total: number): string {
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
