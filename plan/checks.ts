/**
 * What a plan can deploy but would fail the people relying on it, found before anything is deployed:
 * a probe that can page with no critical target routed for it (an error, with the explicit opt-out),
 * alarms whose notifications reach no one, extracted values no step uses, plain http to remote hosts,
 * probes that can page without a runbook (warnings). `validate` and synth run the same checks
 * (./prepare.ts).
 */
import { placeholderFindings } from '../functions/config/placeholders.js';
import type { ConfigProblem } from '../functions/config/problems.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import { cleartextUrls } from '../functions/config/transport.js';
import { routeOf } from '../functions/contract/index.js';
import type { PlannedAlarm } from './alarms.js';
import { DEFAULT_QUOTAS, MAX_RESERVATION_AT_DEFAULT_QUOTA, MIN_UNRESERVED_CONCURRENCY } from './capacity.js';
import type { DeploymentPlan } from './plan.js';
import { tokenBudgetWarnings } from './token-budget.js';
import { coldStartsPerMonth } from './usage.js';

const indexIn = (config: ProbesConfig, name: string) => config.probes.findIndex((p) => p.name === name);

/** Kinds of alarm that page (critical) for a probe that may page, as the notification says them. */
function pagingKinds(alarms: readonly PlannedAlarm[]): string[] {
  return [...new Set(alarms.filter((a) => a.severity === 'critical' && a.delivery === 'notifier').map((a) => a.kind))];
}

/**
 * Errors: a probe that can page (its BurnFast/BurnSlow alarms, its Security or Global alarm, or
 * availability under `page: "any-region"`) while no critical target is routed for it. Pages that reach
 * no one are worse than no alarm: the deployment looks protected. A deployment that only wants
 * dashboards says so with `notifications.dashboardsOnly`.
 */
export function notificationProblems(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const dashboardsOnly = config.notifications?.dashboardsOnly === true;
  const targets = Object.keys(plan.routing.routes.targets);
  if (dashboardsOnly) {
    if (targets.length > 0) {
      problems.push({
        path: 'notifications.dashboardsOnly',
        message: `is true, but the notifications name ${targets.length} target${targets.length === 1 ? '' : 's'} (${targets.slice(0, 5).join(', ')}): remove "dashboardsOnly", or remove the targets`,
      });
    }
    return problems;
  }
  for (const probe of plan.probes) {
    const route = routeOf(plan.routing.routes, probe.name);
    if (route.page === 'never' || route.critical.length > 0) continue;
    const kinds = pagingKinds(plan.alarms.filter((a) => a.probe === probe.name));
    if (kinds.length === 0) continue;
    const index = indexIn(config, probe.name);
    problems.push({
      path: probe.notify?.critical !== undefined ? `probes[${index}].notify.critical` : 'notifications.critical',
      message: `probe "${probe.name}" can page (${kinds.join(', ')}) but no critical target is routed for it, so its pages would reach no one: add targets to notifications.critical (or to the probe's notify.critical), set "page": "never" on the probe for warnings only, or set notifications.dashboardsOnly to true for a deployment that only wants dashboards and alarms`,
    });
  }
  return problems;
}

/** Warnings: deployable, but worth a look. */
export function planWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  return [
    ...cleartextWarnings(config, plan),
    ...unusedExtractWarnings(config, plan),
    ...runbookWarnings(config, plan),
    ...silentAlarmWarnings(config, plan),
    ...tokenWarnings(config, plan),
    ...concurrencyWarnings(config, plan),
  ];
}

/**
 * `reservedConcurrency` against the account: a reservation over what an account with the default quota
 * can give one function (1,000 less the 100 Lambda keeps unreserved) fails the deployment there, and a
 * number below the busiest minute throttles runs. Warnings, not errors: the quota is adjustable, and an
 * account that raised it deploys fine (`oauth-probe preflight` reads the real account).
 */
function concurrencyWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  const setting = config.reservedConcurrency;
  if (setting === undefined) return [];
  const warnings: ConfigProblem[] = [];
  const reserving = plan.regions.filter((r) => r.reservedConcurrency !== undefined);
  const over = reserving.filter((r) => r.reservedConcurrency! > MAX_RESERVATION_AT_DEFAULT_QUOTA);
  if (over.length > 0) {
    const most = Math.max(...over.map((r) => r.reservedConcurrency!));
    warnings.push({
      path: 'reservedConcurrency',
      message: `reserves ${most.toLocaleString('en-US')} concurrent executions for the probe function in ${over.map((r) => r.region).join(', ')}: an account with the default quota (${DEFAULT_QUOTAS.lambdaConcurrency.toLocaleString('en-US')} per region, ${MIN_UNRESERVED_CONCURRENCY} of which Lambda keeps unreserved) can give one function at most ${MAX_RESERVATION_AT_DEFAULT_QUOTA}, so the deployment fails there. Raise the account's "Concurrent executions" quota in Service Quotas first (then \`oauth-probe preflight\` checks it), reserve less, or spread the schedules over the minute`,
    });
  }
  if (typeof setting === 'number') {
    for (const region of reserving) {
      const peak = region.capacity.peakConcurrency;
      if (setting >= peak) continue;
      warnings.push({
        path: 'reservedConcurrency',
        message: `${setting} is below the ${peak} runs that can start together in ${region.region}'s busiest minute: the runs beyond it are throttled (Lambda retries them for up to 2 minutes, then drops them, and the Throttles alarm fires). Use "auto" or at least ${peak}`,
      });
    }
  }
  return warnings;
}

/**
 * A probe against Auth0 that will request more tokens a month than Auth0's free plan allows
 * (./token-budget.ts): the figure, and the `token.reuse` that brings it under.
 */
function tokenWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  return tokenBudgetWarnings(plan.probes, (probe) => coldStartsPerMonth(probe.schedule)).map((warning) => ({
    path: `probes[${indexIn(config, warning.probe)}].token.reuse`,
    message: warning.message.replace(/^warning: probes\[\d+\] /, ''),
  }));
}

/**
 * Plain http:// to a remote host where TLS is required (token, discovery, JWKS, introspection, steps):
 * a run flags it as `insecure_transport`; validate says so before anything runs. Loopback and lab setups
 * are legitimate, so it is a warning.
 */
function cleartextWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  return plan.probes.flatMap((probe) => {
    const index = indexIn(config, probe.name);
    return cleartextUrls(probe).map(([path, risk]) => ({
      path: `probes[${index}].${path}`,
      message: `plain http:// to a non-loopback host: anyone on the network path can ${risk}; use https://`,
    }));
  });
}

function unusedExtractWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  return plan.probes.flatMap((probe) => placeholderFindings(probe, `probes[${indexIn(config, probe.name)}]`).unused);
}

/**
 * A probe that can page without `runbookUrl` gets only the first checks of the shipped runbook in its
 * pages. Only enabled probes that can page (not `page: "never"`).
 */
function runbookWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  return plan.probes.flatMap((probe) => {
    if (probe.runbookUrl) return [];
    const kinds = pagingKinds(plan.alarms.filter((a) => a.probe === probe.name));
    if (kinds.length === 0) return [];
    return [
      {
        path: `probes[${indexIn(config, probe.name)}].runbookUrl`,
        message: `"${probe.name}" can page (${kinds.join(', ')}) but has no runbookUrl: its pages will carry only the first checks of docs/runbooks/; set "runbookUrl" to your team's runbook`,
      },
    ];
  });
}

/**
 * Alarms that notify but reach no one: a severity with no target for some probes, or the notifier's own
 * alarms with no email or HTTPS subscriber on the notification topic (the native channels never hear of
 * them: they go around the notifier they watch). Silent when the deployment says it wants no
 * notifications (`dashboardsOnly`).
 */
function silentAlarmWarnings(config: ProbesConfig, plan: DeploymentPlan): ConfigProblem[] {
  if (config.notifications?.dashboardsOnly === true) return [];
  const silent = plan.alarms.filter((a) => a.delivery !== 'none' && a.targets.length === 0);
  const warnings: ConfigProblem[] = [];
  const routed = silent.filter((a) => a.delivery === 'notifier');
  for (const severity of ['warning', 'critical'] as const) {
    const alarms = routed.filter((a) => a.severity === severity);
    if (alarms.length === 0) continue;
    const probes = [...new Set(alarms.map((a) => a.probe!))];
    warnings.push({
      path: `notifications.${severity}`,
      message: `${alarms.length} ${severity} alarm${alarms.length === 1 ? '' : 's'} of ${probes.length} probe${probes.length === 1 ? '' : 's'} notify no one: ${list(alarms.map((a) => a.name))}. Add targets to notifications.${severity} (or the probes' notify.${severity})`,
    });
  }
  const direct = silent.filter((a) => a.delivery === 'topic');
  if (direct.length > 0) {
    warnings.push({
      path: 'notifications.targets',
      message: `${direct.length} alarms on oauth-probe's own machinery notify no one: ${list(direct.map((a) => a.name))}. They go straight to the notification topic (never through the notifier they watch), which only email and https targets subscribe to: add an email or https target`,
    });
  }
  return warnings;
}

function list(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`;
}
