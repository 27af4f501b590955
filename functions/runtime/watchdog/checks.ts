/**
 * Is the alert path healthy? What the watchdog asks CloudWatch before it pings:
 *
 * - the notifiers: no `Errors` (AWS/Lambda, Sum) and no visible dead letters (AWS/SQS
 *   ApproximateNumberOfMessagesVisible, Maximum) in the last period, for a notifier whose function and
 *   queue names the watchdog was given (the home region's), and none of their own alarms in ALARM (every
 *   region's: fixed names; the DeadLetters alarm keeps its state when SQS stops reporting an idle queue,
 *   which the metric alone would read as "no dead letters");
 * - the probe alarms: at least one is evaluating (OK or ALARM), and no Stopped alarm has been
 *   INSUFFICIENT_DATA for longer than the grace period since its creation or last change: the Stopped
 *   alarm cannot reach ALARM before a probe's first run (plan/alarm-expressions.ts), so a probe that
 *   never runs after deploy is only visible here.
 *
 * Every call has an aborting deadline. A check that fails (an error, a deadline) is itself a finding:
 * the watchdog pings only what it could prove healthy.
 */
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  type MetricAlarm,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { parseAlarmName } from '../../contract/alarm-naming.js';
import { errorName } from '../../guards.js';
import { callDeadline, isAbortError } from '../shared/deadline.js';
import type { NotifierToWatch, WatchdogSettings } from './settings.js';

/** Why a heartbeat is withheld: a stable code per finding. */
export type FindingCode =
  | 'notifier_errors'
  | 'dead_letters'
  | 'notifier_alarm'
  | 'no_probe_alarms'
  | 'alarms_not_evaluating'
  | 'stopped_never_ran'
  | 'check_failed';

export interface Finding {
  code: FindingCode;
  region: string;
  /** Names and counts (function, queue and alarm names; never a secret). */
  detail: string;
}

/** Deadline of each CloudWatch call (all attempts). */
export const CHECK_CALL_DEADLINE_MS = 5_000;
/** DescribeAlarms pages read per question (100 alarms a page). */
export const MAX_ALARM_PAGES = 10;
/** Lambda and SQS metrics arrive a minute or two late: the look-back reaches this much further. */
export const METRIC_DELAY_MINUTES = 2;
/** Stuck Stopped alarms named in a finding; the rest are counted. */
const NAMED_ALARMS = 5;

export interface CheckDeps {
  cloudWatch: (region: string) => CloudWatchClient;
  now: () => number;
  /** Aborts every call at once (Lambda's remaining time). */
  signal?: AbortSignal;
}

export async function alertPathFindings(settings: WatchdogSettings, deps: CheckDeps): Promise<Finding[]> {
  const byRegion = new Map<string, NotifierToWatch[]>();
  for (const notifier of settings.notifiers) {
    byRegion.set(notifier.region, [...(byRegion.get(notifier.region) ?? []), notifier]);
  }
  const results = await Promise.all([
    ...[...byRegion].map(([region, notifiers]) => notifierFindings(region, notifiers, settings.periodMinutes, deps)),
    probeAlarmFindings(settings, deps),
  ]);
  return results.flat();
}

/** A failed call, as a finding (the error's name, never its message). */
function failed(region: string, operation: string, error: unknown): Finding {
  return {
    code: 'check_failed',
    region,
    detail: `${operation} failed (${isAbortError(error) ? 'deadline' : errorName(error)}): health not proven`,
  };
}

