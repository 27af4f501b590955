/**
 * Every AWS quota the deployment can hit, computed from the config before anything is synthesized:
 * the one check behind `oauth-probe validate` and `cdk synth` (bin/app.ts and the `OAuthProbes`
 * construct), so both give the same message (path, figure, limit, fix) and a config `validate` accepts
 * never fails in synth on a quota.
 *
 * It also owns the plan both sides rely on: which shard stack a probe lives in (a stable hash of its
 * name) and how probes are grouped on dashboards. Zod-free and CDK-free: the CLI loads it without
 * aws-cdk-lib, and lib/ builds exactly what it planned.
 *
 * Estimates are upper bounds calibrated against synthesized templates (test/cdk/limits.test.ts checks
 * estimate >= actual); a construct that adds resources per probe must add them to `probeResources`.
 */
import { NOTIFIER_ENV, PROBE_ENV, probeEvent } from '../contract/environment.js';
import { DEFAULT_METRICS_PROFILE, hasGlobalAlarm, type MetricsProfile } from '../contract/metric-catalogue.js';
import { BURN_POLICIES } from '../contract/slo.js';
import type { ConfigProblem } from './problems.js';
import type { DeploymentSettings, ResolvedProbe } from './resolve.js';
import { scheduleIntervalMinutes } from './schedule.js';
import type { ProbesConfig } from './schema.js';

/** The published quotas (default values; none of these is adjustable except where noted). */
export const QUOTAS = {
  /** CloudFormation: resources per stack (a nested stack counts as one in its parent). */
  stackResources: 500,
  /** CloudFormation: template body uploaded through the bootstrap bucket (CDK always uploads). */
  templateBytes: 1_048_576,
  stackOutputs: 200,
  stackParameters: 200,
  /** CloudWatch: Period x EvaluationPeriods, when the period is below one hour. */
  evaluationMinutesShort: 24 * 60,
  /** CloudWatch: Period x EvaluationPeriods, with hourly or longer periods. */
  evaluationMinutesLong: 7 * 24 * 60,
  /** CloudWatch: metrics in an alarm's metric math (the global alarm has one per region). */
  metricsPerAlarm: 10,
  /** CloudWatch dashboard: alarms in one alarm-status widget (the dashboard splits them into widgets of this many). */
  alarmsPerStatusWidget: 100,
  /** CloudWatch dashboard: widgets in one dashboard. */
  widgetsPerDashboard: 500,
  /** EventBridge Scheduler: target Input, characters. */
  schedulerInputChars: 8192,
  /** Lambda: all environment variable keys and values, bytes. */
  lambdaEnvironmentBytes: 4096,
  /** IAM: inline policies of one role, characters (whitespace excluded). */
  iamInlinePolicyChars: 10_240,
} as const;

/**
 * What we allow ourselves: 80 % of the CloudFormation quotas, so that a construct added later (an SLO
 * alarm per probe, a mute rule) or CDK metadata does not push a stack over; a dashboard body below the
 * template budget (it lives in a template).
 */
export const BUDGETS = {
  stackResources: 400,
  templateBytes: 800_000,
  dashboardBodyBytes: 400_000,
} as const;

/** A problem with a quota: what, the figure, the limit and the fix, in one message. */
export interface QuotaProblem extends ConfigProblem {
  quota: string;
  figure: number;
  limit: number;
  fix: string;
}

function quotaProblem(path: string, quota: string, what: string, figure: number, limit: number, fix: string) {
  return {
    path,
    quota,
    figure,
    limit,
    fix,
    message: `${what}: ${figure.toLocaleString('en-US')}, over ${quota} (${limit.toLocaleString('en-US')}). Fix: ${fix}`,
  } satisfies QuotaProblem;
}

// ---------------------------------------------------------------------------------------------------
// The plan: shards and dashboards.

/**
 * The shard of a probe: FNV-1a of its name modulo the shard count. Depends on nothing but the name and
 * the count, so adding or removing a probe never moves another (its alarms would be deleted and created
 * again); only changing `shards` moves probes. A hand-written hash because it must never change between
 * Node versions or library updates (node:crypto would do, but is not in every bundle this runs in).
 */
