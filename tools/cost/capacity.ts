/**
 * The capacity section of `oauth-probe cost`: what a fleet needs from the account at its busiest minute,
 * against the default quotas. The figures are the plan's (plan/capacity.ts), so the reservation of
 * `reservedConcurrency: "auto"` and this table cannot disagree.
 */
import { resolveDeployment, resolveProbes } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { type CapacityOptions, DEFAULT_QUOTAS, type RegionCapacity, regionCapacity } from '../../plan/index.js';

export { type CapacityOptions, DEFAULT_QUOTAS, type RegionCapacity };

/** The probe function's secret cache (SECRET_CACHE_TTL_SEC set by lib/). */
const SECRET_CACHE_TTL_SEC = 300;

/** Worst-case rates per region: all of a region's schedules firing in the same minute. */
export function capacityReport(config: ProbesConfig, options: CapacityOptions = {}): RegionCapacity[] {
  const deployment = resolveDeployment(config);
  const probes = resolveProbes(config);
  return deployment.regions.map((region) => regionCapacity(region, probes, deployment, options));
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
