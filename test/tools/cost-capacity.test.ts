/** The capacity section of `oauth-probe cost`: a fleet's busiest minute against the default quotas. */
import { describe, expect, it } from 'vitest';
import { fleetConfig } from '../../scripts/fleet-config.js';
import { capacityReport, DEFAULT_QUOTAS, formatCapacity } from '../../tools/cost/capacity.js';
import { validConfig } from '../cdk/helpers.js';

describe('capacityReport', () => {
  it('counts every run of a region in the peak minute, with the home region taking the global copies', () => {
    const report = capacityReport(validConfig(fleetConfig(1000)));

    expect(report.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-2']);
    for (const region of report) {
      expect(region.runsInPeakMinute).toBe(1000);
      expect(region.peakConcurrency).toBe(1000); // 1,000 runs of 1.5 s starting within one second
      expect(region.schedulerPerSecond).toBe(1000);
    }
    // Home: its own 1,000 calls plus the copies of Success sent from the two other regions.
    expect(report[0]!.putMetricDataPerSecond).toBe(3000);
    expect(report[1]!.putMetricDataPerSecond).toBe(1000);
    expect(report[0]!.warnings.join('\n')).toContain('PutMetricData/s: 3000 of 500');
    expect(report[0]!.warnings.join('\n')).toContain(`Lambda concurrency: 1000 of ${DEFAULT_QUOTAS.lambdaConcurrency}`);
  });

  it('stays quiet for a small fleet and prints the quotas it compares with', () => {
    const report = capacityReport(validConfig(fleetConfig(10)));
    const text = formatCapacity(report);

    expect(report.every((r) => r.warnings.length === 0)).toBe(true);
    expect(text).toContain('Capacity at the busiest minute');
    expect(text).toMatch(/quotas\s+1000\s+1000\s+500\s+10000/);
  });
});