export function shardOf(probeName: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < probeName.length; i++) {
    hash ^= probeName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** A probe's resources in one region's shard: its schedule and alarms (and the global alarm at home). */
export function probeResources(
  probe: ResolvedProbe,
  region: string,
  isHome: boolean,
  globalFailureRegions: number,
  profile: MetricsProfile = DEFAULT_METRICS_PROFILE,
) {
  let resources = 0;
  if (probe.regions.includes(region)) resources += 1 + regionalAlarmCount(probe) + sloAlarms(profile).total;
  if (isHome && hasGlobalAlarm(probe, globalFailureRegions)) resources += 1;
  return resources;
}

/**
 * The SLO burn-rate alarms of a probe in each of its regions (lib/constructs/slo-alarms.ts): per burn
 * policy two metric-math window alarms (long, short) without actions and one composite that notifies.
 */
export const SLO_ALARMS = {
  windows: 2 * BURN_POLICIES.length,
  composites: BURN_POLICIES.length,
  total: 3 * BURN_POLICIES.length,
} as const;

/**
 * The same under the `lean` metrics profile: one single-metric alarm per burn policy, named as the
 * composite and notifying itself (functions/contract/slo.ts, `leanBurnAlarms`).
 */
export const LEAN_SLO_ALARMS = {
  windows: 0,
  composites: 0,
  /** Metric alarms that notify, one per policy. */
  single: BURN_POLICIES.length,
  total: BURN_POLICIES.length,
} as const;

export function sloAlarms(profile: MetricsProfile): { windows: number; composites: number; total: number } {
  return profile === 'lean' ? LEAN_SLO_ALARMS : SLO_ALARMS;
}

/**
 * Alarms of a probe in one region that notify (the dashboard's alarm widgets list them): the three burn
 * alarms too, composites (full) or single-metric alarms (lean), one per burn policy either way.
 */
export function notifyingAlarmCount(probe: ResolvedProbe): number {
  return regionalAlarmCount(probe) + BURN_POLICIES.length;
}

/**
 * Availability, expiry, stopped, latency when a degraded threshold applies, and security when a step
 * has fail-open checks (`rejects`).
 */
export function regionalAlarmCount(probe: ResolvedProbe): number {
  return 3 + (hasLatencyThreshold(probe) ? 1 : 0) + (hasSecurityAlarm(probe) ? 1 : 0);
}

function hasSecurityAlarm(probe: ResolvedProbe): boolean {
  return probe.steps.some((step) => (step.rejects?.length ?? 0) > 0);
}

function hasLatencyThreshold(probe: ResolvedProbe): boolean {
  return (
    probe.degradedMs !== undefined ||
    probe.token?.degradedMs !== undefined ||
    probe.steps.some((s) => s.degradedMs !== undefined)
  );
}

/** Upper bound of a probe's bytes in a shard template (calibrated: see the file comment). */
export function probeTemplateBytes(
  probe: ResolvedProbe,
  region: string,
  isHome: boolean,
  globalFailureRegions: number,
  profile: MetricsProfile = DEFAULT_METRICS_PROFILE,
) {
  let bytes = 0;
  const describe = Math.min(1024, 400 + (probe.description?.length ?? 0) + (probe.runbookUrl?.length ?? 0));
  if (probe.regions.includes(region)) {
    const input = JSON.stringify(probeEvent(probe));
    // The input is a JSON string inside the template: every quote and backslash is escaped.
    bytes += 900 + input.length + (input.match(/["\\]/g)?.length ?? 0);
    bytes += 3 * (1400 + describe);
    if (hasLatencyThreshold(probe)) bytes += 1600 + describe + 900 * (1 + probe.steps.length);
    if (hasSecurityAlarm(probe)) bytes += 1600 + describe;
    // SLO: window alarms (metric math, a fixed description) and composites (alarm rule, full description).
    // Lean: one alarm per policy with the full description (bounded like a composite).
    bytes +=
      profile === 'lean'
        ? LEAN_SLO_ALARMS.single * (2_000 + describe)
        : SLO_ALARMS.windows * 1_700 + SLO_ALARMS.composites * (2_000 + describe);
  }
  if (isHome && hasGlobalAlarm(probe, globalFailureRegions)) bytes += 1400 + describe + 450 * probe.regions.length;
  return bytes;
}

export interface ShardPlan {
  index: number;
  probes: ResolvedProbe[];
  resources: number;
  templateBytes: number;
}

export interface DashboardGroupPlan {
  /** 0 is the main dashboard (`OAuthProbe`); the others are `OAuthProbe-2`, ... */
  index: number;
  probes: ResolvedProbe[];
  widgets: number;
  alarms: number;
  bodyBytes: number;
}

export interface RegionPlan {
  region: string;
  isHome: boolean;
  /** Probes that run from this region. */
  probes: ResolvedProbe[];
  /** Non-empty shards, by index. */
  shards: ShardPlan[];
  /** Resources of the region's own stack: shared resources, one per shard and per extra dashboard. */
  stackResources: number;
}

export interface DeploymentPlan {
  regions: RegionPlan[];
  /** Home region only. */
  dashboards: DashboardGroupPlan[];
}

/**
 * Resources of a region's own stack besides shards and dashboards: alarm topic, key and policy,
 * both functions with roles, policies, log groups, invoke configs, permission and subscription,
 * scheduler role, metric filter, CDK metadata; at home the notification topic, key, alias and one
 * subscription per target. Generous on purpose (other constructs land here: dead-letter queue, SLOs).
 */
const SHARED_RESOURCES = 40;
const HOME_RESOURCES = 10;

/**
 * How the dashboards (lib/constructs/probe-dashboard.ts: On-call, Executive and Debug per group of
 * probes) grow with their probes: fixed rows plus rows per probe, and alarm-status widgets of at most
 * 100 alarms each; the estimate bounds the largest of the three (On-call). A group holds at most
 * `probesPerDashboard` probes: a widget's SEARCH returns at most that many series per region on the
 * pages' charts. A dashboard layout that changes these must change this plan; test/cdk/fleet.test.ts
 * compares it with the real bodies.
 */
export const DASHBOARD_LAYOUT = {
  probesPerDashboard: 25,
  fixedWidgets: 8,
  widgetsPerProbe: 7,
  bytesPerWidget: 700,
  bytesPerProbeRegion: 1_600,
  bytesPerAlarm: 160,
} as const;

function dashboardCost(probes: ResolvedProbe[], globalFailureRegions: number) {
  const alarms = probes.reduce(
    (n, p) => n + p.regions.length * notifyingAlarmCount(p) + (hasGlobalAlarm(p, globalFailureRegions) ? 1 : 0),
    0,
  );
  const probeRegions = probes.reduce((n, p) => n + p.regions.length, 0);
  const widgets =
    DASHBOARD_LAYOUT.fixedWidgets +
    DASHBOARD_LAYOUT.widgetsPerProbe * probes.length +
    Math.max(0, Math.ceil(alarms / QUOTAS.alarmsPerStatusWidget) - 1);
  const bodyBytes =
    widgets * DASHBOARD_LAYOUT.bytesPerWidget +
    probeRegions * DASHBOARD_LAYOUT.bytesPerProbeRegion +
    alarms * DASHBOARD_LAYOUT.bytesPerAlarm;
  return { alarms, widgets, bodyBytes };
}

/**
 * Probes in name order, cut into dashboards that each stay within the widget, alarm-widget and body
 * budgets. A probe that alone exceeds them still gets a dashboard (reported by `quotaProblems`).
 */
export function dashboardGroups(probes: ResolvedProbe[], globalFailureRegions: number): DashboardGroupPlan[] {
  const groups: DashboardGroupPlan[] = [];
  let current: ResolvedProbe[] = [];
  const fits = (candidate: ResolvedProbe[]) => {
    const cost = dashboardCost(candidate, globalFailureRegions);
    return (
      candidate.length <= DASHBOARD_LAYOUT.probesPerDashboard &&
      cost.widgets <= QUOTAS.widgetsPerDashboard &&
      cost.bodyBytes <= BUDGETS.dashboardBodyBytes
    );
  };
  const close = () => {
    if (current.length === 0) return;
    groups.push({ index: groups.length, probes: current, ...dashboardCost(current, globalFailureRegions) });
    current = [];
  };
  for (const probe of [...probes].sort((a, b) => a.name.localeCompare(b.name))) {
    if (current.length > 0 && !fits([...current, probe])) close();
    current.push(probe);
  }
  close();
  if (groups.length === 0) groups.push({ index: 0, probes: [], ...dashboardCost([], globalFailureRegions) });
  return groups;
}

/** Where every probe goes, per region: the plan lib/ builds. */
export function planDeployment(
  config: Pick<ProbesConfig, 'notifications'>,
  probes: ResolvedProbe[],
  deployment: Pick<DeploymentSettings, 'homeRegion' | 'regions' | 'globalFailureRegions' | 'shards'> &
    Partial<Pick<DeploymentSettings, 'metricsProfile'>>,
): DeploymentPlan {
  const { homeRegion, globalFailureRegions, shards } = deployment;
  const profile = deployment.metricsProfile ?? DEFAULT_METRICS_PROFILE;
  const regions = [homeRegion, ...deployment.regions.filter((r) => r !== homeRegion)];
  const dashboards = dashboardGroups(probes, globalFailureRegions);
  const targets = ['warning', 'critical'].reduce((n, level) => {
    const t = config.notifications?.[level as 'warning' | 'critical'];
    return n + (t?.emails?.length ?? 0) + (t?.https?.length ?? 0);
  }, 0);
  return {
    dashboards,
    regions: regions.map((region) => {
      const isHome = region === homeRegion;
      const byShard = new Map<number, ShardPlan>();
      for (const probe of probes) {
        const resources = probeResources(probe, region, isHome, globalFailureRegions, profile);
        if (resources === 0) continue;
        const index = shardOf(probe.name, shards);
        const shard = byShard.get(index) ?? { index, probes: [], resources: 0, templateBytes: 2_000 };
        shard.probes.push(probe);
        shard.resources += resources;
        shard.templateBytes += probeTemplateBytes(probe, region, isHome, globalFailureRegions, profile);
        byShard.set(index, shard);
      }
      const shardPlans = [...byShard.values()].sort((a, b) => a.index - b.index);
      return {
        region,
        isHome,
        probes: probes.filter((p) => p.regions.includes(region)),
        shards: shardPlans,
        stackResources:
          SHARED_RESOURCES +
          shardPlans.length +
          (isHome ? HOME_RESOURCES + targets + Math.max(0, dashboards.length - 1) : 0),
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// The checks.

/**
 * Every quota problem of a config, each with the path to fix, the figure, the limit and the fix.
 * `configProbes` are the probes as written (for paths: which `alarms` block set a value).
 */
export function quotaProblems(
  config: ProbesConfig,
  probes: ResolvedProbe[],
  deployment: DeploymentSettings,
): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  probes.forEach((probe, index) => {
    problems.push(...probeQuotaProblems(config, probe, index, deployment));
  });
  const plan = planDeployment(config, probes, deployment);
  for (const region of plan.regions) {
    for (const shard of region.shards) {
      const names = shard.probes.map((p) => p.name);
      const listed = `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`;
      const fix = `raise "shards" (now ${deployment.shards}; this moves probes between shard stacks, see docs/scaling.md) or run fewer probes from ${region.region}`;
      if (shard.resources > BUDGETS.stackResources) {
        problems.push(
          quotaProblem(
            'shards',
            `CloudFormation's ${QUOTAS.stackResources} resources per stack less headroom`,
            `shard ${shard.index} of ${region.region} (${listed}) needs ${shard.probes.length} probes' resources`,
            shard.resources,
            BUDGETS.stackResources,
            fix,
          ),
        );
      }
      if (shard.templateBytes > BUDGETS.templateBytes) {
        problems.push(
          quotaProblem(
            'shards',
            `CloudFormation's 1 MB template less headroom`,
            `the template of shard ${shard.index} of ${region.region} (${listed}) is estimated in bytes at`,
            shard.templateBytes,
            BUDGETS.templateBytes,
            fix,
          ),
        );
      }
    }
    if (region.stackResources > BUDGETS.stackResources) {
      problems.push(
        quotaProblem(
          'shards',
          `CloudFormation's ${QUOTAS.stackResources} resources per stack less headroom`,
          `the stack of ${region.region} (shared resources, ${region.shards.length} shards${region.isHome ? `, ${plan.dashboards.length} dashboards` : ''}) needs`,
          region.stackResources,
          BUDGETS.stackResources,
          'lower "shards", or split the probes over two deployments ("name")',
        ),
      );
    }
  }
  problems.push(...environmentProblems(deployment));
  for (const region of plan.regions) {
    const policy = secretPolicyChars(region.probes.map((p) => p.credentials.secretId));
    if (policy.chars > QUOTAS.iamInlinePolicyChars - IAM_POLICY_RESERVE) {
      problems.push(
        quotaProblem(
          'probes',
          "IAM's inline policy size per role",
          `the probe function's permission to read ${region.probes.length} secrets in ${region.region} takes characters`,
          policy.chars,
          QUOTAS.iamInlinePolicyChars - IAM_POLICY_RESERVE,
          'name the secrets under a few common prefixes, e.g. "oauth-probe/<probe>" (each prefix becomes one "oauth-probe/*" grant)',
        ),
      );
    }
  }
  return problems;
}

/** Characters of the role policy besides the secret grants (logs, metrics, KMS statements). */
const IAM_POLICY_RESERVE = 2_500;
/** Characters of one secret ARN pattern in the policy, besides the name. */
const SECRET_ARN_CHARS = 110;
/** Above this many characters of secret grants, names are grouped by their prefix. */
const SECRET_GRANTS_BUDGET = 4_000;

/**
 * The secret ids the probe function is granted, as written in its policy: each id, or (when that
 * list would not fit IAM's policy size) each name's first path segment with a wildcard, `team-a/*`,
 * keeping ARNs as they are. A prefix grant is wider than one secret: it is used only when needed.
 */
export function secretPolicyChars(secretIds: string[]): { grants: string[]; grouped: boolean; chars: number } {
  const unique = [...new Set(secretIds)];
  const size = (grants: string[]) => grants.reduce((n, g) => n + g.length + SECRET_ARN_CHARS, 0);
  if (size(unique) <= SECRET_GRANTS_BUDGET) return { grants: unique, grouped: false, chars: size(unique) };
  const grouped = [
    ...new Set(unique.map((id) => (!id.startsWith('arn:') && id.includes('/') ? `${id.split('/')[0]}/*` : id))),
  ];
  return { grants: grouped, grouped: true, chars: size(grouped) };
}

function probeQuotaProblems(
  config: ProbesConfig,
  probe: ResolvedProbe,
  index: number,
  deployment: DeploymentSettings,
): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  const minutes = scheduleIntervalMinutes(probe.schedule);
  const range = minutes >= 60 ? QUOTAS.evaluationMinutesLong : QUOTAS.evaluationMinutesShort;
  const most = Math.floor(range / minutes);
  for (const field of ['evaluationPeriods', 'missingRunsPeriods'] as const) {
    if (probe.alarms[field] <= most) continue;
    const where = config.probes[index]?.alarms?.[field] !== undefined ? `probes[${index}].alarms` : 'alarms';
    problems.push(
      quotaProblem(
        `${where}.${field}`,
        `CloudWatch's evaluation range of ${range / 60} h`,
        `${probe.alarms[field]} periods of ${minutes} min (the schedule of "${probe.name}") span minutes`,
        probe.alarms[field] * minutes,
        range,
        `use at most ${most} ${field}, or a more frequent schedule`,
      ),
    );
  }
  if (hasGlobalAlarm(probe, deployment.globalFailureRegions) && probe.regions.length > QUOTAS.metricsPerAlarm) {
    problems.push(
      quotaProblem(
        `probes[${index}].regions`,
        "CloudWatch's metrics per alarm (metric math)",
        `the global alarm of "${probe.name}" watches regions`,
        probe.regions.length,
        QUOTAS.metricsPerAlarm,
        `run "${probe.name}" from at most ${QUOTAS.metricsPerAlarm} regions`,
      ),
    );
  }
  const input = JSON.stringify(probeEvent(probe)).length;
  if (input > QUOTAS.schedulerInputChars) {
    problems.push(
      quotaProblem(
        `probes[${index}]`,
        "EventBridge Scheduler's target input size",
        `the schedule input of "${probe.name}" (the resolved probe${probe.tls?.ca ? ', with its CA certificates inlined' : ''}) has characters`,
        input,
        QUOTAS.schedulerInputChars,
        'shorten descriptions, headers and bodies of steps, split the probe in two, or trim the CA bundle to the certificates needed',
      ),
    );
  }
  return problems;
}

/**
 * The largest environment either function gets, with the widest value each variable can take (ARNs
 * and log group names at their maximum), against Lambda's 4 KB.
 */
export function environmentProblems(deployment: Pick<DeploymentSettings, 'namespace' | 'homeRegion'>): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  const wide = (n: number) => 'x'.repeat(n);
  const probeEnv: Record<string, string> = {
    NODE_OPTIONS: '--enable-source-maps',
    [PROBE_ENV.namespace]: deployment.namespace,
    [PROBE_ENV.homeRegion]: deployment.homeRegion,
    [PROBE_ENV.deadlineMarginMs]: '3000',
    [PROBE_ENV.secretCacheTtlSec]: '300',
    [PROBE_ENV.metricsTransport]: 'putMetricData',
    [PROBE_ENV.globalFailureRegions]: '10',
  };
  const notifierEnv: Record<string, string> = {
    NODE_OPTIONS: '--enable-source-maps',
    [NOTIFIER_ENV.notificationTopicArn]: wide(256 + 60),
    [NOTIFIER_ENV.namespace]: deployment.namespace,
    [NOTIFIER_ENV.homeRegion]: deployment.homeRegion,
    [NOTIFIER_ENV.dashboardUrl]: wide(120 + 255),
    [NOTIFIER_ENV.globalFailureRegions]: '10',
    [NOTIFIER_ENV.probeLogGroupName]: wide(512),
  };
  for (const [fn, env] of [
    ['probe', probeEnv],
    ['notifier', notifierEnv],
  ] as const) {
    const bytes = environmentBytes(env);
    if (bytes > QUOTAS.lambdaEnvironmentBytes) {
      problems.push(
        quotaProblem(
          'namespace',
          "Lambda's environment size",
          `the ${fn} function's environment takes bytes`,
          bytes,
          QUOTAS.lambdaEnvironmentBytes,
          'use a shorter "namespace"',
        ),
      );
    }
  }
  return problems;
}

/** Lambda counts keys and values. */
export function environmentBytes(env: Record<string, string>): number {
  return Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

/**
 * A synthesized template against the CloudFormation quotas (the synth-side second look, after the plan:
 * it catches what the estimates above do not know, such as a construct added without updating them).
 */
export function templateProblems(
  stack: string,
  template: { resources: number; bytes: number; outputs: number; parameters: number },
): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  const fix = 'raise "shards" (probe resources), or report this: a stack outgrew its plan (functions/config/limits.ts)';
  const check = (figure: number, limit: number, quota: string, what: string) => {
    if (figure > limit) problems.push(quotaProblem(`(stack ${stack})`, quota, what, figure, limit, fix));
  };
  check(template.resources, QUOTAS.stackResources, 'CloudFormation resources per stack', 'resources');
  check(template.bytes, QUOTAS.templateBytes, 'CloudFormation template size', 'template bytes');
  check(template.outputs, QUOTAS.stackOutputs, 'CloudFormation outputs per stack', 'outputs');
  check(template.parameters, QUOTAS.stackParameters, 'CloudFormation parameters per stack', 'parameters');
  return problems;
}
