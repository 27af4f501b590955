/**
 * One shard of a region's probes: a nested stack with each probe's schedule and alarms (and, in the
 * home region, its global alarm). The shared resources (probe function, scheduler role, alarm topic)
 * stay in the region's stack and come in as nested-stack parameters.
 *
 * Nested rather than sibling stacks: a region stays one stack to deploy, protect, roll back and delete
 * (`cdk deploy OAuthProbe-eu-west-1`, a removed region is one stack to destroy); its shards update in
 * the same operation as the function they invoke, without CloudFormation exports (an exported value
 * cannot change while another stack imports it, which would pin the function and topic ARNs).
 */
import { NestedStack, Tags } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import { BURN_KINDS, type MetricsProfile } from '../../functions/contract/index.js';
import type { PlannedAlarm, ShardPlan } from '../../plan/index.js';
import { GlobalProbeAlarm, RegionalProbeAlarms } from './probe-alarms.js';
import { ProbeSchedule } from './probe-schedule.js';
import { ProbeSloAlarms } from './slo-alarms.js';

/** Tags given to a probe's own resources win over the deployment's tags on them. */
const PROBE_TAG_PRIORITY = 200;

export interface ProbeShardProps {
  readonly shard: ShardPlan;
  readonly region: string;
  readonly isHome: boolean;
  readonly deployment: string;
  readonly namespace: string;
  readonly globalFailureRegions: number;
  /** `metrics.profile`: the alarms read only the series it publishes. @default full */
  readonly profile?: MetricsProfile;
  /** Absent in a home region that runs no probe (the shard then holds global alarms only). */
  readonly fn?: lambda.IFunction;
  readonly schedulerRole?: iam.IRole;
  readonly topic: sns.ITopic;
}

export class ProbeShard extends NestedStack {
  /** Names of this shard's alarms by probe (targets of the maintenance mute rules). */
  readonly alarmNames = new Map<string, string[]>();

  constructor(scope: Construct, id: string, props: ProbeShardProps) {
    super(scope, id, {
      description: `oauth-probe: schedules and alarms of shard ${props.shard.index} (${props.shard.probes.length} probes)`,
    });
    for (const probe of props.shard.probes) this.addProbe(probe, props);
  }

  private addProbe(probe: ResolvedProbe, props: ProbeShardProps): void {
    const { deployment, namespace, topic } = props;
    const owned = [];
    const region = props.region;
    // Exactly the alarms the plan gives this probe here (plan/alarms.ts): nothing decided in lib/.
    const planned = props.shard.alarms.filter((a) => a.probe === probe.name);
    const regional = planned.filter((a) => a.kind !== 'global');
    if (probe.regions.includes(region) && props.fn && props.schedulerRole) {
      owned.push(new ProbeSchedule(this, `Schedule-${probe.name}`, { probe, fn: props.fn, role: props.schedulerRole }));
    }
    if (regional.length > 0) {
      owned.push(
        new RegionalProbeAlarms(this, `Alarms-${probe.name}`, {
          probe,
          alarms: regional.filter((a) => !isBurnAlarm(a)),
          deployment,
          namespace,
          topic,
          ...(props.profile ? { profile: props.profile } : {}),
        }),
      );
      // SLO burn rate reads Success, which every metrics profile publishes every run.
      owned.push(
        new ProbeSloAlarms(this, `Slo-${probe.name}`, {
          probe,
          alarms: regional.filter(isBurnAlarm),
          deployment,
          namespace,
          topic,
          ...(props.profile ? { profile: props.profile } : {}),
        }),
      );
    }
    const global = planned.find((a) => a.kind === 'global');
    if (global) {
      owned.push(
        new GlobalProbeAlarm(this, `Global-${probe.name}`, {
          probe,
          alarm: global,
          deployment,
          namespace,
          globalFailureRegions: props.globalFailureRegions,
          topic,
        }),
      );
    }
    // Targets of the maintenance mute rules: every alarm of the probe that notifies.
    const names = planned.filter((a) => a.delivery !== 'none').map((a) => a.name);
    if (names.length > 0) this.alarmNames.set(probe.name, names);
    for (const [key, value] of Object.entries(probe.tags ?? {})) {
      for (const construct of owned) Tags.of(construct).add(key, value, { priority: PROBE_TAG_PRIORITY });
    }
  }
}

function isBurnAlarm(alarm: PlannedAlarm): boolean {
  return alarm.kind === 'burnWindow' || (BURN_KINDS as readonly string[]).includes(alarm.kind);
}
