/**
 * `oauth-probe alert-test`: proves, after a deploy, that an alarm of each deployed region really turns
 * into a notification. With the caller's AWS credentials, per region: SetAlarmState of one probe alarm
 * to ALARM, wait for the notifier's `notification_published` log line for that alarm, then SetAlarmState
 * back to OK. Prints per region whether the notification left and how long it took; exit 1 when any
 * region's path is broken (alarm topic or key policy, notifier permissions, notification topic or key).
 *
 * Every AWS call carries an abort deadline (`callDeadline`), so a hung endpoint cannot hang the command.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { resolveDeployment, resolveProbes } from '../../../functions/config/resolve.js';
import { alarmName } from '../../../functions/contract/alarm-naming.js';
import { callDeadline, clientConfig } from '../../../functions/runtime/clients.js';
import { NOTIFICATION_PUBLISHED_EVENT } from '../../../functions/runtime/notifier.js';
import { parseCommandArgs } from '../args.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';

/** One AWS call (all its attempts) is aborted after this long. */
export const ALERT_TEST_CALL_TIMEOUT_MS = 10_000;
/** @default 120 s for the notification's log line to appear (log delivery lags a few seconds). */
export const DEFAULT_WAIT_SEC = 120;
/** Pause between two looks at the notifier's log. */
export const POLL_INTERVAL_MS = 3_000;
/** The substring of the notifier's log group name (the CDK names it after the construct). */
export const NOTIFIER_LOG_GROUP_MARK = 'NotifierFunctionLogGroup';

