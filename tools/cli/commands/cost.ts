/** `oauth-probe cost`: what the configured deployment costs per month, next to Synthetics canaries. */

import { ConfigError } from '../../../functions/config/problems.js';
import { type PreparedDeployment, prepareDeployment } from '../../../plan/index.js';
import { capacityReport, formatCapacity } from '../../cost/capacity.js';
import { estimateCost } from '../../cost/estimate.js';
import { parseCommandArgs } from '../args.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { configUsageError, DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { formatCostReport } from '../cost-format.js';
import { formatCostSummary } from '../cost-summary.js';
import { EXIT } from '../errors.js';

const options = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  // No short form: -d is --dir (local), one meaning per short flag (docs/cli.md, "Flags").
  detail: { type: 'boolean' },
  ...HELP_OPTION,
} as const;

export const costCommand: Command = {
  name: 'cost',
  summary: 'Estimate the monthly AWS cost of the deployment, next to Synthetics canaries',
  options,
  help: `Usage: oauth-probe cost [--config probes.json] [--json] [--detail]

Estimates what deploying probes.json costs per month, per probe and region and in total: Lambda
(compute, requests, INIT), EventBridge Scheduler, custom metrics, PutMetricData, alarms, Secrets
Manager, SNS, log ingestion and the dashboard, side by side with the same checks as CloudWatch
Synthetics canaries ($0.0012 per run). By default a summary of at most 25 lines: the cost per probe
and region (per probe, or the costliest probes, for a large fleet), the total, the largest items,
the metrics profiles, the token requests each authorization server gets, and the busiest minute
against the default account quotas. --detail prints the full report: every cost line of every
probe-region with how it was computed, the prices assumed with their dates, every assumption, and the
capacity the fleet needs at its busiest minute (Lambda concurrency, Scheduler invocations,
PutMetricData and GetSecretValue rates). Prices change: check them against the live AWS pricing pages.

Options:
  -c, --config FILE   probes.json to price (default: ${DEFAULT_CONFIG})
      --json          the whole estimate as one JSON object on stdout
      --detail        the full report: every cost line of every probe and region with how it
                      was computed, the prices with their dates, the assumptions, the capacity
  -h, --help          show this help

Examples:
  npx oauth-probe cost
  npx oauth-probe cost --detail
  npx oauth-probe cost --json | jq .total

Exit codes: 0 estimated, 2 bad usage or config.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('cost', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const file = values.config ?? DEFAULT_CONFIG;
    const loaded = await loadConfigForCli(file, io.cwd);
    const { config } = loaded;
    // The same plan `validate` checks and `cdk synth` builds: a config either refuses, cost refuses too.
    let prepared: PreparedDeployment;
    try {
      prepared = prepareDeployment(config, { baseDir: loaded.baseDir, source: file });
    } catch (error) {
      if (error instanceof ConfigError) throw configUsageError(file, error.problems);
      throw error;
    }
    const estimate = estimateCost(prepared);
    const capacity = capacityReport(config);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ...estimate, capacity }, null, 2)}\n`);
      return EXIT.ok;
    }
    const colours = palette(colourEnabled(io.stdout, io.env));
    if (values.detail !== true) {
      io.stdout.write(formatCostSummary(estimate, capacity, { palette: colours, source: file }));
      return EXIT.ok;
    }
    io.stdout.write(formatCostReport(estimate, { palette: colours, detail: true, source: file }));
    io.stdout.write(`\n${formatCapacity(capacity)}`);
    return EXIT.ok;
  },
};
