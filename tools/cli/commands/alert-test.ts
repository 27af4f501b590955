/**
 * `oauth-probe alert-test`: proves, after a deploy, that an alarm of each deployed region really turns
 * into a notification. With the caller's AWS credentials, per region: SetAlarmState of one probe alarm
 * to ALARM, wait for the notifier's `notification_published` log line for that alarm, then SetAlarmState
 * back to OK. Prints per region whether the notification left and how long it took; exit 1 when any
 * region's path is broken (alarm topic or key policy, notifier permissions, notification topic or key).
 *
 * Every AWS call carries an abort deadline (`callDeadline`), so a hung endpoint cannot hang the command.
 * The AWS part lives in ./alert-test-path.ts, loaded only when the command runs (the SDK clients would
 * otherwise slow every other command's start).
 */

import { DEFAULT_HEARTBEAT_SCHEDULE } from '../../../functions/config/defaults.js';
import { resolveDeployment, resolveProbes } from '../../../functions/config/resolve.js';
import { rateMinutes } from '../../../functions/config/schedule.js';
import { alarmName } from '../../../functions/contract/alarm-naming.js';
import { didYouMean, parseCommandArgs } from '../args.js';
import { deploymentName, deploymentStackName } from '../aws/deployment.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import type { AlertTestDeps, RegionOutcome, Target } from './alert-test-path.js';
import type { WatchdogCheck } from './alert-test-watchdog.js';

export type { AlertTestDeps, RegionOutcome, Target };

/** @default 120 s for the notification's log line to appear (log delivery lags a few seconds). */
export const DEFAULT_WAIT_SEC = 120;
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
With notifications.heartbeat, also reads the watchdog's latest line in the home region: it must have
pinged the heartbeat within two of its periods (withheld or failed pings are named with their reason).
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

Exit codes: 0 every region's notification left (and the watchdog pinged), 1 a region's path is broken
or the watchdog did not ping, 2 bad usage, config, or your AWS environment (credentials, permissions,
network: says nothing about the path).
`;

/** `deps` for tests; by default the real clients (loaded with the AWS part). */
export function alertTestCommand(deps?: AlertTestDeps): Command {
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
      const loaded = await loadConfigForCli(values.config ?? DEFAULT_CONFIG, io.cwd);
      const targets = pickTargets(loaded.config, values.region, values.probe);
      const p = palette(colourEnabled(io.stdout, io.env));
      const { defaultAlertTestDeps, testRegion } = await import('./alert-test-path.js');
      const use = deps ?? defaultAlertTestDeps;
      const outcomes: RegionOutcome[] = [];
      for (const target of targets) {
        const outcome = await testRegion(target, waitSec * 1000, use, () =>
          io.stdout.write(`${target.region}: ${target.alarm} → ALARM, waiting for the notifier…\n`),
        );
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
      const watchdog = watchdogCheck(loaded.config, values.region);
      let watchdogOk = true;
      if (watchdog) {
        const { checkWatchdog } = await import('./alert-test-watchdog.js');
        const outcome = await checkWatchdog(watchdog, use);
        watchdogOk = outcome.ok;
        io.stdout.write(`${outcome.ok ? p.green('✓') : p.red('✗')} ${watchdog.region}  ${outcome.text}\n`);
      }
      return broken === 0 && watchdogOk ? EXIT.ok : EXIT.probeFailed;
    },
  };
}

/**
 * With `notifications.heartbeat`, the watchdog of the home region is looked at too (its latest
 * heartbeat line), unless --region names another region.
 */
export function watchdogCheck(
  config: Parameters<typeof resolveProbes>[0],
  region: string | undefined,
): WatchdogCheck | undefined {
  const heartbeat = config.notifications?.heartbeat;
  if (!heartbeat) return undefined;
  const home = resolveDeployment(config).homeRegion;
  if (region !== undefined && region !== home) return undefined;
  return {
    region: home,
    periodMinutes: rateMinutes(heartbeat.schedule ?? DEFAULT_HEARTBEAT_SCHEDULE) ?? 5,
    stackName: deploymentStackName(home, deploymentName(config)),
  };
}

/** One alarm per deployed region, as --region and --probe narrow it; a usage error when nothing is left. */
export function pickTargets(
  config: Parameters<typeof resolveProbes>[0],
  region: string | undefined,
  probe: string | undefined,
): Target[] {
  const probes = resolveProbes(config);
  if (probe !== undefined && !probes.some((p) => p.name === probe)) {
    const names = probes.map((p) => p.name);
    throw new UsageError(`--probe ${probe}: no such probe${didYouMean(probe, names)} (probes: ${names.join(', ')})`);
  }
  const regions = resolveDeployment(config).regions;
  if (region !== undefined && !regions.includes(region)) {
    throw new UsageError(
      `--region ${region}: no probe runs there${didYouMean(region, regions)} (deployed regions: ${regions.join(', ')})`,
    );
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