export interface AlertTestDeps {
  cloudWatch(region: string): CloudWatchClient;
  logs(region: string): CloudWatchLogsClient;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const defaultAlertTestDeps: AlertTestDeps = {
  cloudWatch: (region) => new CloudWatchClient(clientConfig(region)),
  logs: (region) => new CloudWatchLogsClient(clientConfig(region)),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RegionOutcome {
  region: string;
  alarm: string;
  delivered: boolean;
  /** Milliseconds from SetAlarmState to the notifier's published line. */
  tookMs?: number;
  problem?: string;
}

const options = {
  config: { type: 'string', short: 'c' },
  region: { type: 'string', short: 'r' },
  probe: { type: 'string', short: 'p' },
  wait: { type: 'string' },
  ...HELP_OPTION,
} as const;

const HELP = `Usage: oauth-probe alert-test [--region R] [--probe P] [--config probes.json] [--wait SECONDS]

Proves the alert path of a deployment: in each deployed region (or only --region), sets one alarm of
a probe (the Availability alarm of --probe, else of the first probe of the region) to ALARM, waits for
the notifier's log line saying it published the notification, then sets the alarm back to OK (which
sends a recovery notification). Prints per region whether the notification left and how long it took.
Run it after every 'cdk deploy'. Uses your AWS credentials (the SDK's default chain: AWS_PROFILE, ...);
needs cloudwatch:SetAlarmState, logs:DescribeLogGroups and logs:FilterLogEvents.

Options:
  -c, --config FILE    probes.json of the deployment (default: ${DEFAULT_CONFIG})
  -r, --region R       test this region only
  -p, --probe P        use this probe's alarm
      --wait SECONDS   how long to wait for the notification per region (default: ${DEFAULT_WAIT_SEC})
  -h, --help           show this help

Examples:
  npx oauth-probe alert-test
  AWS_PROFILE=prod npx oauth-probe alert-test --region eu-west-1 --probe billing-api

Exit codes: 0 every region's notification left, 1 at least one region's path is broken, 2 bad usage or config.
`;

export function alertTestCommand(deps: AlertTestDeps = defaultAlertTestDeps): Command {
  return {
    name: 'alert-test',
    summary: 'After a deploy: push one alarm per region through the real alert path',
    options,
    help: HELP,
    async run(argv, io) {
      const { values } = parseCommandArgs('alert-test', argv, options);
      if (values.help) {
        io.stdout.write(HELP);
        return EXIT.ok;
      }
      const waitSec = values.wait === undefined ? DEFAULT_WAIT_SEC : Number(values.wait);
      if (!Number.isFinite(waitSec) || waitSec <= 0 || waitSec > 900) {
        throw new UsageError(`--wait must be a number of seconds between 1 and 900 (got "${String(values.wait)}")`);
      }
      const loaded = await loadConfigForCli((values.config as string | undefined) ?? DEFAULT_CONFIG, io.cwd);
      const targets = pickTargets(
        loaded.config,
        values.region as string | undefined,
        values.probe as string | undefined,
      );
      const p = palette(colourEnabled(io.stdout, io.env));
      const outcomes: RegionOutcome[] = [];
      for (const target of targets) {
        io.stdout.write(`${target.region}: ${target.alarm} → ALARM, waiting for the notifier…\n`);
        const outcome = await testRegion(target, waitSec * 1000, deps);
        outcomes.push(outcome);
        io.stdout.write(
          outcome.delivered
            ? `${p.green('✓')} ${outcome.region}  notification left after ${((outcome.tookMs ?? 0) / 1000).toFixed(1)} s\n`
            : `${p.red('✗')} ${outcome.region}  ${outcome.problem}\n`,
        );
      }
      const broken = outcomes.filter((o) => !o.delivered).length;
      io.stdout.write(
        broken === 0
          ? `alert path works in ${outcomes.length} region${outcomes.length === 1 ? '' : 's'}\n`
          : `alert path broken in ${broken} of ${outcomes.length} regions: see docs/deploy.md ("Prove the alert path")\n`,
      );
      return broken === 0 ? EXIT.ok : EXIT.probeFailed;
    },
  };
}

interface Target {
  region: string;
  probe: string;
  alarm: string;
}

/** One alarm per deployed region, as --region and --probe narrow it; a usage error when nothing is left. */
export function pickTargets(
  config: Parameters<typeof resolveProbes>[0],
  region: string | undefined,
  probe: string | undefined,
): Target[] {
  const probes = resolveProbes(config);
  if (probe !== undefined && !probes.some((p) => p.name === probe)) {
    throw new UsageError(`--probe ${probe}: no such probe (probes: ${probes.map((p) => p.name).join(', ')})`);
  }
  const regions = resolveDeployment(config).regions;
  if (region !== undefined && !regions.includes(region)) {
    throw new UsageError(`--region ${region}: no probe runs there (deployed regions: ${regions.join(', ')})`);
  }
  const targets: Target[] = [];
  for (const r of region === undefined ? regions : [region]) {
    const chosen = probes.find((p) => p.regions.includes(r) && (probe === undefined || p.name === probe));
    if (!chosen) continue;
    targets.push({
      region: r,
      probe: chosen.name,
      alarm: alarmName({ probe: chosen.name, kind: 'availability', region: r }),
    });
  }
  if (targets.length === 0) {
    throw new UsageError(`--probe ${probe} does not run in ${region}: pick a region from its "regions"`);
  }
  return targets;
}

async function testRegion(target: Target, waitMs: number, deps: AlertTestDeps): Promise<RegionOutcome> {
  const { region, alarm } = target;
  const cloudWatch = deps.cloudWatch(region);
  const logs = deps.logs(region);
  const base = { region, alarm, delivered: false } as const;
  const abortSignal = () => callDeadline(ALERT_TEST_CALL_TIMEOUT_MS);
  let logGroupName: string | undefined;
  try {
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: NOTIFIER_LOG_GROUP_MARK }), {
      abortSignal: abortSignal(),
    });
    logGroupName = groups.logGroups?.map((g) => g.logGroupName).find((name) => name?.startsWith('OAuthProbe'));
  } catch (error) {
    return { ...base, problem: `cannot list log groups (${errorName(error)}): check your credentials and region` };
  }
  if (!logGroupName) {
    return {
      ...base,
      problem: `no notifier log group (*${NOTIFIER_LOG_GROUP_MARK}*) in ${region}: is the stack deployed?`,
    };
  }
  const started = deps.now();
  try {
    await cloudWatch.send(
      new SetAlarmStateCommand({
        AlarmName: alarm,
        StateValue: 'ALARM',
        StateReason: `oauth-probe alert-test at ${new Date(started).toISOString()}: not a real failure`,
      }),
      { abortSignal: abortSignal() },
    );
  } catch (error) {
    return {
      ...base,
      problem: `SetAlarmState on ${alarm} failed (${errorName(error)}): is the probe deployed in ${region}?`,
    };
  }
  let outcome: RegionOutcome;
  try {
    const seenAt = await waitForPublished(logs, logGroupName, alarm, started, waitMs, deps);
    outcome =
      seenAt === undefined
        ? {
            ...base,
            problem: `no notification within ${Math.round(waitMs / 1000)} s: read ${logGroupName} for notification_publish_failed or notifier_misconfigured, then the alarm topic's and the notification topic's key and topic policies`,
          }
        : { ...base, delivered: true, tookMs: seenAt - started };
  } catch (error) {
    outcome = { ...base, problem: `reading ${logGroupName} failed (${errorName(error)})` };
  }
  try {
    await cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'OK', StateReason: 'oauth-probe alert-test: done' }),
      { abortSignal: abortSignal() },
    );
  } catch (error) {
    // The alarm's next evaluation puts it back anyway; say so instead of failing the region.
    outcome.problem = `${outcome.problem ? `${outcome.problem}; ` : ''}could not set ${alarm} back to OK (${errorName(error)}): its next evaluation will`;
  }
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
): Promise<number | undefined> {
  const filterPattern = `{ ($.event = "${NOTIFICATION_PUBLISHED_EVENT}") && ($.alarmName = "${alarm}") }`;
  while (deps.now() - since <= waitMs) {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, filterPattern, startTime: since - 60_000, limit: 10 }),
      { abortSignal: callDeadline(ALERT_TEST_CALL_TIMEOUT_MS) },
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
