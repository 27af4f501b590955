import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import { createProbeRunner } from '../../functions/runtime/probe/run.js';
import { DRIFT_GRACE_MINUTES, SecretDriftCheck } from '../../functions/runtime/probe/secret-drift.js';
import { SecretsManagerSecretSource } from '../../functions/runtime/probe/secrets-manager-source.js';
import { passResult } from './fixtures.js';

const REPLICA = 'eu-west-1';
const PRIMARY = 'us-east-1';
const SECRET = 'oauth-probe/billing';
const NOW = Date.parse('2026-11-22T07:05:00Z');
const OLD_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const NEW_ID = 'bbbbbbbb-0000-4000-8000-000000000002';
const SECRET_VALUE = 'super-secret-value-that-never-leaves-0123456789';

const replica = new SecretsManagerClient({ region: REPLICA });
const primary = new SecretsManagerClient({ region: PRIMARY });
const cloudWatch = new CloudWatchClient({ region: REPLICA });
const replicaMock = mockClient(replica);
const primaryMock = mockClient(primary);
const cwMock = mockClient(cloudWatch);
const clientIn = (region: string) => (region === PRIMARY ? primary : replica);

let warnings: Record<string, unknown>[];
let lines: Record<string, unknown>[];
const logger = {
  info: (_m: string, ...extra: Record<string, unknown>[]) => lines.push(Object.assign({}, ...extra)),
  warn: (_m: string, ...extra: Record<string, unknown>[]) => {
    warnings.push(Object.assign({}, ...extra));
    lines.push(Object.assign({}, ...extra));
  },
  error: (_m: string, ...extra: Record<string, unknown>[]) => lines.push(Object.assign({}, ...extra)),
};

function check(now = NOW) {
  return new SecretDriftCheck({ region: REPLICA, clientIn, clock: { now: () => now }, logger });
}

/** The replica's AWSCURRENT is `replicaCurrent`; the primary's is NEW_ID, created `minutesAgo` minutes ago. */
function versions(replicaCurrent: string, minutesAgo: number, primaryRegion = PRIMARY) {
  replicaMock.on(DescribeSecretCommand).resolves({
    PrimaryRegion: primaryRegion,
    VersionIdsToStages: {
      [replicaCurrent]: ['AWSCURRENT'],
      ...(replicaCurrent === OLD_ID ? {} : { [OLD_ID]: ['AWSPREVIOUS'] }),
    },
  });
  primaryMock.on(ListSecretVersionIdsCommand).resolves({
    Versions: [
      { VersionId: OLD_ID, VersionStages: ['AWSPREVIOUS'], CreatedDate: new Date(NOW - 90 * 86_400_000) },
      { VersionId: NEW_ID, VersionStages: ['AWSCURRENT'], CreatedDate: new Date(NOW - minutesAgo * 60_000) },
    ],
  });
}

beforeEach(() => {
  replicaMock.reset();
  primaryMock.reset();
  cwMock.reset();
  cwMock.on(PutMetricDataCommand).resolves({});
  warnings = [];
  lines = [];
});

