/**
 * The SLO burn-rate policy, in one pure module: the CDK app builds the alarms from it, the cost
 * estimator prices them, `oauth-probe slo-report` and the dashboards compute the same burn rates, and
 * the tests evaluate the very definitions it returns.
 *
 * Source: Google SRE Workbook, "Alerting on SLOs", table 5-8 (written for 99.9 % over 30 days):
 *   page   at 14.4x over 1 h and 5 min  (2 % of the budget in the long window)
 *   page   at 6x    over 6 h and 30 min (5 %)
 *   ticket at 1x    over 3 d and 6 h    (10 %)
 * Scaling to a probe's SLO keeps the budget shares and windows and derives the burn factor:
 *   factor = share × SLO window ÷ long window (30 d: 14.4, 6, 1; 7 d: 3.36, 1.4, 0.23),
 * and compares it with burn = error ratio ÷ (1 − objective).
 *
 * Three adaptations to synthetic probes and CloudWatch:
 * 1. Low traffic. On a 1-minute probe one failed run in an hour is already a 16.7x burn of a 99.9 %
 *    SLO, so the table alone pages on one transient failure. Every window also needs at least
 *    MIN_FAILED_RUNS failed runs, and a short window is stretched to hold that many runs
 *    (5-minute schedule: 5 min → 10 min). One failure never pages; a full outage pages once
 *    MIN_FAILED_RUNS runs have failed.
 * 2. Periods. An alarm datum is one period; CloudWatch takes periods up to 1 day and evaluates alarms
 *    of up to a day every minute on a sliding window, longer ones hourly. A window of up to a day is one
 *    datum; the 3-day ticket window is three 1-day data, all of which must burn (3 of 3): "burning at
 *    1x or more on each of the last 3 days", which implies the 3-day mean and is what a ticket is for.
 * 3. Ceiling. A burn factor above 1 ÷ (1 − objective) (a full outage) could never be reached; it is
 *    capped there, so a low objective still pages on a full outage.
 */
import type { AlarmKind } from './alarm-naming.js';

/** A window needs this many failed runs before it counts as burning (see 1. above). */
export const MIN_FAILED_RUNS = 2;
/** CloudWatch's longest alarm period. */
export const MAX_PERIOD_MINUTES = 24 * 60;
/** The SLO window table 5-8 is written for. */
const TABLE_WINDOW_DAYS = 30;

export type BurnPolicyId = 'fast' | 'slow' | 'ticket';

export interface BurnPolicy {
  id: BurnPolicyId;
  /** The composite alarm's kind (alarm name suffix and severity). */
  kind: Extract<AlarmKind, 'burnFast' | 'burnSlow' | 'burnTicket'>;
  /** Share of the error budget spent in the long window when the alert fires. */
  budgetShare: number;
  longMinutes: number;
  shortMinutes: number;
  /** The burn factor of table 5-8 (for its 30-day window), for documentation and tests. */
  tableFactor: number;
}

export const BURN_POLICIES: readonly BurnPolicy[] = [
  { id: 'fast', kind: 'burnFast', budgetShare: 0.02, longMinutes: 60, shortMinutes: 5, tableFactor: 14.4 },
  { id: 'slow', kind: 'burnSlow', budgetShare: 0.05, longMinutes: 6 * 60, shortMinutes: 30, tableFactor: 6 },
  {
    id: 'ticket',
    kind: 'burnTicket',
    budgetShare: 0.1,
    longMinutes: 3 * 24 * 60,
    shortMinutes: 6 * 60,
    tableFactor: 1,
  },
];

export interface SloTarget {
  /** Percent, e.g. 99.9. */
  objective: number;
  windowDays: number;
}

/** The error budget as a ratio: 99.9 % → 0.001. Rounded so that 100 − 99.9 does not carry float noise. */
export function errorBudget(objective: number): number {
  return Math.round((100 - objective) * 1e9) / 1e11;
}

