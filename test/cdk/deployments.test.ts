/**
 * Two deployments in one account (config `name`): disjoint stack, alarm, topic, dashboard and KMS alias
 * names; the default name keeps the names deployments had before; tags, termination protection and
 * VPC placement from the config.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { parseAlarmName } from '../../functions/contract/index.js';
import { stoppedAlarm } from '../../plan/index.js';
import { expectMathAlarm, resourcesOf, type SynthesizedApp, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';

const base: ProbesConfigInput = {
  regions: [EU, US],
  defaults: { degradedMs: 1000 },
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [
    {
      name: 'billing-api',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/billing' },
    },
    {
      name: 'orders',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/orders' },
      regions: [US],
      tags: { team: 'orders', 'cost-centre': 'cc-42' },
    },
  ],
};

/** Every physical name the issue lists, from the synthesized templates. */
function physicalNames(synth: SynthesizedApp) {
  const all = (type: string, field: string) =>
    [...synth.templates.values()].flatMap((t) => resourcesOf(t, type).map(([, p]) => p[field] as string));
  return {
    stacks: [...synth.stacks.values()].map((s) => s.stackName),
    alarms: all('AWS::CloudWatch::Alarm', 'AlarmName'),
    topics: all('AWS::SNS::Topic', 'TopicName'),
    dashboards: all('AWS::CloudWatch::Dashboard', 'DashboardName'),
    aliases: all('AWS::KMS::Alias', 'AliasName'),
  };
}

let standard: SynthesizedApp;
let staging: SynthesizedApp;
beforeAll(() => {
  standard = synthesize(base);
  staging = synthesize({
    ...base,
    name: 'staging',
    tags: { env: 'staging', owner: 'platform' },
    vpc: { [US]: { subnetIds: ['subnet-0abc1234', 'subnet-0def5678'], securityGroupIds: ['sg-0123abcd'] } },
  });
  // Two synths of two regions each; the shared CI machine can be slow.
}, 300_000);

describe('deployment name', () => {
  it('keeps the default deployment’s names', () => {
    const names = physicalNames(standard);
    expect(names.stacks).toEqual([`OAuthProbe-${EU}`, `OAuthProbe-${US}`]);
    expect(names.topics.sort()).toEqual(['oauth-probe-alarms', 'oauth-probe-alarms', 'oauth-probe-notifications']);
    expect(names.dashboards.sort()).toEqual(['OAuthProbe', 'OAuthProbe-Debug', 'OAuthProbe-Executive']);
    expect(names.aliases).toEqual(['alias/oauth-probe-notifications']);
    expect(names.alarms).toContain(`OAuthProbe-billing-api-${EU}-Availability`);
    expect(names.alarms).toContain('OAuthProbe-billing-api-Global');
  });

  it('prefixes every name of a named deployment, so that the two share nothing', () => {
    const a = physicalNames(standard);
    const b = physicalNames(staging);
    expect(b.stacks).toEqual([`staging-${EU}`, `staging-${US}`]);
    expect(b.dashboards.sort()).toEqual(['staging', 'staging-Debug', 'staging-Executive']);
    expect(b.aliases).toEqual(['alias/staging-notifications']);
    for (const kind of ['stacks', 'alarms', 'topics', 'dashboards', 'aliases'] as const) {
      expect(a[kind].length, kind).toBeGreaterThan(0);
      expect(b[kind].length, kind).toBe(a[kind].length);
      expect(
        b[kind].filter((name) => a[kind].includes(name)),
        kind,
      ).toEqual([]);
    }
  });

  it('names alarms the notifier parses back, deployment included', () => {
    const alarms = physicalNames(staging).alarms;
    expect(alarms).toContain(`staging.orders-${US}-Availability`);
    for (const name of alarms) {
      // The notifier's own alarms are not probe alarms (parseAlarmName ignores them) but carry the prefix;
      // SLO window alarms (-Long, -Short) carry no actions and need not parse back.
      if (name.startsWith('staging.Notifier-') || /-(Long|Short)$/.test(name)) continue;
      // The per-region secret drift and throttles warnings are not probe alarms either (they bypass the notifier).
      if (name.startsWith('staging.SecretVersionDrift-') || name.startsWith('staging.ProbeThrottles-')) continue;
      expect(parseAlarmName(name)?.deployment, name).toBe('staging');
    }
  });

  it('gives a named deployment its own metric namespace, and its alarm topic only its own alarms', () => {
    staging.template(US).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `staging.orders-${US}-Availability`,
      Namespace: 'OAuthProbe/staging',
    });
    expectMathAlarm(
      staging.template(US),
      `staging.orders-${US}-Stopped`,
      stoppedAlarm({ namespace: 'OAuthProbe/staging', probe: 'orders', periodMinutes: 1, missingRunsPeriods: 3 }),
    );
    const policy = JSON.stringify(resourcesOf(staging.template(US), 'AWS::KMS::Key').map(([, p]) => p.KeyPolicy));
    expect(policy).toContain(':alarm:staging.*');
  });
});

describe('tags, protection and private networks', () => {
  it('tags every taggable resource of the deployment, and a probe’s alarms with its own tags', () => {
    const template = staging.template(US);
    for (const type of ['AWS::Lambda::Function', 'AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm']) {
      for (const [id, props] of resourcesOf(template, type)) {
        expect(props.Tags, `${type} ${id}`).toEqual(expect.arrayContaining([{ Key: 'env', Value: 'staging' }]));
      }
    }
    const orders = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(([, p]) =>
      String(p.AlarmName).startsWith('staging.orders-'),
    );
    // availability, stopped, expiry, global and the 6 SLO window alarms (the composites are CompositeAlarm).
    expect(orders).toHaveLength(10);
    for (const [, props] of orders) {
      expect(props.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'orders' }]));
    }
    const billing = resourcesOf(template, 'AWS::CloudWatch::Alarm').find(([, p]) =>
      String(p.AlarmName).startsWith('staging.billing-api-'),
    )!;
    expect(billing[1].Tags).not.toEqual(expect.arrayContaining([{ Key: 'team', Value: 'orders' }]));
  });

  it('protects the stack holding the notification topic, and only that one by default', () => {
    expect(staging.stacks.get(EU)!.terminationProtection).toBe(true);
    expect(staging.stacks.get(US)!.terminationProtection).toBe(false);
  });

  it('places the probe function in the configured subnets of its region, with the network interface grant', () => {
    staging.template(US).hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-0abc1234', 'subnet-0def5678'], SecurityGroupIds: ['sg-0123abcd'] },
    });
    const euFunctions = resourcesOf(staging.template(EU), 'AWS::Lambda::Function');
    expect(euFunctions.every(([, p]) => p.VpcConfig === undefined)).toBe(true);
  });
});
