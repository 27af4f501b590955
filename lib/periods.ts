/**
 * Alarm periods derived from a probe's schedule. Pure functions, so the rules are unit-tested without a
 * synth.
 */
import { Duration } from 'aws-cdk-lib';
import { rateMinutes, runsPerMonth } from '../functions/config/schedule.js';

/** CloudWatch rejects alarm periods above one day. */
const MAX_PERIOD_MINUTES = 24 * 60;
/** When a cron expression's cadence cannot be estimated. */
export const CRON_FALLBACK_MINUTES = 5;

/**
 * Minutes between two runs: the rate for `rate(...)`; for `cron(...)` the average interval over a
 * month (so an hourly cron gets hourly periods instead of 5-minute ones in which the "stopped" alarm
 * would see no run most of the time), else 5 minutes. At least 1 minute, at most 1 day.
 */
export function scheduleIntervalMinutes(expression: string): number {
  const rate = rateMinutes(expression);
  let minutes: number;
  if (rate !== undefined) {
    minutes = rate;
  } else {
    const runs = runsPerMonth(expression);
    minutes = runs > 0 ? Math.ceil((30 * 24 * 60) / runs) : CRON_FALLBACK_MINUTES;
  }
  return Math.min(Math.max(1, minutes), MAX_PERIOD_MINUTES);
}

/** The period of the availability, stopped and global alarms: one run per period. */
export function runPeriod(expression: string): Duration {
  return Duration.minutes(scheduleIntervalMinutes(expression));
}

/** Latency alarms look at 5-minute p95s: a p95 of one sample would page on a single slow run. */
export const LATENCY_PERIOD = Duration.minutes(5);
