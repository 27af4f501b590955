/**
 * The AWS part of `oauth-probe alert-test` (./alert-test.ts): one region's alarm pushed through the
 * real alert path. Every call carries an abort deadline.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { NOTIFICATION_PUBLISHED_EVENT } from '../../../functions/contract/alarm-naming.js';
import { clientConfig } from '../../../functions/runtime/shared/deadline.js';
import { type AwsCallSite, AwsEnvironmentError, awsCall } from '../aws/errors.js';

export interface AlertTestDeps {
  cloudWatch(region: string): CloudWatchClient;
  logs(region: string): CloudWatchLogsClient;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RegionOutcome {
  region: string;
  alarm: string;
  delivered: boolean;
  /** Milliseconds from SetAlarmState to the notifier's published line. */
  tookMs?: number;
  problem?: string;
}

export interface Target {
  region: string;
  probe: string;
  alarm: string;
}

/** One AWS call (all its attempts) is aborted after this long. */
export const ALERT_TEST_CALL_TIMEOUT_MS = 10_000;
/** Pause between two looks at the notifier's log. */
export const POLL_INTERVAL_MS = 3_000;
/** The substring of the notifier's log group name (the CDK names it after the construct). */
export const NOTIFIER_LOG_GROUP_MARK = 'NotifierFunctionLogGroup';

export const defaultAlertTestDeps: AlertTestDeps = {
  cloudWatch: (region) => new CloudWatchClient(clientConfig(region)),
  logs: (region) => new CloudWatchLogsClient(clientConfig(region)),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Pushes `target`'s alarm through the alert path of its region. A problem of the caller's AWS
 * environment (credentials, region, permissions, network) is thrown as `AwsEnvironmentError`: it says
 * nothing about the alert path. `onAlarm` runs once the alarm is in ALARM and the wait begins.
 */
export async function testRegion(
  target: Target,
  waitMs: number,
  deps: AlertTestDeps,
  onAlarm: () => void = () => {},
): Promise<RegionOutcome> {
  const { region, alarm } = target;
  const cloudWatch = deps.cloudWatch(region);
  const logs = deps.logs(region);
  const base = { region, alarm, delivered: false } as const;
  const site = (service: string, action: string) => ({
    service,
    region,
    action,
    deadlineMs: ALERT_TEST_CALL_TIMEOUT_MS,
  });
  let logGroupName: string | undefined;
  try {
    const groups = await awsCall(site('CloudWatch Logs', 'logs:DescribeLogGroups'), (abortSignal) =>
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: NOTIFIER_LOG_GROUP_MARK }), { abortSignal }),
    );
    logGroupName = groups.logGroups?.map((g) => g.logGroupName).find((name) => name?.startsWith('OAuthProbe'));
  } catch (error) {
    if (error instanceof AwsEnvironmentError) throw error;
    return { ...base, problem: `cannot list log groups (${errorName(error)}): check your credentials and region` };
  }
  if (!logGroupName) {
    return {
      ...base,
      problem: `no notifier log group (*${NOTIFIER_LOG_GROUP_MARK}*) in ${region}: is the stack deployed?`,
    };
  }
  const started = deps.now();
  const setAlarmState = site('CloudWatch', 'cloudwatch:SetAlarmState');
  try {
    await awsCall(setAlarmState, (abortSignal) =>
      cloudWatch.send(
        new SetAlarmStateCommand({
          AlarmName: alarm,
          StateValue: 'ALARM',
          StateReason: `oauth-probe alert-test at ${new Date(started).toISOString()}: not a real failure`,
        }),
        { abortSignal },
      ),
    );
  } catch (error) {
    if (error instanceof AwsEnvironmentError) throw error;
    return {
      ...base,
      problem: `SetAlarmState on ${alarm} failed (${errorName(error)}): is the probe deployed in ${region}?`,
    };
  }
  onAlarm();
  let outcome: RegionOutcome;
  let environment: AwsEnvironmentError | undefined;
  try {
    const seenAt = await waitForPublished(logs, logGroupName, alarm, started, waitMs, deps, site);
    outcome =
      seenAt === undefined
        ? {
            ...base,
            problem: `no notification within ${Math.round(waitMs / 1000)} s: read ${logGroupName} for notification_publish_failed or notifier_misconfigured, then the alarm topic's and the notification topic's key and topic policies`,
          }
        : { ...base, delivered: true, tookMs: seenAt - started };
  } catch (error) {
    if (error instanceof AwsEnvironmentError) environment = error;
    outcome = { ...base, problem: `reading ${logGroupName} failed (${errorName(error)})` };
  }
  try {
    await awsCall(setAlarmState, (abortSignal) =>
      cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'OK', StateReason: 'oauth-probe alert-test: done' }),
        { abortSignal },
      ),
    );
  } catch (error) {
    // The alarm's next evaluation puts it back anyway; say so instead of failing the region.
    outcome.problem = `${outcome.problem ? `${outcome.problem}; ` : ''}could not set ${alarm} back to OK (${errorName(error)}): its next evaluation will`;
  }
  // The alarm is back (or will be); the environment problem, not a verdict, is the answer.
  if (environment) throw environment;
  return outcome;
}

/** When the notifier logged `notification_published` for `alarm` (by our clock), or undefined after `waitMs`. */
async function waitForPublished(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  alarm: string,
  since: number,
  waitMs: number,
  deps: AlertTestDeps,
  site: (service: string, action: string) => AwsCallSite & { deadlineMs: number },
): Promise<number | undefined> {
  const filterPattern = `{ ($.event = "${NOTIFICATION_PUBLISHED_EVENT}") && ($.alarmName = "${alarm}") }`;
  while (deps.now() - since <= waitMs) {
    const page = await awsCall(site('CloudWatch Logs', 'logs:FilterLogEvents'), (abortSignal) =>
      logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern, startTime: since - 60_000, limit: 10 }), {
        abortSignal,
      }),
    );
    const event = (page.events ?? []).find((e) => (e.timestamp ?? 0) >= since - 5_000);
    if (event) return Math.max(since, event.timestamp ?? deps.now());
    await deps.sleep(POLL_INTERVAL_MS);
  }
  return undefined;
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'UnknownError';
}
