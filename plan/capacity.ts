/**
 * What a region's probes ask of the account at its busiest minute, against the default quotas, and the
 * reserved concurrency that follows from it (config `reservedConcurrency: "auto"`). Every schedule of a
 * region can fire in the same minute (`rate(...)` schedules all start on the minute, `cron(...)` ones
 * often do), so the peak is computed as if they all did.
 *
 * - Lambda: concurrent executions = runs starting in that minute x run duration / 60 s (each run holds
 *   one execution environment for its duration); bounded above by the runs themselves.
 * - EventBridge Scheduler: invocations per second, if Scheduler spreads a minute's runs over it.
 * - CloudWatch PutMetricData: one call per run (putMetricData transport) plus one to the home region per
 *   run of a probe with a global alarm; EMF: only the latter.
 * - Secrets Manager GetSecretValue: at most one per run (first run of a container, then every cache TTL).
 *
 * Quotas are the documented defaults per account and region (adjustable ones can be raised in Service
 * Quotas); new accounts may start lower (Lambda concurrency can be as low as 10). `oauth-probe cost`
 * prints this; the plan uses the Lambda figure for the reservation and its checks (./checks.ts).
 */
import type { DeploymentSettings, ResolvedProbe } from '../functions/config/resolve.js';
import { hasGlobalAlarm } from '../functions/contract/index.js';

export const DEFAULT_QUOTAS = {
  /** Lambda concurrent executions per region (default; adjustable). */
  lambdaConcurrency: 1_000,
  /** EventBridge Scheduler invocations throttle limit, per second, in the larger regions (adjustable). */
  schedulerInvocationsPerSecond: 1_000,
  /** CloudWatch PutMetricData requests per second (default; adjustable). */
  putMetricDataPerSecond: 500,
  /** Secrets Manager GetSecretValue and DescribeSecret requests per second, combined (default). */
  getSecretValuePerSecond: 10_000,
} as const;

/**
 * Lambda keeps at least this much of a region's account concurrency unreserved: a reservation that
 * would leave less fails the deployment (/work/shared/integrations.md, "Lambda reserved concurrency").
 */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/**
 * The least `"auto"` reserves: room beside the scheduled runs for a rotation test invoking the function
 * (`ProbeRotationTest`), a `run --remote` and an asynchronous retry, so none of them throttles a scheduled run.
 */
export const RESERVED_CONCURRENCY_FLOOR = 5;

export interface RegionCapacity {
  region: string;
  /** Runs that can start in the same minute (every schedule of the region). */
  runsInPeakMinute: number;
  /** Concurrent executions if those runs start within one second, each lasting its typical duration. */
  peakConcurrency: number;
  schedulerPerSecond: number;
  putMetricDataPerSecond: number;
  getSecretValuePerSecond: number;
  /** Quotas a figure reaches half of or more: the ones to raise before growing. */
  warnings: string[];
}

export interface CapacityOptions {
  /** Typical run duration in seconds (token request + steps). @default 1.5 */
  runSeconds?: number;
  /** Seconds over which a minute's scheduled runs start (Scheduler spreads them within the minute). @default 1 */
  spreadSeconds?: number;
}

/** Worst-case rates in one region: all of its schedules firing in the same minute. */
export function regionCapacity(
  region: string,
  probes: readonly ResolvedProbe[],
  deployment: Pick<DeploymentSettings, 'homeRegion' | 'globalFailureRegions' | 'metricsTransport'>,
  options: CapacityOptions = {},
): RegionCapacity {
  const runSeconds = options.runSeconds ?? 1.5;
  const spread = Math.max(1, options.spreadSeconds ?? 1);
  const runs = probes.filter((p) => p.regions.includes(region)).length;
  const perSecond = runs / spread;
  const regional = deployment.metricsTransport === 'emf' ? 0 : runs;
  // The Success copy for a global alarm goes to the home region by PutMetricData from every other
  // region the probe runs in: those calls count against the home region's quota.
  const copiesIntoHome =
    region === deployment.homeRegion
      ? probes
          .filter((p) => hasGlobalAlarm(p, deployment.globalFailureRegions))
          .reduce((n, p) => n + p.regions.filter((r) => r !== deployment.homeRegion).length, 0)
      : 0;
  const capacity: RegionCapacity = {
    region,
    runsInPeakMinute: runs,
    peakConcurrency: Math.min(runs, Math.ceil(perSecond * runSeconds)),
    schedulerPerSecond: perSecond,
    putMetricDataPerSecond: (regional + copiesIntoHome) / spread,
    // A cold container reads each secret it needs once; warm ones every cache TTL.
    getSecretValuePerSecond: perSecond,
    warnings: [],
  };
  const check = (figure: number, quota: number, what: string) => {
    if (figure >= quota / 2)
      capacity.warnings.push(
        `${what}: ${Math.ceil(figure)} of ${quota} (raise it in Service Quotas, or spread the schedules over the minute with cron offsets)`,
      );
  };
  check(capacity.peakConcurrency, DEFAULT_QUOTAS.lambdaConcurrency, 'Lambda concurrency');
  check(capacity.schedulerPerSecond, DEFAULT_QUOTAS.schedulerInvocationsPerSecond, 'Scheduler invocations/s');
  check(capacity.putMetricDataPerSecond, DEFAULT_QUOTAS.putMetricDataPerSecond, 'PutMetricData/s');
  check(capacity.getSecretValuePerSecond, DEFAULT_QUOTAS.getSecretValuePerSecond, 'GetSecretValue/s');
  return capacity;
}

/**
 * The probe function's reservation in a region from config `reservedConcurrency`: nothing when unset,
 * the number as written, or for `"auto"` the busiest minute's concurrency with the floor.
 */
export function reservedConcurrencyFor(
  setting: number | 'auto' | undefined,
  peakConcurrency: number,
): number | undefined {
  if (setting === undefined) return undefined;
  if (setting === 'auto') return Math.max(RESERVED_CONCURRENCY_FLOOR, peakConcurrency);
  return setting;
}

/** The most one function can reserve in a region of an account with the default concurrency quota. */
export const MAX_RESERVATION_AT_DEFAULT_QUOTA = DEFAULT_QUOTAS.lambdaConcurrency - MIN_UNRESERVED_CONCURRENCY;
