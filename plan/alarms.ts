/**
 * Which alarms a deployment has: for every probe and region the alarms it gets, the global alarm in the
 * home region, and each region's alarms on its own machinery (notifier, secret drift). For each one its
 * name (from the one naming function), where it lives, its period and evaluation, how many metrics it
 * reads (what CloudWatch bills), whether it notifies, with which severity, and whom it reaches.
 *
 * This is the one place that decides "which alarms does this probe get?": lib/ builds exactly these
 * (and a test compares the synthesized templates with them), `cost` prices them, `validate` and
 * `notify-preview` list them.
 */

import type { ResolvedProbe } from '../functions/config/resolve.js';
import { sloWindowDays } from '../functions/config/resolve.js';
import { scheduleIntervalMinutes } from '../functions/config/schedule.js';
import {
  type AlarmKind,
  alarmName,
  BURN_KINDS,
  burnAlarmPairs,
  burnWindowAlarmName,
  DEFAULT_METRICS_PROFILE,
  GAUGE_INTERVAL_HOURS,
  hasGlobalAlarm,
  leanBurnAlarms,
  type MetricsProfile,
  type NotificationRoutes,
  notifierAlarmName,
  probeThrottlesAlarmName,
  routedSeverity,
  routeOf,
  secretDriftAlarmName,
} from '../functions/contract/index.js';

export type Severity = 'warning' | 'critical';

/**
 * How an alarm's state changes reach people:
 * - `notifier`: its actions publish to the region's alarm topic; the notifier turns each change into one
 *   diagnosed message for the targets the probe's route names at the alarm's severity;
 * - `topic`: its actions (or, outside the home region, an EventBridge rule) publish CloudWatch's own alarm
 *   JSON straight to the notification topic, with no message attributes: every email and HTTPS
 *   subscriber hears of it, the native channels (PagerDuty, Slack, Teams, Chatbot) do not;
 * - `none`: no actions (the window alarms of a burn composite: the composite notifies).
 */
export type Delivery = 'notifier' | 'topic' | 'none';

/** Alarm kinds beyond the per-probe ones of the naming function. */
export type PlannedAlarmKind =
  | AlarmKind
  | 'burnWindow'
  | 'notifierErrors'
  | 'notifierDeadLetters'
  | 'secretDrift'
  | 'probeThrottles';

export interface PlannedAlarm {
  /** The CloudWatch alarm name. */
  name: string;
  kind: PlannedAlarmKind;
  /** The probe it watches; absent for a region's own alarms. */
  probe?: string;
  /** The region whose data it watches (the home region for the global alarm). */
  region: string;
  /** Region-wide alarms live in the region's stack; probe alarms in the probe's shard. */
  placement: 'region' | 'shard';
  /** `true` for a composite alarm (billed per alarm, reads no metric). */
  composite: boolean;
  /** The composite a window alarm belongs to. */
  parent?: string;
  /** Metrics the alarm evaluates, metric math included: what CloudWatch bills a standard alarm for. */
  metrics: number;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  delivery: Delivery;
  /** Severity of its notifications (`notifier` delivery); `topic` alarms are stated as their text says. */
  severity?: Severity;
  /** Names of the targets its notifications reach (none for `delivery: "none"`). */
  targets: string[];
}

/**
 * CloudWatch takes at most 10 metrics and 10 expressions in an alarm's metric math; the latency alarm
 * uses one expression per request plus the MAX, so it covers the token request and up to 8 steps.
 */
export const MAX_LATENCY_TARGETS = 9;
/** Latency alarms look at 5-minute p95s: a p95 of one sample would page on a single slow run. */
export const LATENCY_PERIOD_MINUTES = 5;
/** The notifier's Errors alarm: Sum per minute. */
export const NOTIFIER_ERRORS_PERIOD_MINUTES = 1;
/** The notifier dead-letter queue alarm: Maximum of visible messages per 5 minutes. */
export const DEAD_LETTERS_PERIOD_MINUTES = 5;
/** The secret drift alarm: one period of 15 minutes (the replication grace is in the signal already). */
export const DRIFT_ALARM_PERIOD_MINUTES = 15;
/**
 * The probe function's Throttles alarm: Sum per 5 minutes. A throttled scheduled run is retried by
 * Lambda for up to its maximum event age (2 minutes), so one throttle is a late run, many a lost one:
 * a warning either way, long enough a period to hold a retried burst in one datapoint.
 */
export const THROTTLES_ALARM_PERIOD_MINUTES = 5;

