import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../functions/config/load.js';
import { type ResolvedProbe, resolveProbes } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import {
  otherRequestsPerToken,
  tokenBudget,
  tokenBudgetWarnings,
  tokenRequestsPerRegion,
} from '../../plan/token-budget.js';

const REPO = join(import.meta.dirname, '..', '..');
/** The cost model's cold starts on a 1-minute schedule: one per 2-hour container lifetime, 360 a month. */
const COLD_STARTS = 360;
const coldStarts = () => COLD_STARTS;

async function example(edit: (config: ProbesConfig) => void = () => {}): Promise<ResolvedProbe[]> {
  const config = await loadConfigFile(join(REPO, 'probes.json'));
  edit(config);
  return resolveProbes(config);
}

function probe(overrides: Record<string, unknown> = {}): ResolvedProbe {
  return {
    name: 'p',
    tokenUrl: 'https://tenant.eu.auth0.com/oauth/token',
    credentials: { secretId: 's' },
    clientAuth: 'client_secret_post',
    steps: [],
    timeoutMs: 10_000,
    deadlineMs: 20_000,
    schedule: 'rate(1 minute)',
    regions: ['eu-west-1'],
    alarms: {
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      expiryDaysThreshold: 14,
      latencyEvaluationPeriods: 3,
      missingRunsPeriods: 3,
    },
    slo: { objective: 99.9, window: '30d' },
    ...overrides,
  } as ResolvedProbe;
}

describe('tokenBudget on the example probes.json', () => {
  it('billing-api (rate(1 minute) × 2 regions) asks auth.example.com for 86,400 tokens a month, and as many JWKS requests', async () => {
    const budget = tokenBudget(await example(), coldStarts);

    expect(budget).toEqual([
      {
        host: 'auth.example.com',
        tokenRequestsPerMonth: 86_400,
        otherRequestsPerMonth: 86_400,
        probes: ['billing-api'],
      },
      // rate(5 minutes), one region, issuer only: discovery and JWKS with every token.
      {
        host: 'login.partner.example.net',
        tokenRequestsPerMonth: 8_640,
        otherRequestsPerMonth: 17_280,
        probes: ['partner-sync'],
      },
    ]);
  });

  it('with token.reuse: { maxAgeSec: 3600 } on billing-api, 2,160 a month: 720 an hour-token per region plus 360 cold starts', async () => {
    const probes = await example((config) => {
      const billing = config.probes.find((p) => p.name === 'billing-api')!;
      billing.token = { ...billing.token!, reuse: { maxAgeSec: 3600 } };
    });

    const [auth] = tokenBudget(probes, coldStarts).filter((b) => b.host === 'auth.example.com');

    expect(auth).toEqual({
      host: 'auth.example.com',
      tokenRequestsPerMonth: 2_160,
      otherRequestsPerMonth: 2_160,
      probes: ['billing-api'],
    });
  });

  it('takes defaults.token.reuse, and a probe that turns it off keeps a token per run', async () => {
    const probes = await example((config) => {
      config.defaults = { ...config.defaults, token: { reuse: { maxAgeSec: 3600 } } };
      const partner = config.probes.find((p) => p.name === 'partner-sync')!;
      partner.token = { ...partner.token!, reuse: false };
    });

    const budget = tokenBudget(probes, coldStarts);

    expect(budget.map((b) => [b.host, b.tokenRequestsPerMonth])).toEqual([
      ['login.partner.example.net', 8_640],
      ['auth.example.com', 2_160],
    ]);
  });

  it('sums the probes of one host over their regions, and leaves out disabled probes', async () => {
    const probes = await example((config) => {
      const billing = config.probes.find((p) => p.name === 'billing-api')!;
      config.probes.push(
        { ...billing, name: 'billing-admin', regions: ['eu-west-1'] },
        { ...billing, name: 'billing-off', enabled: false },
      );
    });

    const [auth] = tokenBudget(probes, coldStarts);

    expect(auth).toMatchObject({ host: 'auth.example.com', tokenRequestsPerMonth: 86_400 + 43_200 });
    expect(auth!.probes).toEqual(['billing-api', 'billing-admin']);
  });
});

