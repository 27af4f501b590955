/**
 * The deployment plan: a pure, synchronous model of what one config deploys, computed once from the
 * resolved config. Stacks and shards, every alarm of every probe and region (./alarms.ts) with its
 * severity and targets, the notifier's routing data (./routing.ts), each stack's resources and sizes
 * (checked against the quotas by ./quotas.ts), and the runs and requests per month that the cost
 * estimate prices.
 *
 * lib/ renders it and decides nothing of its own; `validate` checks it, `cost` prices it,
 * `notify-preview` walks it, the docs samples print it. So `validate` and `cdk synth` cannot disagree,
 * and there is one place to add an alarm.
 */
import type { DeploymentSettings, ResolvedProbe } from '../functions/config/resolve.js';
import { runsPerMonth } from '../functions/config/schedule.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import { deploymentDashboardName, deploymentStackName, probeEvent } from '../functions/contract/index.js';
import { type AlarmContext, globalAlarm, type PlannedAlarm, probeRegionAlarms, regionAlarms } from './alarms.js';
import { type RegionCapacity, regionCapacity, reservedConcurrencyFor } from './capacity.js';
import { type DashboardGroupPlan, dashboardGroups, shardOf } from './layout.js';
import { type RoutingPlan, routingPlan } from './routing.js';
import { type IdentityProviderBudget, tokenBudget, tokenRequestsPerRegion } from './token-budget.js';
import { coldStartsPerMonth } from './usage.js';
import { type WatchdogPlan, watchdogPlan } from './watchdog.js';

export interface ShardPlan {
  index: number;
  /** Probes with a schedule or an alarm in this shard of the region. */
  probes: ResolvedProbe[];
  /** The shard's alarms (regional probe alarms, and the global alarms at home). */
  alarms: PlannedAlarm[];
  /** Probes scheduled from this shard (a home region that runs no probe has global alarms only). */
  schedules: number;
  /** CloudFormation resources of the nested stack. */
  resources: number;
  /** Upper bound of the nested stack's template size. */
  templateBytes: number;
}

export interface RegionPlan {
  region: string;
  isHome: boolean;
  /** The region's stack: `OAuthProbe-eu-west-1` (default deployment), `<name>-eu-west-1`. */
  stackName: string;
  /** Probes that run from this region. */
  probes: ResolvedProbe[];
  /** Non-empty shards, by index. */
  shards: ShardPlan[];
  /** The alarms of the region's own stack (notifier, secret drift). */
  alarms: PlannedAlarm[];
  /** Resources of the region's own stack: shared resources, one per shard and per extra dashboard. */
  stackResources: number;
  /** The region's busiest minute, against the default quotas (all of its schedules firing together). */
  capacity: RegionCapacity;
  /**
   * Reserved concurrency of the region's probe function (config `reservedConcurrency`); absent when
   * nothing is reserved (the default) or the region runs no probe.
   */
  reservedConcurrency?: number;
}

/** One probe in one region it runs from: what a month of it does. */
export interface ProbeRegionUsage {
  probe: string;
  region: string;
  home: boolean;
  schedule: string;
  runsPerMonth: number;
  /** HTTP requests of one run: discovery (issuer), token, JWKS (JWT validation), introspection, each step. */
  requestsPerRun: number;
  /** Client-credentials token requests a month (fewer than runs with `token.reuse`). */
  tokenRequestsPerMonth: number;
}

export interface DeploymentPlan {
  deployment: DeploymentSettings;
  /** The probes deployed (enabled), resolved. */
  probes: ResolvedProbe[];
  /** Every region with a stack, the home region first. */
  regions: RegionPlan[];
  /** Dashboard groups (home region): On-call, Executive and Debug each. */
  dashboards: DashboardGroupPlan[];
  /** Dashboard names, in page order (On-call, Executive, Debug per group). */
  dashboardNames: string[];
  /** Every alarm the deployment creates. */
  alarms: PlannedAlarm[];
  /** Who hears of what: the notifier's routing table, the topic subscriptions. */
  routing: RoutingPlan;
  /** Runs and requests per probe and region. */
  usage: ProbeRegionUsage[];
  /** Per authorization server: token and other requests a month, summed over probes and regions. */
  identityProviders: IdentityProviderBudget[];
  /** The watchdog (home region), with `notifications.heartbeat`. */
  watchdog?: WatchdogPlan;
}

