/**
 * The watchdog of a deployment (config `notifications.heartbeat`): one function in the home region that,
 * on its schedule, checks the alert path and pings an external dead man's switch only while it is
 * healthy (functions/runtime/watchdog). What it watches, how often, and what a month of it does (runs,
 * CloudWatch reads, secret reads), for lib/ to render, `cost` to price and `validate` to show.
 *
 * What it watches:
 * - every notifier through its own alarms (Errors, DeadLetters): their names are fixed
 *   (`notifierAlarmName`), so the home stack knows them for every region;
 * - the home region's notifier also through its metrics (its `Errors`, its dead-letter queue's depth):
 *   the function and queue names are CloudFormation's, known only in the stack that creates them, so
 *   other regions' notifiers are watched through their alarms alone;
 * - the probe alarms of every region of the deployment (at least one evaluating; no Stopped alarm
 *   waiting past the never-ran grace).
 */
import { DEFAULT_HEARTBEAT_SCHEDULE } from '../functions/config/defaults.js';
import type { DeploymentSettings, ResolvedProbe } from '../functions/config/resolve.js';
import { rateMinutes, runsPerMonth, scheduleIntervalMinutes } from '../functions/config/schedule.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import { notifierAlarmName } from '../functions/contract/index.js';
import { coldStartsPerMonth, HOURS_PER_MONTH } from './usage.js';

/**
 * Added to the slowest Stopped alarm's detection time for the never-ran grace: a deployment takes
 * minutes to create every stack, and CloudWatch evaluates a new alarm a few minutes after creation.
 */
export const NEVER_RAN_MARGIN_MINUTES = 15;

/**
 * How long the watchdog keeps the heartbeat URL in its container (the notifier's channel-secret cache,
 * functions/runtime/notifier/channels/secrets.ts, CHANNEL_SECRET_TTL_MS).
 */
export const WATCHDOG_SECRET_TTL_MINUTES = 5;

/** DescribeAlarms requests per alarm region and run: INSUFFICIENT_DATA, OK and ALARM, one page each when healthy. */
const DESCRIBE_ALARMS_PER_REGION = 3;

export interface WatchedNotifierPlan {
  region: string;
  /** The home region's notifier: also watched through its metrics (names known in the home stack). */
  home: boolean;
  /** Its own alarms (Errors, DeadLetters): one in ALARM withholds the heartbeat. */
  alarmNames: string[];
}

export interface WatchdogPlan {
  /** The home region. */
  region: string;
  /** `rate(N minutes)`. */
  schedule: string;
  periodMinutes: number;
  /** `notifications.heartbeat.urlSecretId` (home region). */
  urlSecretId: string;
  /** Every region of the deployment: its probe alarms are checked. */
  alarmRegions: string[];
  /** A Stopped alarm INSUFFICIENT_DATA this long after its creation is a probe that never ran. */
  neverRanGraceMinutes: number;
  notifiers: WatchedNotifierPlan[];
  runsPerMonth: number;
  coldStartsPerMonth: number;
  /** Metrics GetMetricData reads per run: the home notifier's Errors and dead-letter depth. */
  metricsReadPerRun: number;
  /** DescribeAlarms requests per run while healthy (one page per question). */
  describeAlarmsPerRun: number;
  /** GetSecretValue calls a month (one per cold start, then one per cache TTL at most). */
  secretReadsPerMonth: number;
}

/**
 * The never-ran grace: the longest a probe of the deployment may take to report a first run and for its
 * Stopped alarm to leave INSUFFICIENT_DATA: its schedule interval times `missingRunsPeriods` (what the
 * Stopped alarm itself waits for), plus the margin.
 */
export function neverRanGraceMinutes(probes: readonly ResolvedProbe[]): number {
  const slowest = Math.max(0, ...probes.map((p) => scheduleIntervalMinutes(p.schedule) * p.alarms.missingRunsPeriods));
  return slowest + NEVER_RAN_MARGIN_MINUTES;
}

/** The watchdog of a deployment; undefined without `notifications.heartbeat`. */
export function watchdogPlan(
  config: Pick<ProbesConfig, 'notifications'>,
  probes: readonly ResolvedProbe[],
  deployment: Pick<DeploymentSettings, 'name' | 'homeRegion'>,
  regions: readonly string[],
): WatchdogPlan | undefined {
  const heartbeat = config.notifications?.heartbeat;
  if (!heartbeat) return undefined;
  const schedule = heartbeat.schedule ?? DEFAULT_HEARTBEAT_SCHEDULE;
  const periodMinutes = rateMinutes(schedule) ?? 5;
  const runs = runsPerMonth(schedule);
  const coldStarts = coldStartsPerMonth(schedule);
  const notifiers = regions.map((region) => ({
    region,
    home: region === deployment.homeRegion,
    alarmNames: [
      notifierAlarmName(region, 'errors', deployment.name),
      notifierAlarmName(region, 'deadLetters', deployment.name),
    ],
  }));
  const cachedReads = Math.ceil((HOURS_PER_MONTH * 60) / WATCHDOG_SECRET_TTL_MINUTES);
  return {
    region: deployment.homeRegion,
    schedule,
    periodMinutes,
    urlSecretId: heartbeat.urlSecretId,
    alarmRegions: [...regions],
    neverRanGraceMinutes: neverRanGraceMinutes(probes),
    notifiers,
    runsPerMonth: runs,
    coldStartsPerMonth: coldStarts,
    metricsReadPerRun: 2,
    // The probe alarms of each region, and each notifier's own alarms.
    describeAlarmsPerRun: regions.length * DESCRIBE_ALARMS_PER_REGION + notifiers.length,
    secretReadsPerMonth: Math.max(coldStarts, Math.min(runs, cachedReads)),
  };
}
