/**
 * What a fleet needs from the account at its busiest minute, against the default quotas: every
 * schedule of a region can fire in the same minute (`rate(...)` schedules all start on the minute,
 * `cron(...)` ones often do), so the peak is computed as if they all did.
 *
 * - Lambda: concurrent executions = runs starting in that minute x run duration / 60 s (each run holds
 *   one execution environment for its duration); bounded above by the runs themselves.
 * - EventBridge Scheduler: invocations per second, if Scheduler spreads a minute's runs over it.
 * - CloudWatch PutMetricData: one call per run (putMetricData transport) plus one to the home region per
 *   run of a probe with a global alarm; EMF: only the latter.
 * - Secrets Manager GetSecretValue: at most one per run (first run of a container, then every cache TTL).
 *
 * Quotas are the documented defaults per account and region (adjustable ones can be raised in Service
 * Quotas); new accounts may start lower (Lambda concurrency can be as low as 10).
 */
import { resolveDeployment, resolveProbes } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { hasGlobalAlarm } from '../../functions/contract/index.js';

/** The probe function's secret cache (SECRET_CACHE_TTL_SEC set by lib/oauth-probes.ts). */
const SECRET_CACHE_TTL_SEC = 300;

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

/** Worst-case rates per region: all of a region's schedules firing in the same minute. */
export function capacityReport(config: ProbesConfig, options: CapacityOptions = {}): RegionCapacity[] {
  const runSeconds = options.runSeconds ?? 1.5;
  const spread = Math.max(1, options.spreadSeconds ?? 1);
  const deployment = resolveDeployment(config);
  const probes = resolveProbes(config);
  return deployment.regions.map((region) => {
    const here = probes.filter((p) => p.regions.includes(region));
    const runs = here.length;
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
      // A cold container reads each secret it needs once; warm ones every SECRET_CACHE_TTL_SEC.
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
  });
}

/** The capacity section of `oauth-probe cost`. */
export function formatCapacity(report: RegionCapacity[]): string {
  const lines = [
    'Capacity at the busiest minute (every schedule of a region firing together), against default quotas:',
    `  ${'region'.padEnd(16)} ${'runs/min'.padStart(8)} ${'concurrency'.padStart(11)} ${'Scheduler/s'.padStart(11)} ${'PutMetricData/s'.padStart(15)} ${'GetSecretValue/s'.padStart(16)}`,
    ...report.map(
      (r) =>
        `  ${r.region.padEnd(16)} ${String(r.runsInPeakMinute).padStart(8)} ${String(r.peakConcurrency).padStart(11)} ${fmt(r.schedulerPerSecond).padStart(11)} ${fmt(r.putMetricDataPerSecond).padStart(15)} ${fmt(r.getSecretValuePerSecond).padStart(16)}`,
    ),
    `  quotas           ${''.padStart(8)} ${String(DEFAULT_QUOTAS.lambdaConcurrency).padStart(11)} ${String(DEFAULT_QUOTAS.schedulerInvocationsPerSecond).padStart(11)} ${String(DEFAULT_QUOTAS.putMetricDataPerSecond).padStart(15)} ${String(DEFAULT_QUOTAS.getSecretValuePerSecond).padStart(16)}`,
    `  (runs of ~1.5 s starting within one second; secrets cached ${SECRET_CACHE_TTL_SEC} s per container; new accounts may have lower Lambda concurrency)`,
  ];
  for (const r of report) for (const w of r.warnings) lines.push(`  ! ${r.region}: ${w}`);
  return `${lines.join('\n')}\n`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
