/**
 * How often a probe function starts cold, for the requests a deployment makes a month (token requests
 * with `token.reuse`, ./token-budget.ts) and for what the cost estimate bills (Lambda INIT, secret reads).
 * One model, stated once: a schedule more than `warmIdleMinutes` apart starts cold on every run; a more
 * frequent one keeps its instance warm for `containerLifetimeHours` (observed behaviour, not documented).
 */
import { runsPerMonth } from '../functions/config/schedule.js';

/** Hours in the 30-day month that `runsPerMonth` counts in. */
export const HOURS_PER_MONTH = 30 * 24;

export interface ColdStartModel {
  /** How long an execution environment lives on a steady schedule before Lambda recycles it. @default 2 */
  containerLifetimeHours: number;
  /** Schedules with more minutes between runs than this start cold on every run. @default 5 */
  warmIdleMinutes: number;
}

export const DEFAULT_COLD_START_MODEL: ColdStartModel = { containerLifetimeHours: 2, warmIdleMinutes: 5 };

/** Cold starts a month of one region's function running a probe on `schedule`. */
export function coldStartsPerMonth(schedule: string, model: ColdStartModel = DEFAULT_COLD_START_MODEL): number {
  const runs = runsPerMonth(schedule);
  const intervalMinutes = runs > 0 ? (HOURS_PER_MONTH * 60) / runs : Number.POSITIVE_INFINITY;
  return intervalMinutes > model.warmIdleMinutes
    ? runs
    : Math.min(runs, Math.ceil(HOURS_PER_MONTH / model.containerLifetimeHours));
}
