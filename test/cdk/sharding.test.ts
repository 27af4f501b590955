/**
 * Sharding at test size: six probes in three regions, `shards: 3`. Each probe lands in the shard its
 * name hashes to (`shardOf`, FNV-1a: stable across releases, so the expected shards are written out
 * here), in every region it runs from; each non-empty shard is a nested stack of its region's stack
 * holding exactly its probes' schedules and alarms; and the plan's estimates bound the synthesized shard
 * templates. The fleet sizes (100 to 1,000 probes, all 64 default shards) are measured by `npm run
 * bench` (bench/synth.ts: synth time, memory, largest template, plan bounds), not synthesized here.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import type { ProbeShard } from '../../lib/constructs/probe-shard.js';
import { resourcesOf, type SynthesizedApp, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';
const AP = 'ap-southeast-2';

const probe = (name: string, regions?: string[]) => ({
  name,
  tokenUrl: 'https://auth.example.com/oauth/token',
  credentials: { secretId: `oauth-probe/${name}` },
  degradedMs: 1000,
  ...(regions ? { regions } : {}),
});

const config: ProbesConfigInput = {
  homeRegion: EU,
  regions: [EU, US],
  shards: 3,
  notifications: { critical: { emails: ['oncall@example.com'] } },
  probes: [
    probe('billing-api'),
    probe('search', [EU, US, AP]),
    probe('orders-api'),
    probe('partner-sync'),
    probe('ledger'),
    // One region only: no global alarm, so nothing of it in the home region.
    probe('audit', [US]),
  ],
};

/** shardOf(name, 3) of each probe: a probe never moves unless `shards` changes. */
const EXPECTED_SHARDS: Record<string, Record<string, string[]>> = {
  [EU]: { Shard00: ['billing-api', 'partner-sync'], Shard01: ['search'], Shard02: ['ledger', 'orders-api'] },
  [US]: { Shard00: ['audit', 'billing-api', 'partner-sync'], Shard01: ['search'], Shard02: ['ledger', 'orders-api'] },
  // Only search runs from here: the empty shards are not created.
  [AP]: { Shard01: ['search'] },
};

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize(config);
});

const shardsOf = (region: string): ProbeShard[] => synth.stacks.get(region)!.probes.shards;

/** The probes whose schedules a template holds (a schedule's description is `oauth-probe <name>`). */
const scheduledProbes = (template: Template) =>
  resourcesOf(template, 'AWS::Scheduler::Schedule')
    .map(([, p]) => String(p.Description).replace(/^oauth-probe /, ''))
    .sort();

/** The probes a template's alarms belong to (`OAuthProbe-<probe>-<region>-<kind>`, `OAuthProbe-<probe>-Global`). */
const alarmedProbes = (template: Template, names: string[]) =>
  [
    ...new Set(
      resourcesOf(template, 'AWS::CloudWatch::Alarm')
        .map(([, p]) => String(p.AlarmName))
        .map((alarm) => names.find((name) => alarm.startsWith(`OAuthProbe-${name}-`)) ?? alarm),
    ),
  ].sort();

describe('shards: 3, six probes in three regions', () => {
  it.each([EU, US, AP])('places each probe in the shard its name hashes to, only non-empty shards (%s)', (region) => {
    const placed = Object.fromEntries(
      shardsOf(region).map((shard) => [shard.node.id, scheduledProbes(Template.fromStack(shard))]),
    );

    expect(placed).toEqual(EXPECTED_SHARDS[region]);
  });

  it.each([EU, US, AP])(
    'splits the region: each shard holds its probes’ alarms, the region’s own stack none (%s)',
    (region) => {
      const stack = synth.stacks.get(region)!;
      const names = config.probes.map((p) => p.name);
      const own = Template.fromStack(stack);

      expect(resourcesOf(own, 'AWS::CloudFormation::Stack')).toHaveLength(shardsOf(region).length);
      expect(scheduledProbes(own)).toEqual([]);
      // The region's own alarms watch the notifier and secret drift, never a probe.
      expect(alarmedProbes(own, names).filter((name) => names.includes(name))).toEqual([]);
      for (const shard of shardsOf(region)) {
        const template = Template.fromStack(shard);
        expect(alarmedProbes(template, names), shard.node.id).toEqual(scheduledProbes(template));
        expect([...shard.alarmNames.keys()].sort(), shard.node.id).toEqual(scheduledProbes(template));
      }
    },
  );

  it('raises the multi-region probes’ global alarms in the home region’s shard of each probe', () => {
    const globals = Object.fromEntries(
      shardsOf(EU).map((shard) => [
        shard.node.id,
        resourcesOf(Template.fromStack(shard), 'AWS::CloudWatch::Alarm')
          .map(([, p]) => String(p.AlarmName))
          .filter((name) => name.endsWith('-Global'))
          .sort(),
      ]),
    );

    expect(globals).toEqual({
      Shard00: ['OAuthProbe-billing-api-Global', 'OAuthProbe-partner-sync-Global'],
      Shard01: ['OAuthProbe-search-Global'],
      Shard02: ['OAuthProbe-ledger-Global', 'OAuthProbe-orders-api-Global'],
    });
  });

  it.each([EU, US, AP])(
    'plans upper bounds of each shard template it synthesizes, resources and bytes (%s)',
    (region) => {
      const plan = synth.stacks.get(region)!.probes.prepared.plan.regions.find((r) => r.region === region)!;
      expect(plan.shards.map((s) => `Shard${String(s.index).padStart(2, '0')}`)).toEqual(
        shardsOf(region).map((shard) => shard.node.id),
      );
      for (const [i, shard] of shardsOf(region).entries()) {
        const file = join(synth.outdir, shard.templateFile);
        const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, unknown> };
        expect(Object.keys(template.Resources).length, shard.node.id).toBeLessThanOrEqual(plan.shards[i]!.resources);
        expect(statSync(file).size, shard.node.id).toBeLessThanOrEqual(plan.shards[i]!.templateBytes);
      }
    },
  );
});