/**
 * Resources of a region's own stack besides shards and dashboards: alarm topic, key and policy,
 * both functions with roles, policies, log groups, invoke configs, permission and subscription,
 * scheduler role, metric filter, routing layer, CDK metadata, the notifier's dead-letter queue and alarms,
 * the drift alarm; at home the notification topic, key, alias, event rules and one subscription per
 * email or HTTPS endpoint. Generous on purpose.
 */
const SHARED_RESOURCES = 40;
const HOME_RESOURCES = 10;
/** The watchdog: function, role, policy, log group, schedule rule and its invoke permission. */
const WATCHDOG_RESOURCES = 6;
/** A shard template's fixed part (parameters, metadata). */
const SHARD_BASE_BYTES = 2_000;

/** HTTP requests one run makes: discovery (issuer), token, JWKS (JWT validation), introspection, each step. */
export function requestsPerRun(probe: ResolvedProbe): number {
  return (
    1 + probe.steps.length + (probe.issuer ? 1 : 0) + (probe.token?.jwt ? 1 : 0) + (probe.token?.introspection ? 1 : 0)
  );
}

/** Plans the deployment of `probes` (resolved, enabled) under `deployment`. Pure. */
export function planDeployment(
  config: Pick<ProbesConfig, 'notifications' | 'probes'>,
  probes: ResolvedProbe[],
  deployment: DeploymentSettings,
): DeploymentPlan {
  const { homeRegion, shards } = deployment;
  const routing = routingPlan({
    ...config,
    probes: config.probes.filter((p) => probes.some((r) => r.name === p.name)),
  });
  const ctx: AlarmContext = {
    deployment: deployment.name,
    profile: deployment.metricsProfile,
    globalFailureRegions: deployment.globalFailureRegions,
    homeRegion,
    routes: routing.routes,
    topicTargets: [...new Set(routing.subscriptions.flatMap((s) => s.targets))],
  };
  const regionNames = [homeRegion, ...deployment.regions.filter((r) => r !== homeRegion)];

  const alarmsByProbe = new Map<string, PlannedAlarm[]>();
  const regions: RegionPlan[] = regionNames.map((region) => {
    const isHome = region === homeRegion;
    const byShard = new Map<number, ShardPlan>();
    for (const probe of probes) {
      const runsHere = probe.regions.includes(region);
      const alarms = runsHere ? probeRegionAlarms(probe, region, ctx) : [];
      const global = isHome ? globalAlarm(probe, ctx) : undefined;
      if (global) alarms.push(global);
      if (!runsHere && alarms.length === 0) continue;
      const index = shardOf(probe.name, shards);
      const shard = byShard.get(index) ?? {
        index,
        probes: [],
        alarms: [],
        schedules: 0,
        resources: 0,
        templateBytes: SHARD_BASE_BYTES,
      };
      shard.probes.push(probe);
      shard.alarms.push(...alarms);
      if (runsHere) shard.schedules += 1;
      shard.resources += (runsHere ? 1 : 0) + alarms.length;
      shard.templateBytes += probeTemplateBytes(probe, runsHere, alarms);
      byShard.set(index, shard);
      alarmsByProbe.set(probe.name, [...(alarmsByProbe.get(probe.name) ?? []), ...alarms]);
    }
    const runsProbes = probes.some((p) => p.regions.includes(region));
    const capacity = regionCapacity(region, probes, deployment);
    const reserved = runsProbes
      ? reservedConcurrencyFor(deployment.reservedConcurrency, capacity.peakConcurrency)
      : undefined;
    return {
      region,
      isHome,
      stackName: deploymentStackName(deployment.name, region),
      probes: probes.filter((p) => p.regions.includes(region)),
      shards: [...byShard.values()].sort((a, b) => a.index - b.index),
      alarms: regionAlarms(region, runsProbes, ctx),
      stackResources: 0,
      capacity,
      ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
    };
  });
  const watchdog = watchdogPlan(config, probes, deployment, regionNames);
  const dashboards = dashboardGroups(probes, alarmsByProbe);
  for (const region of regions) {
    region.stackResources =
      SHARED_RESOURCES +
      region.shards.length +
      (region.isHome
        ? HOME_RESOURCES +
          routing.subscriptions.length +
          Math.max(0, dashboards.length - 1) +
          (watchdog ? WATCHDOG_RESOURCES : 0)
        : 0);
  }
  const alarms = regions.flatMap((r) => [...r.alarms, ...r.shards.flatMap((s) => s.alarms)]);
  const usage = probes.flatMap((probe) =>
    probe.regions.map((region) => ({
      probe: probe.name,
      region,
      home: region === homeRegion,
      schedule: probe.schedule,
      runsPerMonth: runsPerMonth(probe.schedule),
      requestsPerRun: requestsPerRun(probe),
      tokenRequestsPerMonth: tokenRequestsPerRegion(probe, coldStartsPerMonth(probe.schedule)),
    })),
  );
  return {
    deployment,
    probes,
    regions,
    dashboards,
    dashboardNames: dashboards.flatMap((group) => {
      const base = deploymentDashboardName(deployment.name);
      const page = group.index === 0 ? '' : `-${group.index + 1}`;
      return [`${base}${page}`, `${base}-Executive${page}`, `${base}-Debug${page}`];
    }),
    alarms,
    routing,
    usage,
    identityProviders: tokenBudget(probes, (probe) => coldStartsPerMonth(probe.schedule)),
    ...(watchdog ? { watchdog } : {}),
  };
}

