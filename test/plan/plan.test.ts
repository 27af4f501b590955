/**
 * The deployment plan (plan/): what a config deploys, decided once. These tests read the plan alone (no
 * synth); test/plan/agreement.test.ts proves that lib/ builds exactly it and that validate and synth agree.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/load.js';
import { ConfigError } from '../../functions/config/problems.js';
import type { ProbesConfig, ProbesConfigInput } from '../../functions/config/schema.js';
import { planConfig, prepareDeployment, routingTable } from '../../plan/index.js';

function parsed(input: ProbesConfigInput): ProbesConfig {
  const result = parseConfig(input);
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.problems)}`);
  return result.config;
}

function problemsOf(input: ProbesConfigInput): { path: string; message: string }[] {
  try {
    prepareDeployment(parsed(input));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(({ path, message }) => ({ path, message }));
    throw error;
  }
  return [];
}

const probe = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  tokenUrl: 'https://auth.example.com/oauth/token',
  credentials: { secretId: `oauth-probe/${name}` },
  runbookUrl: 'https://wiki.example.com/rb',
  ...extra,
});

const EMAIL = { warning: { emails: ['ops@example.com'] } };

describe('the alarms of a probe', () => {
  it('gives each probe-region availability, expiry, stopped and three burn composites with their windows', () => {
    const { plan } = planConfig(parsed({ regions: ['eu-west-1'], notifications: EMAIL, probes: [probe('a')] }));

    expect(plan.alarms.filter((a) => a.probe === 'a').map((a) => a.name)).toEqual([
      'OAuthProbe-a-eu-west-1-Availability',
      'OAuthProbe-a-eu-west-1-Expiry',
      'OAuthProbe-a-eu-west-1-Stopped',
      'OAuthProbe-a-eu-west-1-BurnFast-Long',
      'OAuthProbe-a-eu-west-1-BurnFast-Short',
      'OAuthProbe-a-eu-west-1-BurnFast',
      'OAuthProbe-a-eu-west-1-BurnSlow-Long',
      'OAuthProbe-a-eu-west-1-BurnSlow-Short',
      'OAuthProbe-a-eu-west-1-BurnSlow',
      'OAuthProbe-a-eu-west-1-BurnTicket-Long',
      'OAuthProbe-a-eu-west-1-BurnTicket-Short',
      'OAuthProbe-a-eu-west-1-BurnTicket',
    ]);
  });

  it('adds latency with a degraded threshold, security with fail-open checks, global from enough regions', () => {
    const { plan } = planConfig(
      parsed({
        regions: ['eu-west-1', 'us-east-1'],
        notifications: EMAIL,
        probes: [
          probe('a', {
            degradedMs: 1500,
            steps: [{ name: 's', request: { url: 'https://api.example.com/x' }, rejects: ['missing_token'] }],
          }),
        ],
      }),
    );
    const kinds = (region: string) => plan.alarms.filter((a) => a.region === region && a.probe).map((a) => a.kind);

    expect(kinds('eu-west-1')).toEqual(expect.arrayContaining(['latency', 'security', 'global']));
    expect(kinds('us-east-1')).toEqual(expect.arrayContaining(['latency', 'security']));
    expect(kinds('us-east-1')).not.toContain('global');
    const latency = plan.alarms.find((a) => a.kind === 'latency')!;
    // Token request and one step, a p95 each (full profile).
    expect(latency.metrics).toBe(2);
    expect(plan.alarms.find((a) => a.kind === 'global')!.metrics).toBe(2);
  });

  it('plans no global alarm for a probe in fewer regions than globalFailureRegions', () => {
    const { plan } = planConfig(parsed({ regions: ['eu-west-1'], notifications: EMAIL, probes: [probe('a')] }));

    expect(plan.alarms.some((a) => a.kind === 'global')).toBe(false);
  });

  it('plans one single-metric burn alarm per policy and no windows under the lean profile', () => {
    const { plan } = planConfig(
      parsed({ regions: ['eu-west-1'], metrics: { profile: 'lean' }, notifications: EMAIL, probes: [probe('a')] }),
    );
    const burn = plan.alarms.filter((a) => a.name.includes('-Burn'));

    expect(burn.map((a) => [a.kind, a.composite, a.metrics])).toEqual([
      ['burnFast', false, 1],
      ['burnSlow', false, 1],
      ['burnTicket', false, 1],
    ]);
  });

  it("plans each region's own alarms: notifier errors and dead letters, secret drift and throttles where probes run", () => {
    const { plan } = planConfig(
      parsed({ homeRegion: 'us-west-2', regions: ['eu-west-1'], notifications: EMAIL, probes: [probe('a')] }),
    );

    expect(plan.alarms.filter((a) => !a.probe).map((a) => a.name)).toEqual([
      'OAuthProbe-Notifier-us-west-2-Errors',
      'OAuthProbe-Notifier-us-west-2-DeadLetters',
      'OAuthProbe-Notifier-eu-west-1-Errors',
      'OAuthProbe-Notifier-eu-west-1-DeadLetters',
      'OAuthProbe-SecretVersionDrift-eu-west-1',
      'OAuthProbe-ProbeThrottles-eu-west-1',
    ]);
    const throttles = plan.alarms.find((a) => a.kind === 'probeThrottles')!;
    expect(throttles).toMatchObject({
      region: 'eu-west-1',
      placement: 'region',
      delivery: 'topic',
      severity: 'warning',
      periodSeconds: 300,
      targets: ['warning.emails[0]'],
    });
  });

  it('leaves disabled probes out of every stack', () => {
    const { plan } = planConfig(
      parsed({ regions: ['eu-west-1'], notifications: EMAIL, probes: [probe('a'), probe('b', { enabled: false })] }),
    );

    expect(plan.alarms.some((a) => a.probe === 'b')).toBe(false);
    expect(plan.regions[0]!.shards.flatMap((s) => s.probes.map((p) => p.name))).toEqual(['a']);
  });
});

describe('who hears of what', () => {
  const config = parsed({
    regions: ['eu-west-1', 'us-east-1'],
    notifications: {
      targets: {
        pager: { pagerDuty: { routingKeySecretId: 'pd' } },
        mail: { email: 'team@example.com' },
      },
      warning: { targets: ['mail'] },
      critical: { targets: ['pager'] },
    },
    probes: [probe('a'), probe('quiet', { page: 'never' }), probe('own', { notify: { critical: ['mail'] } })],
  });
  const { plan } = planConfig(config);
  const row = (probe: string | undefined, label: string) =>
    routingTable(plan).find((r) => r.probe === probe && r.label === label);

  it('routes critical kinds to the critical targets (warning targets hear of them too)', () => {
    expect(row('a', 'BurnFast')).toMatchObject({ severity: 'critical', targets: ['pager', 'mail'] });
    expect(row('a', 'Global')).toMatchObject({ severity: 'critical', regions: ['eu-west-1'] });
    expect(row('a', 'Availability')).toMatchObject({
      severity: 'warning',
      targets: ['mail'],
      regions: ['eu-west-1', 'us-east-1'],
    });
  });

  it('makes every alarm of a probe with page "never" a warning, and honours a probe\'s own targets', () => {
    expect(row('quiet', 'BurnFast')).toMatchObject({ severity: 'warning', targets: ['mail'] });
    expect(row('own', 'BurnFast')).toMatchObject({ severity: 'critical', targets: ['mail'] });
  });

  it("sends the deployment's own alarms to the topic's email and https subscribers only", () => {
    expect(row(undefined, 'Notifier errors')).toMatchObject({ delivery: 'topic', targets: ['mail'] });
  });
});

describe('checks that validate and synth share', () => {
  it('refuses a probe that can page when no critical target exists, naming the opt-outs', () => {
    const problems = problemsOf({ regions: ['eu-west-1'], probes: [probe('a')] });

    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('notifications.critical');
    expect(problems[0]!.message).toMatch(/probe "a" can page \(burnFast, burnSlow\) but no critical target/);
    expect(problems[0]!.message).toContain('"page": "never"');
    expect(problems[0]!.message).toContain('notifications.dashboardsOnly');
  });

  it('accepts the same config with "page": "never" (warnings only) and with dashboardsOnly', () => {
    expect(problemsOf({ regions: ['eu-west-1'], probes: [probe('a', { page: 'never' })] })).toEqual([]);
    expect(
      problemsOf({ regions: ['eu-west-1'], notifications: { dashboardsOnly: true }, probes: [probe('a')] }),
    ).toEqual([]);
  });

  it('refuses dashboardsOnly next to targets: the two contradict each other', () => {
    const problems = problemsOf({
      regions: ['eu-west-1'],
      notifications: { dashboardsOnly: true, ...EMAIL },
      probes: [probe('a')],
    });

    expect(problems.map((p) => p.path)).toEqual(['notifications.dashboardsOnly']);
  });

  it('refuses a config whose probes are all disabled, as synth does', () => {
    expect(problemsOf({ notifications: EMAIL, probes: [probe('a', { enabled: false })] })).toEqual([
      { path: 'probes', message: 'every probe has "enabled": false: enable one, or remove the deployment' },
    ]);
  });

  it('warns of alarms that notify no one: warnings without warning targets, own alarms without email', () => {
    const { warnings } = prepareDeployment(
      parsed({
        regions: ['eu-west-1'],
        notifications: {
          targets: { pager: { pagerDuty: { routingKeySecretId: 'pd' } } },
          critical: { targets: ['pager'] },
        },
        probes: [probe('a')],
      }),
    );

    expect(warnings.map((w) => w.path)).toEqual(['notifications.warning', 'notifications.targets']);
    expect(warnings[0]!.message).toMatch(
      /^4 warning alarms of 1 probe notify no one: OAuthProbe-a-eu-west-1-Availability/,
    );
    expect(warnings[1]!.message).toMatch(/OAuthProbe-Notifier-eu-west-1-Errors.*add an email or https target/);
  });

  it('warns of a missing runbook only for enabled probes that can page', () => {
    const { warnings } = prepareDeployment(
      parsed({
        regions: ['eu-west-1'],
        notifications: EMAIL,
        probes: [
          probe('pages', { runbookUrl: undefined }),
          probe('never', { runbookUrl: undefined, page: 'never' }),
          probe('off', { runbookUrl: undefined, enabled: false }),
        ],
      }),
    );

    expect(warnings.filter((w) => w.path.endsWith('runbookUrl')).map((w) => w.path)).toEqual(['probes[0].runbookUrl']);
  });

  it('names a problem by the probe index as written, disabled probes counted', () => {
    const problems = problemsOf({
      regions: ['eu-west-1'],
      notifications: EMAIL,
      probes: [
        probe('off', { enabled: false }),
        probe('a', { schedule: 'rate(1 day)', alarms: { evaluationPeriods: 8 } }),
      ],
    });

    expect(problems.map((p) => p.path)).toEqual(['probes[1].alarms.evaluationPeriods']);
  });
});

describe('a fleet of 1,000 probes x 3 regions, each with its own page, owner, notify and runbookUrl', () => {
  const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
  const fleet = parsed({
    homeRegion: regions[0],
    regions,
    defaults: { degradedMs: 2000, timeoutMs: 5000, schedule: 'rate(5 minutes)' },
    notifications: {
      targets: {
        pager: { pagerDuty: { routingKeySecretId: 'pd' } },
        mail: { email: 'ops@example.com' },
        ...Object.fromEntries(
          Array.from({ length: 20 }, (_, t) => [`team-${t}`, { slack: { webhookSecretId: `slack/team-${t}` } }]),
        ),
      },
      warning: { targets: ['mail'] },
      critical: { targets: ['pager'] },
    },
    probes: Array.from({ length: 1000 }, (_, i) => {
      const name = `client-${String(i).padStart(4, '0')}`;
      return probe(name, {
        credentials: { secretId: `oauth-probe/${name}` },
        page: i % 2 === 0 ? 'any-region' : 'global',
        owner: `Team ${i % 20} (#team-${i % 20}-oncall), integration ${name}`,
        notify: { warning: [`team-${i % 20}`], critical: ['pager', `team-${i % 20}`] },
        runbookUrl: `https://wiki.example.com/runbooks/${name}`,
        steps: [{ name: 'list', request: { url: `https://api.example.com/v1/${name}` }, expect: { status: 200 } }],
      });
    }),
  });

  it('plans within every quota: the routing table is a file, not the 4 KB environment', () => {
    const { plan } = prepareDeployment(fleet);
    const routesBytes = Buffer.byteLength(JSON.stringify(plan.routing.routes));

    expect(Object.keys(plan.routing.routes.probes)).toHaveLength(1000);
    expect(routesBytes).toBeGreaterThan(4096);
    expect(routesBytes).toBeLessThan(1_000_000);
    expect(plan.regions.every((r) => r.shards.every((s) => s.resources <= 400))).toBe(true);
  });
});

describe('the watchdog (notifications.heartbeat)', () => {
  const heartbeat = { urlSecretId: 'oauth-probe/heartbeat' };

  it('is planned in the home region only with a heartbeat: every region watched, its notifier through alarms', () => {
    const without = planConfig(parsed({ regions: ['eu-west-1'], notifications: EMAIL, probes: [probe('a')] })).plan;
    const { plan } = planConfig(
      parsed({
        homeRegion: 'us-west-2',
        regions: ['eu-west-1', 'us-east-1'],
        notifications: { ...EMAIL, heartbeat },
        probes: [probe('a'), probe('b', { schedule: 'rate(10 minutes)', alarms: { missingRunsPeriods: 4 } })],
      }),
    );

    expect(without.watchdog).toBeUndefined();
    expect(plan.watchdog).toEqual({
      region: 'us-west-2',
      schedule: 'rate(5 minutes)',
      periodMinutes: 5,
      urlSecretId: 'oauth-probe/heartbeat',
      alarmRegions: ['us-west-2', 'eu-west-1', 'us-east-1'],
      // The slowest Stopped alarm (10 min x 4 periods) and the margin.
      neverRanGraceMinutes: 40 + 15,
      notifiers: [
        {
          region: 'us-west-2',
          home: true,
          alarmNames: ['OAuthProbe-Notifier-us-west-2-Errors', 'OAuthProbe-Notifier-us-west-2-DeadLetters'],
        },
        {
          region: 'eu-west-1',
          home: false,
          alarmNames: ['OAuthProbe-Notifier-eu-west-1-Errors', 'OAuthProbe-Notifier-eu-west-1-DeadLetters'],
        },
        {
          region: 'us-east-1',
          home: false,
          alarmNames: ['OAuthProbe-Notifier-us-east-1-Errors', 'OAuthProbe-Notifier-us-east-1-DeadLetters'],
        },
      ],
      runsPerMonth: 8640,
      coldStartsPerMonth: 360,
      metricsReadPerRun: 2,
      describeAlarmsPerRun: 3 * 3 + 3,
      secretReadsPerMonth: 8640,
    });
    const home = (p: typeof plan) => p.regions.find((r) => r.isHome)!.stackResources;
    expect(home(plan)).toBeGreaterThan(
      home(
        planConfig(
          parsed({
            homeRegion: 'us-west-2',
            regions: ['eu-west-1', 'us-east-1'],
            notifications: EMAIL,
            probes: [probe('a'), probe('b')],
          }),
        ).plan,
      ),
    );
  });

  it('follows the heartbeat schedule', () => {
    const { plan } = planConfig(
      parsed({
        regions: ['eu-west-1'],
        notifications: { ...EMAIL, heartbeat: { ...heartbeat, schedule: 'rate(15 minutes)' } },
        probes: [probe('a')],
      }),
    );

    expect(plan.watchdog).toMatchObject({ periodMinutes: 15, runsPerMonth: 2880, coldStartsPerMonth: 2880 });
    expect(plan.watchdog!.secretReadsPerMonth).toBe(2880);
  });
});

describe('reserved concurrency (config reservedConcurrency)', () => {
  const fleet = (count: number, reservedConcurrency?: number | 'auto') =>
    parsed({
      regions: ['eu-west-1', 'us-east-1'],
      ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
      notifications: EMAIL,
      probes: Array.from({ length: count }, (_, i) => probe(`p${i}`)),
    });
  const reserved = (config: ProbesConfig) => planConfig(config).plan.regions.map((r) => r.reservedConcurrency);
  const warningsOf = (config: ProbesConfig) =>
    prepareDeployment(config).warnings.filter((w) => w.path === 'reservedConcurrency');

  it('reserves nothing by default: opt-in, a reservation fails in accounts with a small quota', () => {
    expect(reserved(fleet(3))).toEqual([undefined, undefined]);
    expect(warningsOf(fleet(3))).toEqual([]);
  });

  it('"auto" reserves the busiest minute of each region, at least the floor; a number is taken as written', () => {
    expect(reserved(fleet(2, 'auto'))).toEqual([5, 5]);
    const busy = fleet(40, 'auto');
    expect(planConfig(busy).plan.regions.map((r) => r.capacity.peakConcurrency)).toEqual([40, 40]);
    expect(reserved(busy)).toEqual([40, 40]);
    expect(reserved(fleet(3, 12))).toEqual([12, 12]);
  });

  it('reserves nothing in a home region that runs no probe', () => {
    const { plan } = planConfig(
      parsed({
        homeRegion: 'us-west-2',
        regions: ['eu-west-1'],
        reservedConcurrency: 'auto',
        notifications: EMAIL,
        probes: [probe('a')],
      }),
    );
    expect(plan.regions.map((r) => [r.region, r.reservedConcurrency])).toEqual([
      ['us-west-2', undefined],
      ['eu-west-1', 5],
    ]);
  });

  it('warns of a reservation over what the default account quota can give one function, naming the fix', () => {
    const [warning, ...rest] = warningsOf(fleet(1, 950));

    expect(rest).toEqual([]);
    expect(warning!.message).toContain(
      'reserves 950 concurrent executions for the probe function in eu-west-1, us-east-1',
    );
    expect(warning!.message).toContain('at most 900');
    expect(warning!.message).toContain('Service Quotas');
    expect(warning!.message).toContain('oauth-probe preflight');
    expect(warningsOf(fleet(1, 900))).toEqual([]);
  });

  it('warns of a number below the busiest minute: those runs would be throttled', () => {
    const warnings = warningsOf(fleet(8, 3));

    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining("3 is below the 8 runs that can start together in eu-west-1's busiest minute"),
      expect.stringContaining("3 is below the 8 runs that can start together in us-east-1's busiest minute"),
    ]);
    expect(warningsOf(fleet(8, 'auto'))).toEqual([]);
  });

  it('refuses 0 and fractions at load, naming the field', () => {
    for (const value of [0, 2.5, 'all']) {
      const result = parseConfig({ ...fleet(1), reservedConcurrency: value } as ProbesConfigInput);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(['reservedConcurrency']);
    }
  });
});
