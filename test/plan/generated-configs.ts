/**
 * Configs generated from the schema's own shapes, for the agreement tests: every feature of probes.json
 * switched on and off by a seeded generator (the same configs on every run), some valid, some with the
 * mistakes a platform team makes (a placeholder typo, a degraded threshold above the timeout, no critical
 * target, every probe disabled, an evaluation range over CloudWatch's, a concurrency reservation of 0, a
 * heartbeat too rare), and fleets with per-probe routing.
 */
import type { ProbeConfigInput, ProbesConfigInput } from '../../functions/config/schema.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

/**
 * Chosen by the seed (every kind over 10 consecutive seeds): none in three of ten configs. Each is
 * written into the config by `withMistake` (and 'no critical target' by the notifications it picks).
 */
const MISTAKES = [
  'none',
  'placeholder typo',
  'degraded over timeout',
  'none',
  'long evaluation',
  'no critical target',
  'none',
  'every probe disabled',
  'no concurrency reserved',
  'heartbeat too rare',
] as const;
type Mistake = (typeof MISTAKES)[number];

/** mulberry32: a small seeded generator, so a failing config can be reproduced from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedConfig {
  seed: number;
  /** What the generator switched on, for the failure message. */
  features: string[];
  config: ProbesConfigInput;
}

export function generatedConfig(seed: number, fleetSize?: number): GeneratedConfig {
  const rnd = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)]!;
  const chance = (p: number) => rnd() < p;
  const features: string[] = [];
  const feature = <T>(name: string, value: T): T => {
    features.push(name);
    return value;
  };

  // One mistake (or none) per config, so that about half the configs are valid: each kind of mistake is
  // one a platform team makes, and each must get the same verdict from validate and synth.
  const mistake = fleetSize ? 'none' : MISTAKES[seed % MISTAKES.length]!;
  if (mistake !== 'none') features.push(`mistake: ${mistake}`);
  const regions = REGIONS.slice(0, 1 + Math.floor(rnd() * REGIONS.length));
  const config: ProbesConfigInput = { regions, probes: [] };
  if (chance(0.3)) config.homeRegion = feature('homeRegion elsewhere', pick(['us-west-2', ...regions]));
  if (chance(0.3)) config.name = feature('named deployment', `team-${seed}`);
  const metrics = rnd();
  if (metrics < 0.3) config.metrics = feature('lean profile', { profile: 'lean' });
  else if (metrics < 0.5) config.metrics = feature('emf transport', { transport: 'emf' });
  if (chance(0.3)) config.tags = feature('tags', { team: 'platform', costCenter: '42' });
  if (chance(0.2)) config.shards = feature('shards', pick([1, 2, 8]));
  if (chance(0.3))
    config.defaults = feature('defaults', { timeoutMs: 4000, degradedMs: 1500, schedule: 'rate(5 minutes)' });
  if (chance(0.2)) config.slo = feature('slo', { objective: 99.5, window: '7d' });
  if (chance(0.15)) config.alarms = feature('alarm settings', { evaluationPeriods: 4, datapointsToAlarm: 2 });

  const targets: Record<
    string,
    NonNullable<ProbesConfigInput['notifications']>['targets'] extends infer T ? T : never
  > = {};
  const notifications =
    mistake === 'no critical target' ? 'none' : pick(['email', 'critical-only', 'mixed', 'dashboardsOnly'] as const);
  features.push(`notifications: ${notifications}`);
  if (notifications === 'email') config.notifications = { warning: { emails: ['ops@example.com'] } };
  if (notifications === 'critical-only') {
    config.notifications = {
      targets: { pager: { pagerDuty: { routingKeySecretId: 'oauth-probe/pd' } } },
      critical: { targets: ['pager'] },
    };
  }
  if (notifications === 'mixed') {
    Object.assign(targets, {
      pager: { pagerDuty: { routingKeySecretId: 'oauth-probe/pd' } },
      chat: { chatbot: {} },
      slack: { slack: { webhookSecretId: 'oauth-probe/slack' } },
      mail: { email: 'team@example.com' },
      hook: { https: 'https://hooks.example.com/oauth-probe' },
    });
    config.notifications = {
      targets: targets as never,
      warning: { targets: ['mail', 'slack'] },
      critical: { targets: ['pager', 'chat'] },
    };
  }
  if (notifications === 'dashboardsOnly') config.notifications = { dashboardsOnly: true };

  const count = fleetSize ?? 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++)
    config.probes.push(generatedProbe(i, rnd, pick, chance, feature, notifications, fleetSize));
  if (chance(0.2)) {
    config.maintenance = feature('maintenance', [
      { name: 'weekly', cron: '0 2 * * SUN', duration: 'PT2H', probes: [config.probes[0]!.name] },
    ]);
  }
  if (chance(0.25)) config.reservedConcurrency = feature('reservedConcurrency', pick(['auto', 50] as const));
  if (chance(0.25) && notifications !== 'dashboardsOnly') {
    config.notifications = {
      ...config.notifications,
      heartbeat: feature('heartbeat', { urlSecretId: 'oauth-probe/heartbeat', schedule: 'rate(10 minutes)' }),
    };
  }
  if (chance(0.2)) {
    config.vpc = feature('vpc', {
      [regions[0]!]: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
    });
  }
  withMistake(config, mistake);
  // Random choices above are valid on their own; what makes a config wrong is its mistake alone.
  return { seed, features, config };
}

