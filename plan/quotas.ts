/**
 * Every AWS quota a deployment can hit, checked on its plan (./plan.ts) before anything is synthesized:
 * the one check behind `oauth-probe validate` and `cdk synth` (./prepare.ts), so both give the same
 * message (path, figure, limit, fix) and a config `validate` accepts never fails in synth on a quota.
 * Zod-free and CDK-free: the CLI loads it without aws-cdk-lib.
 *
 * Resources come from the plan's own lists (a schedule and each planned alarm); template sizes are upper
 * bounds calibrated against synthesized templates, and lib/template-check.ts looks again at the real
 * templates after synth.
 */

import type { ConfigProblem } from '../functions/config/problems.js';
import type { DeploymentSettings, ResolvedProbe } from '../functions/config/resolve.js';
import { scheduleIntervalMinutes } from '../functions/config/schedule.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import { NOTIFIER_ENV, PROBE_ENV, probeEvent } from '../functions/contract/environment.js';
import { hasGlobalAlarm } from '../functions/contract/metric-catalogue.js';
import { BUDGETS, QUOTAS } from './limits.js';
import type { DeploymentPlan } from './plan.js';

export { BUDGETS, QUOTAS };

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
// The checks.

/**
 * Every quota problem of a planned deployment, each with the path to fix, the figure, the limit and the
 * fix. `config` is the config as written (paths name the probe's index there and the `alarms` block
 * that set a value).
 */
export function quotaProblems(config: ProbesConfig, plan: DeploymentPlan): QuotaProblem[] {
  const { deployment } = plan;
  const problems: QuotaProblem[] = [];
  const indexOf = (name: string) => config.probes.findIndex((p) => p.name === name);
  for (const probe of plan.probes) problems.push(...probeQuotaProblems(config, probe, indexOf(probe.name), deployment));
  for (const region of plan.regions) {
    for (const shard of region.shards) {
      const names = shard.probes.map((p) => p.name);
      const listed = `${names.slice(0, 5).join(', ')}${names.length > 5 ? `, and ${names.length - 5} more` : ''}`;
      const fix = `raise "shards" (now ${deployment.shards}; this moves probes between shard stacks, see docs/scaling.md) or run fewer probes from ${region.region}`;
      if (shard.resources > BUDGETS.stackResources) {
        problems.push(
          quotaProblem(
            'shards',
            `CloudFormation's ${QUOTAS.stackResources} resources per stack less headroom`,
            `shard ${shard.index} of ${region.region} (${listed}: ${shard.schedules} schedules, ${shard.alarms.length.toLocaleString('en-US')} alarms) needs resources`,
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
          `the stack of ${region.region} (shared resources, ${region.shards.length} shards${region.isHome ? `, ${plan.dashboards.length} dashboard groups, ${plan.routing.subscriptions.length} topic subscriptions` : ''}) needs`,
          region.stackResources,
          BUDGETS.stackResources,
          'lower "shards", or split the probes over two deployments ("name")',
        ),
      );
    }
  }
  problems.push(...environmentProblems(deployment));
  const routesBytes = Buffer.byteLength(JSON.stringify(plan.routing.routes));
  if (routesBytes > BUDGETS.routesFileBytes) {
    const own = Object.keys(plan.routing.routes.probes).length;
    problems.push(
      quotaProblem(
        'probes',
        "the notifier's routing file budget (a Lambda layer; Lambda allows 250 MB unzipped with the code)",
        `the routing table, with an entry for each of ${own} probes that have their own notify, page, owner or authorization server, takes bytes`,
        routesBytes,
        BUDGETS.routesFileBytes,
        'route more probes by notifications.warning/critical instead of their own "notify", and shorten "owner" texts',
      ),
    );
  }
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
  const fix = 'raise "shards" (probe resources), or report this: a stack outgrew its plan (plan/quotas.ts)';
  const check = (figure: number, limit: number, quota: string, what: string) => {
    if (figure > limit) problems.push(quotaProblem(`(stack ${stack})`, quota, what, figure, limit, fix));
  };
  check(template.resources, QUOTAS.stackResources, 'CloudFormation resources per stack', 'resources');
  check(template.bytes, QUOTAS.templateBytes, 'CloudFormation template size', 'template bytes');
  check(template.outputs, QUOTAS.stackOutputs, 'CloudFormation outputs per stack', 'outputs');
  check(template.parameters, QUOTAS.stackParameters, 'CloudFormation parameters per stack', 'parameters');
  return problems;
}
