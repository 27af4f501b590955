/**
 * Alarm periods derived from a probe's schedule. Pure functions, so the rules are unit-tested without a
 * synth.
 */
import { Duration } from 'aws-cdk-lib';
import { scheduleIntervalMinutes } from '../functions/config/schedule.js';

export { CRON_FALLBACK_MINUTES, scheduleIntervalMinutes } from '../functions/config/schedule.js';

/** The period of the availability, stopped and global alarms: one run per period. */
export function runPeriod(expression: string): Duration {
  return Duration.minutes(scheduleIntervalMinutes(expression));
}

/** Latency alarms look at 5-minute p95s: a p95 of one sample would page on a single slow run. */
export const LATENCY_PERIOD = Duration.minutes(5);