/** The requests a latency alarm watches: the token request and each step with a degraded threshold. */
export interface LatencyRequest {
  /** Metric id in the expression: `token`, `step0`, ... */
  id: string;
  /** Index of the step, for `step<N>` ids. */
  step?: number;
  thresholdMs: number;
  label: string;
}

/** Token request and each step with the degradedMs that applies to it (token.degradedMs ?? degradedMs). */
export function latencyRequests(probe: ResolvedProbe): LatencyRequest[] {
  const requests: LatencyRequest[] = [];
  const tokenThreshold = probe.token?.degradedMs ?? probe.degradedMs;
  if (tokenThreshold !== undefined) requests.push({ id: 'token', thresholdMs: tokenThreshold, label: 'token request' });
  probe.steps.forEach((step, index) => {
    const threshold = step.degradedMs ?? probe.degradedMs;
    if (threshold !== undefined)
      requests.push({ id: `step${index}`, step: index, thresholdMs: threshold, label: `step ${step.name}` });
  });
  return requests.slice(0, MAX_LATENCY_TARGETS);
}

/** Fail-open checks (`steps[].rejects`) get a Security alarm. */
export function hasSecurityAlarm(probe: ResolvedProbe): boolean {
  return probe.steps.some((step) => (step.rejects?.length ?? 0) > 0);
}

export interface AlarmContext {
  deployment: string;
  profile?: MetricsProfile;
  globalFailureRegions: number;
  homeRegion: string;
  routes: NotificationRoutes;
  /** Targets subscribed to the notification topic (email, HTTPS): who hears of `topic` alarms. */
  topicTargets: string[];
}

/**
 * The alarms of one probe in one region it runs from: availability, latency (when a degraded threshold
 * applies), expiry, stopped, security (with fail-open checks) and the SLO burn alarms.
 */
export function probeRegionAlarms(probe: ResolvedProbe, region: string, ctx: AlarmContext): PlannedAlarm[] {
  const lean = (ctx.profile ?? DEFAULT_METRICS_PROFILE) === 'lean';
  const runMinutes = scheduleIntervalMinutes(probe.schedule);
  const a = probe.alarms;
  const route = routeOf(ctx.routes, probe.name);
  const identity = (kind: AlarmKind) => ({ deployment: ctx.deployment, probe: probe.name, kind, region });
  const routed = (kind: AlarmKind): Pick<PlannedAlarm, 'delivery' | 'severity' | 'targets'> => {
    const severity = routedSeverity(kind, route.page);
    return { delivery: 'notifier', severity, targets: route[severity] };
  };
  const alarm = (
    kind: AlarmKind,
    metrics: number,
    periodMinutes: number,
    evaluationPeriods: number,
    datapointsToAlarm = evaluationPeriods,
  ): PlannedAlarm => ({
    name: alarmName(identity(kind)),
    kind,
    probe: probe.name,
    region,
    placement: 'shard',
    composite: false,
    metrics,
    periodSeconds: periodMinutes * 60,
    evaluationPeriods,
    datapointsToAlarm,
    ...routed(kind),
  });

  const alarms: PlannedAlarm[] = [alarm('availability', 1, runMinutes, a.evaluationPeriods, a.datapointsToAlarm)];
  const latency = latencyRequests(probe);
  if (latency.length > 0) {
    // Lean: one metric (degraded runs) stands for every request's p95.
    alarms.push(alarm('latency', lean ? 1 : latency.length, LATENCY_PERIOD_MINUTES, a.latencyEvaluationPeriods));
  }
  // Full: the fewest days left of two gauges (certificates, credential); lean: one gauge already the fewest.
  alarms.push(alarm('expiry', lean ? 1 : 2, GAUGE_INTERVAL_HOURS * 60, 1));
  alarms.push(alarm('stopped', 1, runMinutes, a.missingRunsPeriods));
  if (hasSecurityAlarm(probe)) alarms.push(alarm('security', 1, runMinutes, 1));
  alarms.push(...burnAlarms(probe, region, ctx, lean, routed));
  return alarms;
}

