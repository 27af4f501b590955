/**
 * The region list of config/ (kept out of the Lambda bundle's way: no aws-cdk-lib there) is aws-cdk-lib's
 * region-info list: an upgrade of aws-cdk-lib that learns a region fails here until it is added.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { describe, expect, it } from 'vitest';
import { KNOWN_AWS_REGIONS, unknownRegionProblem } from '../../functions/config/aws-regions.js';

describe('known AWS regions', () => {
  it('are exactly the regions aws-cdk-lib knows', () => {
    expect([...KNOWN_AWS_REGIONS].sort()).toEqual(RegionInfo.regions.map((r) => r.name).sort());
  });

  it('suggest the nearest known code for a typo, and accept additionalRegions', () => {
    expect(unknownRegionProblem('us-east-7')).toMatch(/did you mean us-east-1\?/);
    expect(unknownRegionProblem('eu-wset-1')).toMatch(/did you mean eu-west-1\?/);
    expect(unknownRegionProblem('mars-north-1')).not.toMatch(/did you mean/);
    expect(unknownRegionProblem('us-east-7', ['us-east-7'])).toBeUndefined();
    expect(unknownRegionProblem('eusc-de-east-1')).toBeUndefined();
  });
});