describe('SecretDriftCheck', () => {
  it(`reports drift when the replica is behind the primary for longer than ${DRIFT_GRACE_MINUTES} min`, async () => {
    versions(OLD_ID, DRIFT_GRACE_MINUTES);

    const drift = await check().check(SECRET);

    expect(drift).toEqual({
      primaryRegion: PRIMARY,
      primaryVersionId: NEW_ID,
      replicaVersionId: OLD_ID,
      minutesSincePrimaryVersion: DRIFT_GRACE_MINUTES,
      drift: 1,
    });
    expect(replicaMock.commandCalls(DescribeSecretCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET });
    expect(primaryMock.commandCalls(ListSecretVersionIdsCommand)[0]!.args[0].input).toEqual({
      SecretId: SECRET,
      MaxResults: 100,
    });
    // Every call carries an abort signal (its deadline).
    const options = (replicaMock.commandCalls(DescribeSecretCommand)[0]!.args as unknown[])[1];
    expect(options).toMatchObject({ abortSignal: expect.any(AbortSignal) });
  });

  it('gives replication its grace: behind for one minute less is not drift yet', async () => {
    versions(OLD_ID, DRIFT_GRACE_MINUTES - 1);

    expect((await check().check(SECRET))?.drift).toBe(0);
  });

  it('reports 0 when the replica has the primary AWSCURRENT', async () => {
    versions(NEW_ID, 600);

    expect(await check().check(SECRET)).toMatchObject({ drift: 0, replicaVersionId: NEW_ID });
  });

  it('reports nothing from the primary region itself, with one call', async () => {
    versions(NEW_ID, 600, REPLICA);

    expect(await check().check(SECRET)).toBeUndefined();
    expect(primaryMock.commandCalls(ListSecretVersionIdsCommand)).toHaveLength(0);
  });

  it('reads the primary by its own ARN when the probe names an ARN', async () => {
    versions(NEW_ID, 600);
    const arn = `arn:aws:secretsmanager:${PRIMARY}:123456789012:secret:oauth-probe/billing-AbCdEf`;

    await check().check(arn);

    expect(replicaMock.commandCalls(DescribeSecretCommand)[0]!.args[0].input.SecretId).toBe(
      arn.replace(PRIMARY, REPLICA),
    );
    expect(primaryMock.commandCalls(ListSecretVersionIdsCommand)[0]!.args[0].input.SecretId).toBe(arn);
  });

  it('checks a secret at most once per interval per container', async () => {
    versions(OLD_ID, 60);
    const drift = check();

    await drift.check(SECRET);
    const again = await drift.check(SECRET);

    expect(again).toBeUndefined();
    expect(replicaMock.commandCalls(DescribeSecretCommand)).toHaveLength(1);
  });

  it('a failing call gives no signal and logs secret_drift_check_failed, without throwing', async () => {
    replicaMock.on(DescribeSecretCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    expect(await check().check(SECRET)).toBeUndefined();
    expect(warnings).toEqual([
      { event: 'secret_drift_check_failed', secretId: SECRET, errorName: 'AccessDeniedException' },
    ]);
  });
});

describe('scheduled run in a replica region', () => {
  const probe = {
    name: 'billing-api',
    tokenUrl: 'https://auth.example.com/oauth2/token',
    credentials: { secretId: SECRET },
    steps: [],
    schedule: 'rate(1 minute)',
    regions: [REPLICA, PRIMARY],
  };

  function runner(profile: 'full' | 'lean' = 'full') {
    return createProbeRunner({
      settings: {
        region: REPLICA,
        homeRegion: REPLICA,
        namespace: 'OAuthProbe',
        deadlineMarginMs: 3000,
        secretCacheTtlSec: 300,
        metricsTransport: 'putMetricData',
        metricsProfile: profile,
        globalFailureRegions: 3,
      },
      // The engine reads the secret through the source it is given; the result itself is a fixture.
      runProbe: async (p: ResolvedProbe, deps) => {
        await deps.secrets.get(p.credentials.secretId);
        return passResult();
      },
      secrets: () => new SecretsManagerSecretSource({ client: replica, region: REPLICA }),
      drift: check(),
      cloudWatch: () => cloudWatch,
      homeCloudWatch: () => cloudWatch,
      logger,
      clock: { now: () => NOW },
    });
  }

  it.each(['full', 'lean'] as const)(
    'logs the version id it used and the drift, and publishes SecretVersionDrift without a Probe dimension (%s)',
    async (profile) => {
      replicaMock
        .on(GetSecretValueCommand)
        .resolves({ VersionId: OLD_ID, SecretString: JSON.stringify({ client_id: 'c', client_secret: SECRET_VALUE }) });
      versions(OLD_ID, 30);

      const output = await runner(profile)({ probe, scheduledTime: '2026-11-22T07:05:00Z' });

      expect(output).toMatchObject({ outcome: 'ran', published: true });
      const line = lines.find((l) => l.event === 'probe_result')!;
      expect(line).toMatchObject({
        secretVersionId: OLD_ID,
        secretDrift: { primaryRegion: PRIMARY, primaryVersionId: NEW_ID, replicaVersionId: OLD_ID, drift: 1 },
      });
      const data = cwMock.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
      expect(data.filter((d) => d.MetricName === 'SecretVersionDrift')).toEqual([
        expect.objectContaining({ Dimensions: [], Value: 1, Unit: 'Count' }),
      ]);
      expect(JSON.stringify(lines)).not.toContain(SECRET_VALUE);
    },
  );

  it('publishes no drift datum when the check is not due', async () => {
    replicaMock
      .on(GetSecretValueCommand)
      .resolves({ VersionId: NEW_ID, SecretString: '{"client_id":"c","client_secret":"s"}' });
    versions(NEW_ID, 30);
    const run = runner();

    await run({ probe, scheduledTime: '2026-11-22T07:05:00Z' });
    await run({ probe, scheduledTime: '2026-11-22T07:06:00Z' });

    const data = cwMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData ?? []);
    expect(data.map((d) => d.filter((m) => m.MetricName === 'SecretVersionDrift').length)).toEqual([1, 0]);
    expect(data[0]!.find((m) => m.MetricName === 'SecretVersionDrift')?.Value).toBe(0);
  });
});