function burnAlarms(
  probe: ResolvedProbe,
  region: string,
  ctx: AlarmContext,
  lean: boolean,
  routed: (kind: AlarmKind) => Pick<PlannedAlarm, 'delivery' | 'severity' | 'targets'>,
): PlannedAlarm[] {
  const slo = { objective: probe.slo.objective, windowDays: sloWindowDays(probe.slo) };
  const interval = scheduleIntervalMinutes(probe.schedule);
  const base = { probe: probe.name, region, placement: 'shard' as const };
  if (lean) {
    // One single-metric alarm per policy on Success Average, named as the composite and notifying itself.
    return leanBurnAlarms(slo, interval).map((lean) => ({
      ...base,
      name: alarmName({ deployment: ctx.deployment, probe: probe.name, kind: lean.policy.kind, region }),
      kind: lean.policy.kind,
      composite: false,
      metrics: 1,
      periodSeconds: lean.periodMinutes * 60,
      evaluationPeriods: lean.evaluationPeriods,
      datapointsToAlarm: lean.datapointsToAlarm,
      ...routed(lean.policy.kind),
    }));
  }
  // Per policy two metric-math window alarms (SampleCount and Sum of Success) without actions, and the
  // composite ALARM(long) AND ALARM(short) that alone notifies.
  return burnAlarmPairs(slo, interval).flatMap((pair) => {
    const identity = { deployment: ctx.deployment, probe: probe.name, kind: pair.policy.kind, region };
    const parent = alarmName(identity);
    const window = (which: 'long' | 'short'): PlannedAlarm => {
      const w = pair[which];
      return {
        ...base,
        name: burnWindowAlarmName(identity, which),
        kind: 'burnWindow',
        composite: false,
        parent,
        metrics: 2,
        periodSeconds: w.periodMinutes * 60,
        evaluationPeriods: w.evaluationPeriods,
        datapointsToAlarm: w.datapointsToAlarm,
        delivery: 'none',
        targets: [],
      };
    };
    const composite: PlannedAlarm = {
      ...base,
      name: parent,
      kind: pair.policy.kind,
      composite: true,
      metrics: 0,
      // A composite has no period of its own: it changes when its children do.
      periodSeconds: 0,
      evaluationPeriods: 0,
      datapointsToAlarm: 0,
      ...routed(pair.policy.kind),
    };
    return [window('long'), window('short'), composite];
  });
}

/** In the home region: the probe fails from `globalFailureRegions` or more regions at once. */
export function globalAlarm(probe: ResolvedProbe, ctx: AlarmContext): PlannedAlarm | undefined {
  if (!hasGlobalAlarm(probe, ctx.globalFailureRegions)) return undefined;
  const route = routeOf(ctx.routes, probe.name);
  const severity = routedSeverity('global', route.page);
  return {
    name: alarmName({ deployment: ctx.deployment, probe: probe.name, kind: 'global' }),
    kind: 'global',
    probe: probe.name,
    region: ctx.homeRegion,
    placement: 'shard',
    composite: false,
    // One Success-by-Region series per region the probe runs from.
    metrics: probe.regions.length,
    periodSeconds: scheduleIntervalMinutes(probe.schedule) * 60,
    evaluationPeriods: probe.alarms.evaluationPeriods,
    datapointsToAlarm: probe.alarms.datapointsToAlarm,
    delivery: 'notifier',
    severity,
    targets: route[severity],
  };
}

/**
 * A region's alarms on oauth-probe's own machinery, delivered straight to the notification topic (never
 * through the notifier they watch): the notifier's errors and dead letters, and where probes run the
 * secret version drift of the region's replicas and the probe function's throttles (other workloads of
 * the account, or a reservation too small, holding runs back).
 */
export function regionAlarms(region: string, runsProbes: boolean, ctx: AlarmContext): PlannedAlarm[] {
  const own = (name: string, kind: PlannedAlarmKind, periodMinutes: number, severity: Severity): PlannedAlarm => ({
    name,
    kind,
    region,
    placement: 'region',
    composite: false,
    metrics: 1,
    periodSeconds: periodMinutes * 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    delivery: 'topic',
    severity,
    targets: ctx.topicTargets,
  });
  return [
    own(
      notifierAlarmName(region, 'errors', ctx.deployment),
      'notifierErrors',
      NOTIFIER_ERRORS_PERIOD_MINUTES,
      'critical',
    ),
    own(
      notifierAlarmName(region, 'deadLetters', ctx.deployment),
      'notifierDeadLetters',
      DEAD_LETTERS_PERIOD_MINUTES,
      'critical',
    ),
    ...(runsProbes
      ? [
          own(secretDriftAlarmName(region, ctx.deployment), 'secretDrift', DRIFT_ALARM_PERIOD_MINUTES, 'warning'),
          own(
            probeThrottlesAlarmName(region, ctx.deployment),
            'probeThrottles',
            THROTTLES_ALARM_PERIOD_MINUTES,
            'warning',
          ),
        ]
      : []),
  ];
}

/** The kinds of a probe's burn alarms that notify (composites under `full`, single alarms under `lean`). */
export const NOTIFYING_BURN_KINDS = BURN_KINDS;
