/**
 * `oauth-probe validate`: the schema and the deployment rules (schedules, thresholds, regions, files),
 * every problem with its path and what to do; a short summary of what would be deployed when valid.
 */
import { ConfigError } from '../../../functions/config/problems.js';
import type { ResolvedProbe } from '../../../functions/config/resolve.js';
import { runsPerMonth } from '../../../functions/config/schedule.js';
import {
  type DeploymentPlan,
  type PreparedDeployment,
  prepareDeployment,
  type RoutingRow,
  routingTable,
  stackNames,
} from '../../../plan/index.js';
import { parseCommandArgs } from '../args.js';
import { colourEnabled, type Palette, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { configUsageError, DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import { compactNames } from '../name-ranges.js';

const options = { config: { type: 'string', short: 'c' }, ...HELP_OPTION } as const;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check probes.json against the schema and the deployment rules',
  options,
  help: `Usage: oauth-probe validate [--config probes.json]

Checks probes.json against the schema, the deployment rules (schedules, thresholds, regions,
files) and every AWS quota the deployment could hit (CloudFormation resources and template size per
stack, CloudWatch evaluation range, metrics per alarm and dashboard limits, Scheduler input size,
Lambda environment and IAM policy size): the same check, with the same messages, as \`cdk synth\`.
Lists every problem with its path, the figure, the limit and a suggested fix. When it is valid, prints what
would be deployed: probes, regions, schedules. Warnings (plain http:// to a non-loopback host where TLS
is required, a probe that can page without runbookUrl) go to stderr and do not change the exit code.

Options:
  -c, --config FILE   probes.json to check (default: ${DEFAULT_CONFIG})
  -h, --help          show this help

Examples:
  npx oauth-probe validate
  npx oauth-probe validate --config config/staging.json

Exit codes: 0 valid, 2 not valid (or the file is missing).
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('validate', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const file = values.config ?? DEFAULT_CONFIG;
    let loaded: Awaited<ReturnType<typeof loadConfigForCli>>;
    try {
      loaded = await loadConfigForCli(file, io.cwd);
    } catch (error) {
      if (error instanceof UsageError && error.details.length > 0) {
        throw new UsageError(error.message, [
          ...error.details,
          'Fix each field above and run validate again; with "$schema": "./probes.schema.json" your editor checks them as you type.',
        ]);
      }
      throw error;
    }
    // The plan, exactly as `cdk synth` builds and checks it (plan/prepare.ts): same verdict, same lines.
    let prepared: PreparedDeployment;
    try {
      prepared = prepareDeployment(loaded.config, { baseDir: loaded.baseDir, source: file });
    } catch (error) {
      if (error instanceof ConfigError) throw configUsageError(file, error.problems);
      throw error;
    }
    const p = palette(colourEnabled(io.stdout, io.env));
    io.stdout.write(`${summaryLines(file, loaded.config.probes.length, prepared, p).join('\n')}\n`);
    for (const warning of prepared.warnings)
      io.stderr.write(`${p.yellow('!')} warning: ${warning.path}: ${warning.message}\n`);
    return EXIT.ok;
  },
};

/** What would be deployed, from the plan: stacks, regions, alarms, who hears of what, the probes. */
export function summaryLines(file: string, written: number, prepared: PreparedDeployment, p: Palette): string[] {
  const { plan, deployment, probes } = prepared;
  const probeRegions = probes.reduce((n, probe) => n + probe.regions.length, 0);
  const disabled = written - probes.length;
  const regions = plan.regions.map((r) =>
    r.isHome ? `${r.region} (home${r.probes.length === 0 ? ', dashboards and global alarms only' : ''})` : r.region,
  );
  const stacks = stackNames(plan).map(
    ({ stack, nested }) => `${stack} (${nested.length} nested: ${compactNames(nested).join(', ') || 'none'})`,
  );
  const notifying = plan.alarms.filter((a) => a.delivery !== 'none');
  const silent = notifying.filter((a) => a.targets.length === 0).length;
  const globals = probes.filter((probe) => plan.alarms.some((a) => a.probe === probe.name && a.kind === 'global'));
  const globalLine =
    globals.length === 0
      ? `none (a probe needs ${deployment.globalFailureRegions} regions: globalFailureRegions)`
      : `${globals.length} of ${probes.length} probes, firing when ${deployment.globalFailureRegions} or more regions fail at once`;
  const lines = [
    `${p.green('✓')} ${file} is valid: ${probes.length} probe${probes.length === 1 ? '' : 's'}${disabled > 0 ? ` (${disabled} disabled, not deployed)` : ''}, ${probeRegions} probe-region${probeRegions === 1 ? '' : 's'}`,
    `  deployment  ${deployment.name}, namespace ${deployment.namespace}, metrics ${deployment.metricsProfile} (${deployment.metricsTransport})`,
    `  regions     ${regions.join(', ')}`,
    ...stacks.map((line, i) => `  ${i === 0 ? 'stacks     ' : '           '} ${line}`),
    `  dashboards  ${compactNames(plan.dashboardNames).join(', ')}`,
    `  alarms      ${plan.alarms.length} (${notifying.length} notify${silent > 0 ? `, ${p.yellow(`${silent} reach no one`)}` : ''}); global alarm: ${globalLine}`,
    `  concurrency ${concurrencyLine(plan)}`,
    `  watchdog    ${watchdogLine(plan)}`,
    '',
    ...probeLines(prepared, p),
    '',
    `  ${p.bold('Who hears of what')} (alarm kind → severity → targets)`,
    ...routingLines(plan, p),
    '',
    `  ${p.bold('Requests a month by authorization server')} (token quotas: docs/providers.md)`,
    ...identityProviderLines(plan, p),
  ];
  return lines;
}

/** The probe function's reservation per region (config `reservedConcurrency`), and the Throttles alarm. */
function concurrencyLine(plan: DeploymentPlan): string {
  const reserving = plan.regions.filter((r) => r.reservedConcurrency !== undefined);
  const reserved =
    reserving.length === 0
      ? 'not reserved (reservedConcurrency)'
      : `reserved for the probe function: ${reserving.map((r) => `${r.region} ${r.reservedConcurrency}`).join(', ')}`;
  return `${reserved}; a Throttles alarm in every region that runs probes`;
}

/** The watchdog (config `notifications.heartbeat`), or how to get one. */
function watchdogLine(plan: DeploymentPlan): string {
  const w = plan.watchdog;
  if (!w) return "none (notifications.heartbeat: an external dead man's switch, docs/deploy.md)";
  return `every ${w.periodMinutes} min from ${w.region}: pings the heartbeat URL (secret ${w.urlSecretId}) while the notifiers and the probe alarms of ${w.alarmRegions.length} region${w.alarmRegions.length === 1 ? '' : 's'} are healthy`;
}

function probeLines(prepared: PreparedDeployment, p: Palette): string[] {
  const { probes } = prepared;
  const runsText = (probe: ResolvedProbe) => `${runsPerMonth(probe.schedule).toLocaleString('en-US')} runs/month`;
  const width = (values: string[]) => Math.max(...values.map((v) => v.length));
  const nameWidth = width(probes.map((probe) => probe.name));
  const scheduleWidth = width(probes.map((probe) => probe.schedule));
  const runsWidth = width(probes.map(runsText));
  const regionsWidth = width(probes.map((probe) => probe.regions.join(', ')));
  return probes.map((probe) => {
    const flow = [
      probe.issuer && !probe.tokenUrl ? 'discovery' : undefined,
      'token',
      probe.token?.jwt ? 'JWT' : undefined,
      `${probe.steps.length} step${probe.steps.length === 1 ? '' : 's'}`,
    ].filter(Boolean);
    return `  ${p.bold(probe.name.padEnd(nameWidth))}  ${probe.schedule.padEnd(scheduleWidth)}  ${p.dim(runsText(probe).padStart(runsWidth))}  ${probe.regions.join(', ').padEnd(regionsWidth)}  ${p.dim(`${probe.clientAuth}: ${flow.join(' → ')}`)}`;
  });
}

/** One line per probe and alarm kind (regions merged), then the deployment's own alarms. */
function routingLines(plan: DeploymentPlan, p: Palette): string[] {
  const rows = routingTable(plan);
  const who = (probe: string | undefined) => probe ?? '(deployment)';
  const probeWidth = Math.max(...rows.map((r) => who(r.probe).length));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const targetsText = (row: RoutingRow) =>
    row.targets.length === 0 ? 'no one' : `${row.targets.join(', ')}${row.delivery === 'topic' ? ' (topic)' : ''}`;
  const targetsWidth = Math.max(...rows.map((r) => targetsText(r).length));
  return rows.map((row) => {
    const severity = (row.severity ?? '').padEnd(8);
    const text = targetsText(row).padEnd(targetsWidth);
    const targets = row.targets.length === 0 ? p.yellow(text) : text;
    return `  ${who(row.probe).padEnd(probeWidth)}  ${row.label.padEnd(labelWidth)}  ${severity}  ${targets}  ${p.dim(row.regions.join(', '))}`;
  });
}

/** Token requests a month per authorization server (what counts against a provider's quota). */
function identityProviderLines(plan: DeploymentPlan, p: Palette): string[] {
  const count = (n: number) => n.toLocaleString('en-US');
  const hostWidth = Math.max(...plan.identityProviders.map((idp) => idp.host.length));
  const tokenWidth = Math.max(...plan.identityProviders.map((idp) => count(idp.tokenRequestsPerMonth).length));
  return plan.identityProviders.map(
    (idp) =>
      `  ${idp.host.padEnd(hostWidth)}  ${count(idp.tokenRequestsPerMonth).padStart(tokenWidth)} token requests, ${count(idp.otherRequestsPerMonth)} discovery/JWKS/introspection  ${p.dim(compactNames(idp.probes).join(', '))}`,
  );
}