/**
 * Upper bound of a probe's bytes in a shard template, calibrated against synthesized templates (the
 * synth-side check in lib/template-check.ts catches a construct that outgrows it): the schedule with
 * its input (a JSON string inside the template: quotes and backslashes escaped), and each alarm by kind.
 */
function probeTemplateBytes(probe: ResolvedProbe, scheduled: boolean, alarms: readonly PlannedAlarm[]): number {
  const describe = Math.min(1024, 400 + (probe.description?.length ?? 0) + (probe.runbookUrl?.length ?? 0));
  let bytes = 0;
  if (scheduled) {
    const input = JSON.stringify(probeEvent(probe));
    bytes += 900 + input.length + (input.match(/["\\]/g)?.length ?? 0);
  }
  for (const alarm of alarms) {
    switch (alarm.kind) {
      case 'latency':
        bytes += 1600 + describe + 900 * (1 + probe.steps.length);
        break;
      case 'security':
        bytes += 1600 + describe;
        break;
      case 'burnWindow':
        bytes += 1_700;
        break;
      case 'burnFast':
      case 'burnSlow':
      case 'burnTicket':
        bytes += 2_000 + describe;
        break;
      case 'global':
        bytes += 1400 + describe + 450 * probe.regions.length;
        break;
      default:
        bytes += 1400 + describe;
    }
  }
  return bytes;
}

/** The planned alarms of one probe (every region, and its global alarm), in plan order. */
export function alarmsOfProbe(plan: DeploymentPlan, probe: string): PlannedAlarm[] {
  return plan.alarms.filter((a) => a.probe === probe);
}

/** The stacks of the deployment: each region's stack with its nested shard and dashboard stacks. */
export function stackNames(plan: DeploymentPlan): { stack: string; nested: string[] }[] {
  return plan.regions.map((region) => ({
    stack: region.stackName,
    nested: [
      ...region.shards.map((s) => `Shard${String(s.index).padStart(2, '0')}`),
      ...(region.isHome ? plan.dashboards.slice(1).map((g) => `Dashboard${g.index + 1}Stack`) : []),
    ],
  }));
}
