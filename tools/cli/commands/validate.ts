/**
 * `oauth-probe validate`: the schema and the deployment rules (schedules, thresholds, regions, files),
 * every problem with its path and what to do; a short summary of what would be deployed when valid.
 */
import { checkDeployment } from '../../../functions/config/load.js';
import { ConfigError } from '../../../functions/config/problems.js';
import { runsPerMonth } from '../../../functions/config/schedule.js';
import { cleartextUrls } from '../../../functions/config/transport.js';
import { deploymentStackName } from '../../../functions/contract/index.js';
import { parseCommandArgs } from '../args.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { configUsageError, DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';

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
    // The AWS quotas, exactly as `cdk synth` checks them (functions/config/limits.ts): same lines.
    let checked: ReturnType<typeof checkDeployment>;
    try {
      checked = checkDeployment(loaded.config, loaded.baseDir, file);
    } catch (error) {
      if (error instanceof ConfigError) throw configUsageError(file, error.problems);
      throw error;
    }
    const { probes, deployment } = checked;
    const p = palette(colourEnabled(io.stdout, io.env));
    const probeRegions = probes.reduce((n, probe) => n + probe.regions.length, 0);
    const nameWidth = Math.max(...probes.map((probe) => probe.name.length));
    const scheduleWidth = Math.max(...probes.map((probe) => probe.schedule.length));
    const runsText = (probe: (typeof probes)[number]) =>
      `${runsPerMonth(probe.schedule).toLocaleString('en-US')} runs/month`;
    const runsWidth = Math.max(...probes.map((probe) => runsText(probe).length));
    const regionsWidth = Math.max(...probes.map((probe) => probe.regions.join(', ').length));
    const regions = deployment.regions.map((r) => (r === deployment.homeRegion ? `${r} (home)` : r));
    if (!deployment.regions.includes(deployment.homeRegion))
      regions.push(`${deployment.homeRegion} (home, dashboard only)`);
    const lines = [
      `${p.green('✓')} ${file} is valid: ${probes.length} probe${probes.length === 1 ? '' : 's'}, ${probeRegions} probe-region${probeRegions === 1 ? '' : 's'}`,
      `  deployment ${deployment.name}: stacks ${deploymentStackName(deployment.name, deployment.homeRegion)}, ...`,
      `  regions    ${regions.join(', ')}`,
      `  namespace  ${deployment.namespace}, global alarm from ${deployment.globalFailureRegions} failing regions`,
      '',
      ...probes.map((probe) => {
        const flow = [
          probe.issuer && !probe.tokenUrl ? 'discovery' : undefined,
          'token',
          probe.token?.jwt ? 'JWT' : undefined,
          `${probe.steps.length} step${probe.steps.length === 1 ? '' : 's'}`,
        ].filter(Boolean);
        return `  ${p.bold(probe.name.padEnd(nameWidth))}  ${probe.schedule.padEnd(scheduleWidth)}  ${p.dim(runsText(probe).padStart(runsWidth))}  ${probe.regions.join(', ').padEnd(regionsWidth)}  ${p.dim(`${probe.clientAuth}: ${flow.join(' → ')}`)}`;
      }),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    for (const warning of [...cleartextWarnings(loaded.config.probes), ...runbookWarnings(loaded.config.probes)])
      io.stderr.write(`${p.yellow('!')} ${warning}\n`);
    return EXIT.ok;
  },
};

/**
 * Plain http:// to a remote host where TLS is required (token, discovery, JWKS, introspection, steps):
 * a run flags it as `insecure_transport`; validate says so before anything runs. A warning: loopback and
 * lab setups are legitimate, and the config is deployable.
 */
export function cleartextWarnings(probes: readonly Parameters<typeof cleartextUrls>[0][]): string[] {
  return probes.flatMap((probe, index) =>
    cleartextUrls(probe).map(
      ([path, risk]) =>
        `warning: probes[${index}].${path} is plain http:// to a non-loopback host: anyone on the network path can ${risk}; use https://`,
    ),
  );
}

/**
 * Every probe can page (its SLO burn-rate alarms, and the global alarm when it runs from enough
 * regions): one without `runbookUrl` gets only the first checks of the shipped runbook in its pages.
 * A warning, not an error: the config is deployable.
 */
export function runbookWarnings(probes: readonly { name: string; runbookUrl?: string }[]): string[] {
  return probes.flatMap((probe, index) =>
    probe.runbookUrl
      ? []
      : [
          `warning: probes[${index}] "${probe.name}" can page (SLO burn-rate alarms) but has no runbookUrl: its pages will carry only the first checks of docs/runbooks/; set "runbookUrl" to your team's runbook`,
        ],
  );
}
