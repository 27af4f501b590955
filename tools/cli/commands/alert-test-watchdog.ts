/**
 * `alert-test`'s look at the watchdog (config `notifications.heartbeat`): the watchdog's own log in the
 * home region says, once per run, whether it pinged the external dead man's switch, withheld the ping
 * (the alert path is unhealthy: the reasons), or failed to reach it. The latest such line within two
 * periods and two minutes is the answer; none at all means the watchdog is not running. Read-only (it
 * never pings the service itself, which would hide a watchdog that stopped), every call with a deadline.
 */
import { DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { HEARTBEAT_LOG_EVENT } from '../../../functions/contract/environment.js';
import { AwsEnvironmentError, awsCall } from '../aws/errors.js';
import { ALERT_TEST_CALL_TIMEOUT_MS, type AlertTestDeps } from './alert-test-path.js';

/** The substring of the watchdog's log group name (the CDK names it after the construct). */
export const WATCHDOG_LOG_GROUP_MARK = 'WatchdogFunctionLogGroup';
/** Pages of log events read at most (a run logs one line: a handful of pages covers the look-back). */
const MAX_PAGES = 10;

export interface WatchdogCheck {
  region: string;
  /** The watchdog's period (`notifications.heartbeat.schedule`). */
  periodMinutes: number;
  /** The home stack's name: the log group's name starts with it. */
  stackName: string;
}

export interface WatchdogOutcome {
  ok: boolean;
  text: string;
}

interface HeartbeatLine {
  outcome?: string;
  reasons?: string[];
  httpStatus?: number | null;
  error?: string;
}

/**
 * The watchdog's latest word. A problem of the caller's AWS environment is thrown (exit 2, no verdict);
 * any other failure to read the log is a finding.
 */
export async function checkWatchdog(check: WatchdogCheck, deps: AlertTestDeps): Promise<WatchdogOutcome> {
  try {
    return await readWatchdog(check, deps);
  } catch (error) {
    if (error instanceof AwsEnvironmentError) throw error;
    const name = (error as { name?: unknown } | null)?.name;
    return {
      ok: false,
      text: `cannot read the watchdog's log in ${check.region} (${typeof name === 'string' ? name : 'error'})`,
    };
  }
}

async function readWatchdog(check: WatchdogCheck, deps: AlertTestDeps): Promise<WatchdogOutcome> {
  const { region, periodMinutes } = check;
  const logs = deps.logs(region);
  const site = (action: string) => ({
    service: 'CloudWatch Logs',
    region,
    action,
    deadlineMs: ALERT_TEST_CALL_TIMEOUT_MS,
  });
  const groups = await awsCall(site('logs:DescribeLogGroups'), (abortSignal) =>
    logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: WATCHDOG_LOG_GROUP_MARK }), { abortSignal }),
  );
  const logGroupName = groups.logGroups
    ?.map((g) => g.logGroupName)
    .find((name) => name?.startsWith(check.stackName) && name.includes(WATCHDOG_LOG_GROUP_MARK));
  if (!logGroupName) {
    return {
      ok: false,
      text: `no watchdog log group (*${WATCHDOG_LOG_GROUP_MARK}*) of ${check.stackName} in ${region}: deploy the stack with notifications.heartbeat`,
    };
  }
  const lookBackMinutes = 2 * periodMinutes + 2;
  const since = deps.now() - lookBackMinutes * 60_000;
  let latest: { timestamp: number; message: string } | undefined;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await awsCall(site('logs:FilterLogEvents'), (abortSignal) =>
      logs.send(
        new FilterLogEventsCommand({
          logGroupName,
          filterPattern: `{ $.event = "${HEARTBEAT_LOG_EVENT}" }`,
          startTime: since,
          ...(nextToken ? { nextToken } : {}),
        }),
        { abortSignal },
      ),
    );
    for (const event of answer.events ?? []) {
      if (event.timestamp !== undefined && event.message && (!latest || event.timestamp > latest.timestamp)) {
        latest = { timestamp: event.timestamp, message: event.message };
      }
    }
    nextToken = answer.nextToken;
    if (!nextToken) break;
  }
  const every = `every ${periodMinutes} min`;
  if (!latest) {
    return {
      ok: false,
      text: `watchdog: no heartbeat line in ${logGroupName} for ${lookBackMinutes} min (it runs ${every}): it is not running, so the external service pages; check its schedule and its function's errors (a watchdog deployed minutes ago may not have run yet)`,
    };
  }
  const ago = `${Math.max(0, Math.round((deps.now() - latest.timestamp) / 60_000))} min ago`;
  const line = parseLine(latest.message);
  switch (line.outcome) {
    case 'pinged':
      return { ok: true, text: `watchdog pinged the heartbeat ${ago} (${every}): the alert path was healthy` };
    case 'withheld':
      return {
        ok: false,
        text: `watchdog withheld the heartbeat ${ago} (${(line.reasons ?? []).join(', ') || 'reasons not logged'}): the alert path is unhealthy and the external service will page; see docs/deploy.md (the watchdog)`,
      };
    case 'ping_failed':
      return {
        ok: false,
        text: `watchdog could not ping the heartbeat ${ago} (${line.error ?? 'error'}${line.httpStatus ? `, HTTP ${line.httpStatus}` : ''}): check the heartbeat secret (oauth-probe preflight) and the service's check`,
      };
    default:
      return {
        ok: false,
        text: `watchdog: its latest line in ${logGroupName} (${ago}) has no outcome oauth-probe knows`,
      };
  }
}

function parseLine(message: string): HeartbeatLine {
  try {
    // Lambda's log lines may carry a prefix (timestamp, request id, level) before the JSON.
    const json = message.slice(message.indexOf('{'));
    const parsed = JSON.parse(json) as HeartbeatLine;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}
