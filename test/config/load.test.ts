import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, parseConfigText } from '../../functions/config/load.js';
import { ConfigError, formatPath } from '../../functions/config/problems.js';

const minimalProbe = {
  name: 'billing-api',
  tokenUrl: 'https://auth.example.com/oauth2/token',
  credentials: { secretId: 'oauth-probe/billing' },
};

function problemsOf(raw: unknown) {
  const result = parseConfig(raw);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.problems;
}

describe('parseConfig', () => {
  it('accepts the minimal probe and applies the schema defaults', () => {
    const result = parseConfig({ probes: [minimalProbe] });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.probes[0]!.clientAuth).toBe('client_secret_basic');
    expect(result.config.probes[0]!.steps).toEqual([]);
  });

  it('lists every problem at once, each with its path and a fix', () => {
    const problems = problemsOf({
      probes: [
        { ...minimalProbe, clientAuth: 'basic', scope: 5, credentials: {} },
        { ...minimalProbe, name: 'billing-api', typo: true },
      ],
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: 'probes[0].clientAuth',
          message: 'expected one of client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth',
        },
        { path: 'probes[0].scope', message: 'expected a string or an array' },
        { path: 'probes[0].credentials.secretId', message: 'required: add this field (string)' },
        { path: 'probes[1]', message: 'unknown field "typo": remove it or check the spelling' },
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('reports duplicate probe names once the rest is valid', () => {
    const problems = problemsOf({ probes: [minimalProbe, minimalProbe] });

    expect(problems).toEqual([
      { path: 'probes[1].name', message: 'duplicate probe name "billing-api": names must be unique' },
    ]);
  });

  it('needs tokenUrl or issuer, and keys for JWT validation', () => {
    const { tokenUrl: _, ...withoutEndpoint } = minimalProbe;
    expect(problemsOf({ probes: [withoutEndpoint] })[0]!.path).toBe('probes[0].tokenUrl');

    const jwtWithoutKeys = { ...minimalProbe, token: { jwt: { audience: 'https://api.example.com' } } };
    expect(problemsOf({ probes: [jwtWithoutKeys] })[0]!.path).toBe('probes[0].token.jwt.jwksUri');
  });

  it('accepts {{placeholders}} in step URLs but not relative URLs', () => {
    const step = (url: string) => ({
      ...minimalProbe,
      steps: [
        { name: 'list', request: { url: 'https://api.example.com/v1' }, extract: { invoiceId: 'data[0].id' } },
        { name: 's', request: { url } },
      ],
    });

    expect(parseConfig({ probes: [step('https://api.example.com/v1/{{invoiceId}}')] }).ok).toBe(true);
    expect(problemsOf({ probes: [step('/v1/invoices')] })[0]!.path).toBe('probes[0].steps[1].request.url');
  });

  it('checks schedules and thresholds against each other', () => {
    const problems = problemsOf({
      defaults: { timeoutMs: 1000 },
      alarms: { evaluationPeriods: 3, datapointsToAlarm: 4 },
      probes: [{ ...minimalProbe, schedule: 'every minute', degradedMs: 1000 }],
    });

    expect(problems.map((p) => p.path).sort()).toEqual([
      'alarms.datapointsToAlarm',
      'probes[0].degradedMs',
      'probes[0].schedule',
    ]);
  });

  it('accepts degradedMs one below timeoutMs and rejects it at timeoutMs', () => {
    const withDegraded = (degradedMs: number) => ({ probes: [{ ...minimalProbe, timeoutMs: 1000, degradedMs }] });

    expect(parseConfig(withDegraded(999)).ok).toBe(true);
    expect(parseConfig(withDegraded(1000)).ok).toBe(false);
  });

  it('rejects more global failure regions than the probes run in', () => {
    const config = { regions: ['eu-west-1', 'us-east-1'], probes: [minimalProbe] };

    expect(parseConfig({ ...config, globalFailureRegions: 2 }).ok).toBe(true);
    expect(problemsOf({ ...config, globalFailureRegions: 3 })[0]!.path).toBe('globalFailureRegions');
  });
});

describe('token.reuse', () => {
  const base = { name: 'p', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 's' } };
  const problems = (reuse: unknown, where: 'probe' | 'defaults' = 'probe') => {
    const raw =
      where === 'probe'
        ? { probes: [{ ...base, token: { reuse } }] }
        : { defaults: { token: { reuse } }, probes: [base] };
    const result = parseConfig(raw);
    return result.ok ? [] : result.problems;
  };

  it('accepts maxAgeSec from 60 to 86400 with refreshBeforeExpirySec below it, and false on a probe', () => {
    expect(problems({ maxAgeSec: 61 })).toEqual([]);
    expect(problems({ maxAgeSec: 86_400, refreshBeforeExpirySec: 3600 })).toEqual([]);
    expect(problems({ maxAgeSec: 3600 }, 'defaults')).toEqual([]);
    expect(problems(false)).toEqual([]);
  });

  it('rejects out-of-range values, naming the field and the fix', () => {
    expect(problems({ maxAgeSec: 59 })).toEqual([
      {
        path: 'probes[0].token.reuse.maxAgeSec',
        message:
          'token.reuse.maxAgeSec must be at least 60 s: a shorter reuse never outlives the gap between two scheduled runs',
      },
    ]);
    expect(problems({ maxAgeSec: 86_401 })[0]).toMatchObject({ path: 'probes[0].token.reuse.maxAgeSec' });
    expect(problems({ maxAgeSec: 3600, refreshBeforeExpirySec: 0 })[0]).toMatchObject({
      path: 'probes[0].token.reuse.refreshBeforeExpirySec',
      message: 'token.reuse.refreshBeforeExpirySec must be at least 1 s',
    });
    expect(problems({ maxAgeSec: 90.5 })[0]).toMatchObject({ path: 'probes[0].token.reuse.maxAgeSec' });
    expect(problems({})).toEqual([
      { path: 'probes[0].token.reuse.maxAgeSec', message: 'required: add this field (number)' },
    ]);
    expect(problems({ maxAgeSec: 3600, maxAge: 1 })[0]!.message).toContain('unknown field "maxAge"');
    expect(problems(true)).toEqual([
      { path: 'probes[0].token.reuse', message: 'expected an object or false (to turn defaults.token.reuse off)' },
    ]);
    // false is a probe's way to opt out; the default itself is an object or absent.
    expect(problems(false, 'defaults')[0]).toMatchObject({ path: 'defaults.token.reuse' });
  });

  it('needs refreshBeforeExpirySec (60 by default) below maxAgeSec', () => {
    expect(problems({ maxAgeSec: 600, refreshBeforeExpirySec: 600 })).toEqual([
      {
        path: 'probes[0].token.reuse.refreshBeforeExpirySec',
        message:
          'token.reuse.refreshBeforeExpirySec (600 s) must be below maxAgeSec (600 s): raise maxAgeSec or set a smaller refreshBeforeExpirySec',
      },
    ]);
    expect(problems({ maxAgeSec: 60 }, 'defaults')).toEqual([
      {
        path: 'defaults.token.reuse.refreshBeforeExpirySec',
        message:
          'token.reuse.refreshBeforeExpirySec (60 s, the default) must be below maxAgeSec (60 s): raise maxAgeSec or set a smaller refreshBeforeExpirySec',
      },
    ]);
  });
});

describe('metrics.transport', () => {
  it('accepts putMetricData and emf, and leaves it unset by default', () => {
    for (const transport of ['putMetricData', 'emf']) {
      const result = parseConfig({ metrics: { transport }, probes: [minimalProbe] });
      expect(result.ok && result.config.metrics?.transport).toBe(transport);
    }
    const result = parseConfig({ probes: [minimalProbe] });
    expect(result.ok && result.config.metrics).toBeUndefined();
  });

  it('rejects any other value and unknown keys, with the path', () => {
    expect(problemsOf({ metrics: { transport: 'xray' }, probes: [minimalProbe] }).map((p) => p.path)).toEqual([
      'metrics.transport',
    ]);
    expect(problemsOf({ metrics: { transport: 'EMF' }, probes: [minimalProbe] })[0]!.path).toBe('metrics.transport');
    expect(problemsOf({ metrics: { batch: true }, probes: [minimalProbe] })[0]!.path).toMatch(/^metrics/);
  });
});

describe('formatPath', () => {
  it('writes array indexes in brackets', () => {
    expect(formatPath(['probes', 0, 'steps', 2, 'request', 'url'])).toBe('probes[0].steps[2].request.url');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('loadConfigFile', () => {
  it('loads the example probes.json of the repository', async () => {
    const config = await loadConfigFile(new URL('../../probes.json', import.meta.url).pathname);

    expect(config.probes.map((p) => p.name)).toEqual(['billing-api', 'partner-sync']);
  });

  it('names a missing file and how to fix it', async () => {
    await expect(loadConfigFile('/nonexistent/probes.json')).rejects.toThrow(
      /file not found: check the path, or pass --config FILE/,
    );
  });

  it('says the file is not valid JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oauth-probe-config-'));
    const path = join(dir, 'probes.json');
    await writeFile(path, '{ "probes": [ }');

    const error = await loadConfigFile(path).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]!.message).toBe(
      "not valid JSON: line 1, column 15: expected a value or ']'",
    );
  });

  it('throws a ConfigError whose message lists the problems', () => {
    expect(() => parseConfigText('{"probes": []}', 'x.json')).toThrow(
      'x.json: 1 problem:\n  probes: add at least one probe',
    );
  });
});

