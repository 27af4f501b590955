/** Secret ids shared by the CDK app (IAM grants) and the probe function (reads): one rule for both. */

/**
 * A secret replicated to this region is read from the local replica: a replica's ARN is the primary's
 * with the region changed, so an ARN of another region is rewritten. Names are resolved locally anyway.
 */
export function localSecretId(secretId: string, region: string | undefined): string {
  if (!region) return secretId;
  const match = /^(arn:aws[a-z-]*:secretsmanager:)([a-z0-9-]+)(:\d{12}:secret:.+)$/.exec(secretId);
  if (!match || match[2] === region) return secretId;
  return `${match[1]}${region}${match[3]}`;
}
