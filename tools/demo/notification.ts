/**
 * What the on-call engineer would receive for a failed run, built on the path a deployed failure takes:
 * the result is written as the probe function's log line (`resultLogLine`), read back as the notifier
 * reads it (`resultFromLogLine`), and turned into the message by the notifier's own builder
 * (`buildNotification`), for the Availability alarm of the region it would run in. The demo prints the
 * email text of one of its injected failures with it; the docs samples show the email and JSON bodies.
 * Secrets never reach it: the engine redacts results, and the builder scrubs secret shapes once more.
 */
import { alarmName, deploymentDashboardName } from '../../functions/contract/index.js';
import type { ProbeResult } from '../../functions/engine/index.js';
import { alarmConsoleUrl, logsInsightsUrl, resultQuery } from '../../functions/runtime/notifier/alarm-change.js';
import { resultFromLogLine, resultLogLine } from '../../functions/runtime/shared/log.js';
import { buildNotification, type Notification } from '../../functions/runtime/shared/notification.js';

/** The home region of the example probes.json: where a deployed probe's warning would come from. */
export const SAMPLE_REGION = 'eu-west-1';

/** CloudWatch's reason for the default availability alarm (3 failing runs of the last 5). */
export const SAMPLE_ALARM_REASON =
  'Threshold Crossed: 3 out of the last 5 datapoints were less than the threshold (1.0).';

export interface FailureNotificationOptions {
  /** When the alarm changed state (the third failing run). */
  at: Date;
  /** @default SAMPLE_REGION */
  region?: string;
  /** ISO time of the last passing run, if one is known. */
  lastGoodRun?: string;
  runbookUrl?: string;
  owner?: string;
  /** The probe function's log group, for the Logs Insights link (CloudFormation names it at deploy). */
  probeLogGroup?: string;
  /** The AWS account CloudWatch names in the state change. */
  account?: string;
}

/** The warning the notifier would send when `result` (a failed run) sets off its Availability alarm. */
export function failureNotification(result: ProbeResult, options: FailureNotificationOptions): Notification {
  const region = options.region ?? SAMPLE_REGION;
  const identity = { probe: result.probe, kind: 'availability' as const, region };
  const name = alarmName(identity);
  const line = resultLogLine(result, {
    region,
    scheduledTime: result.startedAt,
    ...(options.runbookUrl ? { runbookUrl: options.runbookUrl } : {}),
  });
  const latest = resultFromLogLine(JSON.stringify({ message: line.message, ...line.fields }));
  const dashboard = deploymentDashboardName(undefined);
  return buildNotification({
    alarm: {
      AlarmName: name,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: SAMPLE_ALARM_REASON,
      StateChangeTime: cloudWatchTime(options.at),
      ...(options.account ? { AWSAccountId: options.account } : {}),
    },
    identity,
    region,
    ...(latest ? { latest } : {}),
    ...(options.lastGoodRun ? { lastGoodRun: options.lastGoodRun } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
    links: {
      dashboard: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard}`,
      ...(options.probeLogGroup
        ? { logs: logsInsightsUrl(region, options.probeLogGroup, resultQuery(result.probe)) }
        : {}),
      alarm: alarmConsoleUrl(region, name),
      ...(options.runbookUrl ? { runbook: options.runbookUrl } : {}),
    },
  });
}

/** The email as a subscriber reads it: the subject, a blank line, the text. */
export function emailText(notification: Notification): string {
  return `Subject: ${notification.subject}\n\n${notification.text}`;
}

/** `2026-11-22T07:06:30.123+0000`, the form CloudWatch writes in alarm state changes. */
function cloudWatchTime(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}