describe('notifications.heartbeat', () => {
  const config = (heartbeat: unknown) => ({
    probes: [{ name: 'p', tokenUrl: 'https://a/t', credentials: { secretId: 'x' } }],
    notifications: { heartbeat },
  });

  it('takes a secret id and an optional rate of 1 to 60 minutes', () => {
    for (const heartbeat of [
      { urlSecretId: 'oauth-probe/heartbeat' },
      { urlSecretId: 'oauth-probe/heartbeat', schedule: 'rate(1 minute)' },
      { urlSecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hb-AbCdEf', schedule: 'rate(60 minutes)' },
    ]) {
      expect(parseConfig(config(heartbeat))).toMatchObject({ ok: true });
    }
  });

  it.each([
    [
      { urlSecretId: 'https://hc-ping.com/5e1c0c1e-0000-4000-8000-000000000000' },
      'urlSecretId',
      'never the value itself',
    ],
    [{ urlSecretId: 'hb', schedule: 'rate(61 minutes)' }, 'schedule', 'outside 1 to 60 minutes'],
    [{ urlSecretId: 'hb', schedule: 'rate(2 hours)' }, 'schedule', 'outside 1 to 60 minutes'],
    [{ urlSecretId: 'hb', schedule: 'cron(0/5 * * * ? *)' }, 'schedule', 'write "rate(N minutes)"'],
    [{ urlSecretId: 'hb', schedule: 'rate(5 minute)' }, 'schedule', 'plural unit above 1'],
    [{ urlSecretId: 'hb', url: 'https://x' }, '', 'url'],
    [{}, 'urlSecretId', ''],
  ])('rejects %j at its field, saying how to fix it', (heartbeat, field, text) => {
    const result = parseConfig(config(heartbeat));

    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    const problem = problems.find((p) => p.path.startsWith(`notifications.heartbeat${field ? `.${field}` : ''}`));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.message).toContain(text);
  });
});