/** The burn factor of a policy for an SLO, capped at a full outage's burn. */
export function burnFactor(policy: BurnPolicy, slo: SloTarget): number {
  const factor = (policy.budgetShare * slo.windowDays * 24 * 60) / policy.longMinutes;
  const ceiling = 1 / errorBudget(slo.objective);
  return round(Math.min(factor, ceiling));
}

/** One metric alarm on `Success` over one window. */
export interface BurnWindowAlarm {
  window: 'long' | 'short';
  /** The window as the table names it (before stretching), e.g. 60 → "1h". */
  label: string;
  /** The window actually watched. */
  windowMinutes: number;
  periodMinutes: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** Failed runs a datum needs before its burn counts (0 otherwise). */
  minFailedRuns: number;
  /** Alarm when burn >= threshold. */
  threshold: number;
}

export interface BurnAlarmPair {
  policy: BurnPolicy;
  factor: number;
  long: BurnWindowAlarm;
  short: BurnWindowAlarm;
}

/**
 * The two alarms of each policy for one probe: its SLO and its schedule interval in minutes. The
 * composite of a pair is `ALARM(long) AND ALARM(short)`.
 */
export function burnAlarmPairs(slo: SloTarget, intervalMinutes: number): BurnAlarmPair[] {
  const runs = Math.max(1, intervalMinutes);
  return BURN_POLICIES.map((policy) => {
    const factor = burnFactor(policy, slo);
    const shortWindow = Math.max(policy.shortMinutes, roundUp(MIN_FAILED_RUNS * runs, runs));
    const longWindow = Math.max(policy.longMinutes, shortWindow);
    return {
      policy,
      factor,
      long: windowAlarm('long', policy.longMinutes, longWindow, factor),
      short: windowAlarm('short', policy.shortMinutes, shortWindow, factor),
    };
  });
}

function windowAlarm(
  window: 'long' | 'short',
  tableMinutes: number,
  minutes: number,
  threshold: number,
): BurnWindowAlarm {
  if (minutes <= MAX_PERIOD_MINUTES) {
    return {
      window,
      label: durationLabel(tableMinutes),
      windowMinutes: minutes,
      periodMinutes: minutes,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      minFailedRuns: MIN_FAILED_RUNS,
      threshold,
    };
  }
  const periods = Math.ceil(minutes / MAX_PERIOD_MINUTES);
  return {
    window,
    label: durationLabel(tableMinutes),
    windowMinutes: periods * MAX_PERIOD_MINUTES,
    periodMinutes: MAX_PERIOD_MINUTES,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    // Every day must burn: each day's datum needs its share of the failed runs.
    minFailedRuns: Math.ceil(MIN_FAILED_RUNS / periods),
    threshold,
  };
}

/**
 * The metric math of a burn alarm over `Success` in one period, as CloudWatch evaluates it: `n` is the
 * SampleCount (runs), `s` the Sum (successful runs). The value is the burn rate, 0 below the failed-run
 * floor. CloudWatch's IF evaluates both branches; `n` is at least the floor where the ratio is used.
 */
export function burnExpression(objective: number, minFailedRuns: number, n = 'n', s = 's'): string {
  return `IF((${n} - ${s}) >= ${minFailedRuns}, (${n} - ${s}) / ${n} / ${errorBudget(objective)}, 0)`;
}

/**
 * The `lean` metrics profile's burn alarm: ONE standard alarm per policy, on ONE metric (`Success`,
 * Average), named as the composite of the full profile (same kind, severity, routing, runbook). An alarm
 * is billed per metric it reads, so a composite ($0.50) over two two-metric window alarms ($0.40) becomes
 * $0.10. It watches the policy's long window only (no short window):
 *
 * - a long window of at most a day is M of N datapoints of one run period each (period = the schedule's
 *   interval, so a datum is one run, breaching when the run failed): the alarm counts failed runs
 *   exactly, M = the failed runs that reach the burn factor over the N scheduled runs, and never fewer
 *   than MIN_FAILED_RUNS. Missing runs are no datapoints: they neither count nor page (Stopped's job);
 * - a longer window (the 3-day ticket, or very slow schedules) is days of Average `Success`, each of
 *   which must burn (3 of 3), the failed-run floor of a day computed from the runs the schedule makes in
 *   it (one Average cannot count runs).
 *
 * The price of the missing short window: the alarm resolves only when the failed runs age out of the long
 * window (up to one long window after recovery: 1 h, 6 h, 3 d), and failures spread over the long window
 * page as long as they reach its burn factor, where the full profile also waits for its short window.
 */
