/**
 * Which KMS key decrypts a probe's secret in each region it runs in. The probe function reads the
 * replica of the secret in its own region (lib/oauth-probes.ts `secretArn`), and Secrets Manager
 * encrypts each replica with a key of that region: one ARN copied into every region's grant lets only
 * the primary region decrypt, and every other region fails with secret_access_denied and pages.
 *
 * Per region: `credentials.kmsKeyArns[region]`, else `credentials.kmsKeyArn` when it is in that region,
 * else the same multi-Region key (`mrk-`) with that region in its ARN. A single-Region key asked to
 * serve another region is a config problem (./load.ts), never a silent wrong grant.
 */

export interface KmsCredentials {
  kmsKeyArn?: string;
  kmsKeyArns?: Record<string, string>;
}

/** `arn:PARTITION:kms:REGION:ACCOUNT:key/ID` in parts, or undefined when it is not one. */
function parseKeyArn(arn: string): { partition: string; region: string; account: string; keyId: string } | undefined {
  const match = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, region: match[2]!, account: match[3]!, keyId: match[4]! };
}

/** Multi-Region keys have ids that start with `mrk-`, the same id in every region they are replicated to. */
export function isMultiRegionKey(arn: string): boolean {
  return parseKeyArn(arn)?.keyId.startsWith('mrk-') ?? false;
}

/** The key of the secret's replica in `region`, or undefined when the probe needs no KMS grant there. */
export function kmsKeyArnIn(credentials: KmsCredentials, region: string): string | undefined {
  const listed = credentials.kmsKeyArns?.[region];
  if (listed) return listed;
  const arn = credentials.kmsKeyArn;
  const parts = arn ? parseKeyArn(arn) : undefined;
  if (!arn || !parts) return arn;
  if (parts.region === region || !parts.keyId.startsWith('mrk-')) return arn;
  return `arn:${parts.partition}:kms:${region}:${parts.account}:key/${parts.keyId}`;
}

/** Each problem with the keys of one probe's `credentials`, `path` being `probes[N].credentials`. */
export function kmsProblems(
  credentials: KmsCredentials,
  regions: readonly string[],
  path: string,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const [region, arn] of Object.entries(credentials.kmsKeyArns ?? {})) {
    const keyRegion = parseKeyArn(arn)?.region;
    if (keyRegion && keyRegion !== region) {
      problems.push({
        path: `${path}.kmsKeyArns.${region}`,
        message: `is a key in ${keyRegion}, listed for ${region}: give the key that encrypts the secret's replica in ${region} (an ARN with ${region} in it)`,
      });
    }
  }
  const arn = credentials.kmsKeyArn;
  const parts = arn ? parseKeyArn(arn) : undefined;
  if (!arn || !parts || parts.keyId.startsWith('mrk-')) return problems;
  const uncovered = regions.filter((region) => region !== parts.region && !credentials.kmsKeyArns?.[region]);
  if (uncovered.length > 0) {
    const example = uncovered[0]!;
    problems.push({
      path: `${path}.kmsKeyArn`,
      message: `is a single-Region key in ${parts.region}, which cannot decrypt the replica of the secret in ${uncovered.join(', ')} (Secrets Manager encrypts each replica with a key of its own region): add "kmsKeyArns": { "${example}": "arn:${parts.partition}:kms:${example}:${parts.account}:key/..." } with the replica's key for each of those regions, or use a multi-Region key (key/mrk-...)`,
    });
  }
  return problems;
}