async function notifierFindings(
  region: string,
  notifiers: NotifierToWatch[],
  periodMinutes: number,
  deps: CheckDeps,
): Promise<Finding[]> {
  const client = deps.cloudWatch(region);
  const now = deps.now();
  const findings: Finding[] = [];
  // Metrics only of the notifiers whose names the stack knows (the home region's); the others are
  // watched through their alarms.
  const queries = notifiers.flatMap((notifier, index) => [
    ...(notifier.functionName
      ? [
          {
            Id: `errors${index}`,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Lambda',
                MetricName: 'Errors',
                Dimensions: [{ Name: 'FunctionName', Value: notifier.functionName }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ]
      : []),
    ...(notifier.deadLetterQueueName
      ? [
          {
            Id: `deadLetters${index}`,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SQS',
                MetricName: 'ApproximateNumberOfMessagesVisible',
                Dimensions: [{ Name: 'QueueName', Value: notifier.deadLetterQueueName }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ]
      : []),
  ]);
  const metrics = async () => {
    if (queries.length === 0) return;
    const output = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - (periodMinutes + METRIC_DELAY_MINUTES) * 60_000),
        EndTime: new Date(now),
        MetricDataQueries: queries,
      }),
      { abortSignal: callDeadline(CHECK_CALL_DEADLINE_MS, deps.signal) },
    );
    const values = (id: string) => output.MetricDataResults?.find((r) => r.Id === id)?.Values ?? [];
    notifiers.forEach((notifier, index) => {
      const errors = values(`errors${index}`).reduce((a, b) => a + b, 0);
      const deadLetters = Math.max(0, ...values(`deadLetters${index}`));
      if (errors > 0) {
        findings.push({
          code: 'notifier_errors',
          region,
          detail: `${notifier.functionName}: ${errors} errors in the last ${periodMinutes} min`,
        });
      }
      if (deadLetters > 0) {
        findings.push({
          code: 'dead_letters',
          region,
          detail: `${notifier.deadLetterQueueName}: ${deadLetters} undelivered notifications`,
        });
      }
    });
  };
  const alarms = async () => {
    const names = notifiers.flatMap((n) => n.alarmNames);
    if (names.length === 0) return;
    const output = await client.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(0, 100) }), {
      abortSignal: callDeadline(CHECK_CALL_DEADLINE_MS, deps.signal),
    });
    for (const alarm of output.MetricAlarms ?? []) {
      if (alarm.StateValue === 'ALARM') {
        findings.push({ code: 'notifier_alarm', region, detail: `${alarm.AlarmName} is in ALARM` });
      }
    }
  };
  await Promise.all([
    metrics().catch((error) => findings.push(failed(region, 'GetMetricData', error))),
    alarms().catch((error) => findings.push(failed(region, 'DescribeAlarms', error))),
  ]);
  return findings;
}

/** Per region: the probe alarms in INSUFFICIENT_DATA, and whether any is evaluating. */
async function probeAlarmFindings(settings: WatchdogSettings, deps: CheckDeps): Promise<Finding[]> {
  const findings: Finding[] = [];
  let seen = 0;
  let evaluating = false;
  const graceMs = settings.neverRanGraceMinutes * 60_000;
  await Promise.all(
    settings.alarmRegions.map(async (region) => {
      const client = deps.cloudWatch(region);
      const list = async (state: StateValue, stopAt?: (alarm: MetricAlarm) => boolean) => {
        const alarms: MetricAlarm[] = [];
        let NextToken: string | undefined;
        for (let page = 0; page < MAX_ALARM_PAGES; page++) {
          const input: DescribeAlarmsCommandInput = {
            AlarmNamePrefix: settings.alarmPrefix,
            StateValue: state,
            MaxRecords: 100,
            ...(NextToken ? { NextToken } : {}),
          };
          const output = await client.send(new DescribeAlarmsCommand(input), {
            abortSignal: callDeadline(CHECK_CALL_DEADLINE_MS, deps.signal),
          });
          const probeAlarms = (output.MetricAlarms ?? []).filter((a) => a.AlarmName && parseAlarmName(a.AlarmName));
          alarms.push(...probeAlarms);
          NextToken = output.NextToken;
          if (!NextToken || (stopAt && probeAlarms.some(stopAt))) break;
        }
        return alarms;
      };
      try {
        const [insufficient, ok, alarm] = await Promise.all([
          list('INSUFFICIENT_DATA'),
          list('OK', () => true),
          list('ALARM', () => true),
        ]);
        seen += insufficient.length + ok.length + alarm.length;
        if (ok.length + alarm.length > 0) evaluating = true;
        const now = deps.now();
        const stuck = insufficient.filter((a) => {
          if (parseAlarmName(a.AlarmName!)?.kind !== 'stopped') return false;
          const since = Math.max(
            a.StateUpdatedTimestamp?.getTime() ?? 0,
            a.AlarmConfigurationUpdatedTimestamp?.getTime() ?? 0,
          );
          return now - since > graceMs;
        });
        if (stuck.length > 0) {
          const names = stuck.slice(0, NAMED_ALARMS).map((a) => a.AlarmName);
          const more = stuck.length > NAMED_ALARMS ? ` and ${stuck.length - NAMED_ALARMS} more` : '';
          findings.push({
            code: 'stopped_never_ran',
            region,
            detail: `INSUFFICIENT_DATA for over ${settings.neverRanGraceMinutes} min since created or changed (the probe never ran): ${names.join(', ')}${more}`,
          });
        }
      } catch (error) {
        findings.push(failed(region, 'DescribeAlarms', error));
      }
    }),
  );
  if (findings.some((f) => f.code === 'check_failed')) return findings;
  if (seen === 0) {
    findings.push({
      code: 'no_probe_alarms',
      region: settings.alarmRegions.join(','),
      detail: `no probe alarm named ${settings.alarmPrefix}… in ${settings.alarmRegions.join(', ')}`,
    });
  } else if (!evaluating) {
    findings.push({
      code: 'alarms_not_evaluating',
      region: settings.alarmRegions.join(','),
      detail: `all ${seen} probe alarms are INSUFFICIENT_DATA`,
    });
  }
  return findings;
}
