/**
 * `oauth-probe slo-report`: SLO attainment, error budget left, worst region and top failure codes per
 * probe, from CloudWatch, with the caller's AWS credentials. `--json` prints one JSON array.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { resolveDeployment, resolveProbes } from '../../../functions/config/resolve.js';
import { clientConfig } from '../../../functions/runtime/shared/deadline.js';
import { type ProbeSloReport, sloReport } from '../../slo/report.js';
import { didYouMean, parseCommandArgs } from '../args.js';
import { throwIfAwsEnvironment } from '../aws/errors.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';

const options = {
  config: { type: 'string', short: 'c' },
  probe: { type: 'string', short: 'p', multiple: true },
  json: { type: 'boolean' },
  ...HELP_OPTION,
} as const;

/** Replaced in tests by clients under aws-sdk-client-mock. */
export const sloReportClients = {
  create: (region: string) => new CloudWatchClient(clientConfig(region)),
};

export const sloReportCommand: Command = {
  name: 'slo-report',
  summary: 'SLO attainment, error budget left, worst region and top failure codes per probe (AWS)',
  options,
  help: `Usage: oauth-probe slo-report [--config probes.json] [--probe NAME]... [--json]

Reads the deployed probes' Success and Failures metrics from CloudWatch (GetMetricData in every
region the probes run from, with your AWS credentials: AWS_PROFILE or AWS_ACCESS_KEY_ID) and prints,
per probe, the share of successful runs over its SLO window (slo.window), the error budget left, the
worst region and the most frequent failure codes.

Options:
  -c, --config FILE   probes.json of the deployment (default: ${DEFAULT_CONFIG})
  -p, --probe NAME    only this probe (repeat for several)
      --json          one JSON array on stdout, nothing else
  -h, --help          show this help

Examples:
  AWS_PROFILE=ops npx oauth-probe slo-report
  AWS_PROFILE=ops npx oauth-probe slo-report --json | jq '.[] | {probe, budgetRemaining}'

Exit codes: 0 every probe within its error budget, 1 a probe has spent its whole budget,
2 bad usage, config, or CloudWatch could not be read (credentials, permissions, deadline).
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('slo-report', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const loaded = await loadConfigForCli(values.config ?? DEFAULT_CONFIG, io.cwd);
    const wanted = values.probe;
    const all = resolveProbes(loaded.config, { baseDir: loaded.baseDir });
    const unknown = (wanted ?? []).filter((name) => !all.some((p) => p.name === name));
    if (unknown.length > 0)
      throw new UsageError(
        `no probe named ${unknown.map((n) => `"${n}"`).join(', ')} in the config${didYouMean(
          unknown[0]!,
          all.map((p) => p.name),
        )}`,
      );
    const probes = wanted ? all.filter((p) => wanted.includes(p.name)) : all;
    let reports: ProbeSloReport[];
    try {
      reports = await sloReport({
        probes,
        namespace: resolveDeployment(loaded.config).namespace,
        client: sloReportClients.create,
      });
    } catch (error) {
      const regions = [...new Set(probes.flatMap((p) => p.regions))].join(', ');
      throwIfAwsEnvironment(error, { service: 'CloudWatch', region: regions, action: 'cloudwatch:GetMetricData' });
      const e = error as { name?: string; message?: string };
      throw new UsageError(`cannot read CloudWatch: ${e.name ?? 'Error'}: ${(e.message ?? '').slice(0, 200)}`, [
        'Check your AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and cloudwatch:GetMetricData permission.',
      ]);
    }
    if (values.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else io.stdout.write(format(reports, palette(colourEnabled(io.stdout, io.env))));
    return reports.some((r) => r.budgetRemaining !== null && r.budgetRemaining <= 0) ? EXIT.probeFailed : EXIT.ok;
  },
};

function format(reports: ProbeSloReport[], p: ReturnType<typeof palette>): string {
  const width = Math.max(...reports.map((r) => r.probe.length));
  const lines = reports.map((r) => {
    const attained = r.attainment === null ? 'no runs' : `${r.attainment.toFixed(3)} %`;
    const budget = r.budgetRemaining === null ? '-' : `${r.budgetRemaining.toFixed(1)} % budget left`;
    const colour =
      r.budgetRemaining === null ? p.dim : r.budgetRemaining <= 0 ? p.red : r.budgetRemaining < 25 ? p.yellow : p.green;
    const worst =
      r.worstRegion && r.regions.length > 1 ? `  worst ${r.worstRegion.region} ${r.worstRegion.attainment} %` : '';
    const codes = r.topFailureCodes.length
      ? `  top codes ${r.topFailureCodes.map((c) => `${c.code} ${c.count}`).join(', ')}`
      : '';
    return `${p.bold(r.probe.padEnd(width))}  ${attained} of ${r.objective} % over ${r.window}  ${colour(budget)}${worst}${codes}`;
  });
  return `${lines.join('\n')}\n`;
}