export interface LeanBurnAlarm {
  policy: BurnPolicy;
  factor: number;
  /** The window actually watched (the long window, stretched to hold MIN_FAILED_RUNS runs). */
  windowMinutes: number;
  periodMinutes: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** `runs`: a datum is one run (breaching: it failed); `days`: a datum is a day's Average. */
  datum: 'runs' | 'days';
  /** Failed runs in the window (`runs`) or in each day (`days`, expected runs) that make it burn. */
  failedRuns: number;
  /** Alarm when Average(Success) of a datum is below (`runs`: a run failed) or at most (`days`) this. */
  threshold: number;
  comparison: 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
}

export function leanBurnAlarms(slo: SloTarget, intervalMinutes: number): LeanBurnAlarm[] {
  const interval = Math.max(1, intervalMinutes);
  const budget = errorBudget(slo.objective);
  return BURN_POLICIES.map((policy) => {
    const factor = burnFactor(policy, slo);
    const windowMinutes = Math.max(roundUp(policy.longMinutes, interval), MIN_FAILED_RUNS * interval);
    if (windowMinutes <= MAX_PERIOD_MINUTES) {
      const runs = windowMinutes / interval;
      // A tiny epsilon so that 14.4 × 0.001 × 60 = 0.864 (float) does not round up past an exact count.
      const failedRuns = Math.min(runs, Math.max(MIN_FAILED_RUNS, Math.ceil(factor * budget * runs - 1e-9)));
      return {
        policy,
        factor,
        windowMinutes,
        periodMinutes: interval,
        evaluationPeriods: runs,
        datapointsToAlarm: failedRuns,
        datum: 'runs',
        failedRuns,
        // Average < 1: the period's run failed (two runs in one period by jitter: either failed).
        threshold: 1,
        comparison: 'LessThanThreshold',
      };
    }
    const days = Math.ceil(windowMinutes / MAX_PERIOD_MINUTES);
    const runsPerDay = MAX_PERIOD_MINUTES / interval;
    const failedRuns = Math.ceil(MIN_FAILED_RUNS / days);
    // Half a run below the floor: a day with a run more or fewer than scheduled still counts right.
    const ratio = Math.max(factor * budget, (failedRuns - 0.5) / runsPerDay);
    return {
      policy,
      factor,
      windowMinutes: days * MAX_PERIOD_MINUTES,
      periodMinutes: MAX_PERIOD_MINUTES,
      evaluationPeriods: days,
      datapointsToAlarm: days,
      datum: 'days',
      failedRuns,
      threshold: round(1 - ratio, 9),
      comparison: 'LessThanOrEqualToThreshold',
    };
  });
}

/** Attainment and budget left over the SLO window from run counts (slo-report, dashboards). */
export function budgetStatus(
  runs: number,
  successes: number,
  objective: number,
): {
  attainment: number | null;
  budgetRemaining: number | null;
} {
  if (runs <= 0) return { attainment: null, budgetRemaining: null };
  const attainment = (100 * successes) / runs;
  const budget = errorBudget(objective);
  const spent = (runs - successes) / runs / budget;
  return { attainment: round(attainment, 4), budgetRemaining: round(100 * (1 - spent), 2) };
}

/** 5 → "5m", 60 → "1h", 4320 → "3d". */
export function durationLabel(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** For documentation: the table's own window. */
export const SRE_TABLE_WINDOW_DAYS = TABLE_WINDOW_DAYS;