/** Writes the seed's mistake into the config, whatever the generator chose around it. */
function withMistake(config: ProbesConfigInput, mistake: Mistake): void {
  const first = config.probes[0]!;
  switch (mistake) {
    case 'placeholder typo':
      first.enabled = true;
      first.steps = [
        { name: 'list', request: { url: 'https://api.example.com/v1/items' }, extract: { itemId: 'data[0].id' } },
        // `itemID` for `itemId`: the API's owners would be paged for a config bug.
        { name: 'get', request: { url: 'https://api.example.com/v1/items/{{itemID}}' } },
      ];
      return;
    case 'degraded over timeout':
      // Over the default timeoutMs (10,000 ms) or the defaults' 4,000: the latency alarm could never fire.
      first.enabled = true;
      first.timeoutMs = undefined;
      first.degradedMs = 20_000;
      return;
    case 'long evaluation':
      first.enabled = true;
      first.alarms = { evaluationPeriods: 200 };
      return;
    case 'every probe disabled':
      for (const probe of config.probes) probe.enabled = false;
      return;
    case 'no concurrency reserved':
      // 0 would stop every run (Lambda throttles a function reserved at 0): a mistake, not a setting.
      config.reservedConcurrency = 0;
      return;
    case 'heartbeat too rare':
      config.notifications = {
        ...(config.notifications?.dashboardsOnly ? {} : config.notifications),
        heartbeat: { urlSecretId: 'oauth-probe/heartbeat', schedule: 'rate(2 hours)' },
      };
      return;
    case 'none':
    case 'no critical target':
      return;
  }
}

function generatedProbe(
  i: number,
  rnd: () => number,
  pick: <T>(values: readonly T[]) => T,
  chance: (p: number) => boolean,
  feature: <T>(name: string, value: T) => T,
  notifications: string,
  fleetSize: number | undefined,
): ProbeConfigInput {
  const name = `probe-${i}`;
  const probe: ProbeConfigInput = {
    name,
    description: `generated probe ${i}`,
    credentials: { secretId: `oauth-probe/${name}` },
    ...(chance(0.3) ? { issuer: 'https://login.example.net/' } : { tokenUrl: 'https://auth.example.com/oauth/token' }),
    runbookUrl: chance(0.7) ? `https://wiki.example.com/rb/${name}` : undefined,
  };
  probe.clientAuth = pick(['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const);
  if (chance(0.4))
    probe.token = { jwt: { audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' } };
  if (chance(0.2)) probe.token = { ...probe.token, degradedMs: feature('token.degradedMs', pick([800, 3_000])) };
  if (chance(0.3)) probe.degradedMs = feature('degradedMs', pick([1500, 3_000]));
  if (chance(0.3))
    probe.schedule = feature('schedule', pick(['rate(1 minute)', 'rate(15 minutes)', 'cron(0/10 * * * ? *)']));
  if (chance(0.1)) probe.alarms = feature('probe alarm settings', { evaluationPeriods: 5, datapointsToAlarm: 3 });
  if (chance(0.3)) probe.regions = feature('own regions', ['eu-west-1']);
  if (chance(0.2)) probe.page = feature('page', pick(['never', 'any-region'] as const));
  if (fleetSize || chance(0.2)) probe.owner = feature('owner', `Team ${i % 7} (#team-${i % 7})`);
  if ((fleetSize || chance(0.2)) && notifications === 'mixed') {
    probe.notify = feature('notify', { warning: ['slack'], critical: ['pager', 'slack'] });
  }
  if (chance(0.15)) probe.enabled = feature('enabled false', false);
  if (chance(0.15)) probe.tags = feature('probe tags', { client: name });
  const steps = Math.floor(rnd() * 3);
  probe.steps = [];
  for (let s = 0; s < steps; s++) {
    probe.steps.push({
      name: `step-${s}`,
      request: {
        url: s === 0 ? 'https://api.example.com/v1/items' : 'https://api.example.com/v1/items/{{itemId}}',
      },
      ...(s === 0 ? { extract: { itemId: 'data[0].id' } } : {}),
      ...(chance(0.15) ? { rejects: feature('rejects', ['missing_token'] as ['missing_token']) } : {}),
      ...(chance(0.1) ? { degradedMs: 900, timeoutMs: 3000 } : {}),
    });
  }
  return probe;
}
