/**
 * AWS region codes oauth-probe knows, so that `us-east-7` or `eu-west` is a config error naming the
 * field, not a stack that fails to deploy (or a probe that never runs).
 *
 * A copy of aws-cdk-lib's region-info list (`RegionInfo.regions`), kept here because config/ ships in
 * the probe's Lambda bundle and region-info would drag aws-cdk-lib into it. test/config/aws-regions.test.ts
 * fails when the two drift apart, so an aws-cdk-lib upgrade that learns a region brings it here.
 *
 * A region AWS launched after this release: list it in the top-level `additionalRegions` of probes.json
 * (documented in docs/configuration.md), which accepts any code of the right shape.
 */
import { nearMiss } from '../near-miss.js';

export const KNOWN_AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-isoe-west-1',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eusc-de-east-1',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
];

/** What is wrong with `region` as a region code, or undefined when it is known (or listed in `additional`). */
export function unknownRegionProblem(region: string, additional: readonly string[] = []): string | undefined {
  if (KNOWN_AWS_REGIONS.includes(region) || additional.includes(region)) return undefined;
  const meant = nearMiss(region, KNOWN_AWS_REGIONS);
  return `unknown AWS region "${region}"${meant ? `: did you mean ${meant}?` : ''} If AWS launched it after this release of oauth-probe, add it to the top-level "additionalRegions"`;
}