describe('tokenRequestsPerRegion', () => {
  it('is the runs without reuse', () => {
    expect(tokenRequestsPerRegion(probe(), COLD_STARTS)).toBe(43_200);
    expect(tokenRequestsPerRegion(probe({ schedule: 'rate(5 minutes)' }), COLD_STARTS)).toBe(8_640);
  });

  it('is one token per maxAgeSec of runs plus the cold starts with reuse, never more than the runs', () => {
    const reuse = (maxAgeSec: number, schedule = 'rate(1 minute)') =>
      probe({ schedule, token: { reuse: { maxAgeSec } } });

    // 60 runs share a token (ages 0 to 59 minutes), the 61st asks again.
    expect(tokenRequestsPerRegion(reuse(3600), COLD_STARTS)).toBe(720 + 360);
    // A token younger than 3601 s serves 61 runs.
    expect(tokenRequestsPerRegion(reuse(3601), COLD_STARTS)).toBe(Math.ceil(43_200 / 61) + 360);
    expect(tokenRequestsPerRegion(reuse(86_400), 0)).toBe(30);
    // A schedule slower than maxAgeSec gains nothing.
    expect(tokenRequestsPerRegion(reuse(600, 'rate(1 hour)'), 0)).toBe(720);
    // Cold on every run (a slow schedule): every run asks.
    expect(tokenRequestsPerRegion(reuse(3600, 'rate(10 minutes)'), 4_320)).toBe(4_320);
  });
});

describe('otherRequestsPerToken', () => {
  it('counts discovery only when the run needs the metadata, JWKS and introspection when configured', () => {
    expect(otherRequestsPerToken(probe())).toBe(0);
    expect(otherRequestsPerToken(probe({ issuer: 'https://i.example.com/', tokenUrl: undefined }))).toBe(1);
    // tokenUrl and jwksUri given: the issuer is only the expected iss, no discovery.
    expect(
      otherRequestsPerToken(
        probe({ issuer: 'https://i.example.com/', token: { jwt: { jwksUri: 'https://i.example.com/jwks' } } }),
      ),
    ).toBe(1);
    expect(otherRequestsPerToken(probe({ issuer: 'https://i.example.com/', token: { jwt: {} } }))).toBe(2);
    expect(
      otherRequestsPerToken(
        probe({ token: { jwt: { jwksUri: 'https://x/jwks' }, introspection: { url: 'https://x/i' } } }),
      ),
    ).toBe(2);
  });
});

describe('tokenBudgetWarnings', () => {
  it('warns for billing-api in the example: an Auth0 custom domain (/oauth/token with an audience), 86,400 tokens', async () => {
    const warnings = tokenBudgetWarnings(await example(), coldStarts);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      index: 0,
      probe: 'billing-api',
      host: 'auth.example.com',
      tokenRequestsPerMonth: 86_400,
    });
    expect(warnings[0]!.message).toBe(
      'warning: probes[0] "billing-api" will request about 86,400 tokens a month from auth.example.com, which looks like an Auth0 custom domain (/oauth/token with an audience parameter) (rate(1 minute) × 2 regions); Auth0 counts each against the tenant\'s machine-to-machine token quota, and its free plan allows 1,000 a month, then denies further tokens until the month resets (check your plan\'s quota). Set token.reuse: with "token": { "reuse": { "maxAgeSec": 21600 } } it requests about 960 a month.',
    );
  });

  it('warns for a *.auth0.com token endpoint just above 1,000 tokens a month, not at 1,000', () => {
    // rate(43 minutes): 1,004 runs a month; rate(44 minutes): 981.
    const above = probe({ schedule: 'rate(43 minutes)', tokenParams: undefined });
    const below = probe({ schedule: 'rate(44 minutes)' });

    const warnings = tokenBudgetWarnings([above, below], () => 0);

    expect(warnings.map((w) => [w.index, w.tokenRequestsPerMonth])).toEqual([[0, 1_004]]);
    expect(warnings[0]!.message).toContain('from tenant.eu.auth0.com (Auth0) (rate(43 minutes) × 1 region)');
  });

  it('still warns with a token.reuse that is not enough, and says when the cold starts alone are too many', () => {
    const short = probe({ token: { reuse: { maxAgeSec: 600 } } });
    const everywhere = probe({ regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'] });

    const [shortWarning, everywhereWarning] = tokenBudgetWarnings([short, everywhere], coldStarts);

    expect(shortWarning!.message).toContain('token.reuse.maxAgeSec 600');
    // 3600 would still make 720 + 360 = 1,080: the suggestion is the first value that fits.
    expect(shortWarning!.message).toContain(
      'Raise token.reuse.maxAgeSec: with "token": { "reuse": { "maxAgeSec": 7200 } } it requests about 720 a month.',
    );
    // (30 a day-token + 360 cold starts) × 3 regions.
    expect(everywhereWarning!.message).toContain(
      'Even "token": { "reuse": { "maxAgeSec": 86400 } } leaves about 1,170 a month',
    );
  });

  it('says nothing for other providers, whatever the count', () => {
    const okta = probe({ tokenUrl: 'https://example.okta.com/oauth2/default/v1/token' });

    expect(tokenBudgetWarnings([okta], coldStarts)).toEqual([]);
  });
});
