import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/load.js';
import { DEFAULT_ALARMS, resolveDeployment, resolveProbe, resolveProbes } from '../../functions/config/resolve.js';
import { type ProbesConfig, probeSchema } from '../../functions/config/schema.js';

const probe = { name: 'p', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 's' } };

function config(raw: Record<string, unknown>): ProbesConfig {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe('resolveProbe', () => {
  it('takes the probe value first, then defaults, then the documented default', () => {
    const cfg = config({
      defaults: { timeoutMs: 4000, degradedMs: 900, schedule: 'rate(5 minutes)' },
      alarms: { datapointsToAlarm: 2 },
      probes: [
        { ...probe, timeoutMs: 3000, alarms: { evaluationPeriods: 4 } },
        { ...probe, name: 'q' },
      ],
    });

    const [own, inherited] = resolveProbes(cfg);

    expect(own).toMatchObject({
      timeoutMs: 3000,
      degradedMs: 900,
      schedule: 'rate(5 minutes)',
      regions: ['us-east-1'],
    });
    expect(own!.alarms).toEqual({ ...DEFAULT_ALARMS, datapointsToAlarm: 2, evaluationPeriods: 4 });
    expect(inherited).toMatchObject({ timeoutMs: 4000, degradedMs: 900 });
    expect(inherited!.alarms).toEqual({ ...DEFAULT_ALARMS, datapointsToAlarm: 2 });
  });

  it('cascades token.reuse: the probe value, else defaults.token.reuse, else off; false turns the default off', () => {
    const cfg = config({
      defaults: { token: { reuse: { maxAgeSec: 3600 } } },
      probes: [
        {
          ...probe,
          name: 'own',
          token: { requiredScopes: ['a'], reuse: { maxAgeSec: 600, refreshBeforeExpirySec: 30 } },
        },
        { ...probe, name: 'inherits' },
        { ...probe, name: 'off', token: { requiredScopes: ['a'], reuse: false } },
      ],
    });

    const [own, inherits, off] = resolveProbes(cfg);

    expect(own!.token).toEqual({ requiredScopes: ['a'], reuse: { maxAgeSec: 600, refreshBeforeExpirySec: 30 } });
    expect(inherits!.token).toEqual({ reuse: { maxAgeSec: 3600 } });
    expect(off!.token).toEqual({ requiredScopes: ['a'] });
    expect(resolveProbes(config({ probes: [probe] }))[0]).not.toHaveProperty('token');
    // The resolved probe travels in the schedule's event: it must pass the probe schema again.
    for (const resolvedProbe of [own, inherits, off]) expect(probeSchema.safeParse(resolvedProbe).success).toBe(true);
  });

  it('derives the run deadline from the number of requests, capped at a minute', () => {
    const twoSteps = config({
      probes: [
        {
          ...probe,
          timeoutMs: 2000,
          steps: [
            { name: 'a', request: { url: 'https://api.example.com/a' } },
            { name: 'b', request: { url: 'https://api.example.com/b' } },
          ],
        },
      ],
    });
    expect(resolveProbes(twoSteps)[0]!.deadlineMs).toBe(2000 * 4);
    expect(resolveProbes(config({ probes: [probe] }))[0]!.deadlineMs).toBe(20_000);
    expect(resolveProbes(config({ probes: [{ ...probe, timeoutMs: 40_000 }] }))[0]!.deadlineMs).toBe(60_000);
  });

  it('stays a valid probe config, so the Lambda event validates with the same schema', () => {
    const cfg = config({ probes: [probe] });

    expect(probeSchema.safeParse(resolveProbe(cfg, cfg.probes[0]!)).success).toBe(true);
  });

  it('inlines a CA file relative to the config folder when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oauth-probe-ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await writeFile(join(dir, 'ca.pem'), pem);
    const cfg = config({ probes: [{ ...probe, tls: { ca: 'ca.pem' } }] });

    expect(resolveProbe(cfg, cfg.probes[0]!, { baseDir: dir }).tls?.ca).toBe(join(dir, 'ca.pem'));
    expect(resolveProbe(cfg, cfg.probes[0]!, { baseDir: dir, inlineFiles: true }).tls?.ca).toBe(pem);
  });
});

describe('resolveDeployment', () => {
  it('collects every region and picks the home region', () => {
    const cfg = config({
      regions: ['eu-west-1'],
      probes: [probe, { ...probe, name: 'q', regions: ['us-east-1', 'ap-southeast-2'] }],
    });

    expect(resolveDeployment(cfg)).toEqual({
      name: 'oauth-probe',
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      namespace: 'OAuthProbe',
      globalFailureRegions: 2,
      metricsTransport: 'putMetricData',
      metricsProfile: 'full',
      shards: 64,
      tags: {},
      terminationProtection: undefined,
      vpc: {},
    });
    expect(resolveDeployment({ ...cfg, name: 'staging' }).namespace).toBe('OAuthProbe/staging');
    expect(resolveDeployment({ ...cfg, metrics: { transport: 'emf' } }).metricsTransport).toBe('emf');
  });
});
