/**
 * `oauth-probe run`: run probes once from this machine and say where each one broke.
 * `--json` prints exactly one JSON array of results on stdout and nothing else.
 */
import { resolveProbes } from '../../../functions/config/resolve.js';
import type { ProbeResult } from '../../../functions/engine/index.js';
import { parseCommandArgs, positiveInt } from '../args.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import { formatResult, formatSummary } from '../format.js';
import { Progress } from '../progress.js';
import { chooseSecretSource } from '../secrets.js';

/** @default 4 probes at once */
export const DEFAULT_CLI_CONCURRENCY = 4;

const options = {
  config: { type: 'string', short: 'c' },
  secrets: { type: 'string', short: 's' },
  probe: { type: 'string', short: 'p', multiple: true },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'V' },
  concurrency: { type: 'string' },
  ...HELP_OPTION,
} as const;

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the probes once from here and report where each one broke',
  options,
  help: `Usage: oauth-probe run [--config probes.json] [--secrets FILE] [--probe NAME]... [--json] [--verbose]

Runs every probe (or those named with --probe) once from this machine: token endpoint, token
validation, protected API. Prints one line per probe; for anything not passing, the stage, step,
code, hint, HTTP status, warnings and a timing waterfall of every request.

Options:
  -c, --config FILE      probes.json to use (default: ${DEFAULT_CONFIG})
  -s, --secrets FILE     JSON file of credentials keyed by credentials.secretId. Without it, and with
                         AWS credentials in the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID, and
                         AWS_REGION), secrets are read from AWS Secrets Manager
  -p, --probe NAME       run only this probe (repeat for several)
      --json             print exactly one JSON array of results on stdout, nothing else
  -V, --verbose          details and every request's timings for every probe, passing ones too
      --concurrency N    probes run at once (default: ${DEFAULT_CLI_CONCURRENCY})
  -h, --help             show this help

Secrets file:
  { "oauth-probe/billing": { "client_id": "...", "client_secret": "..." } }

Examples:
  npx oauth-probe run --secrets local-secrets.json
  npx oauth-probe run -c probes.json -s local-secrets.json --probe billing-api --verbose
  AWS_PROFILE=ops AWS_REGION=eu-west-1 npx oauth-probe run --json | jq '.[] | {probe, status, code}'

Exit codes: 0 nothing failed (degraded included), 1 a probe failed, 2 bad usage or config.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('run', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const concurrency = positiveInt(
      'concurrency',
      values.concurrency as string | undefined,
      DEFAULT_CLI_CONCURRENCY,
      64,
    );
    const { config, baseDir } = await loadConfigForCli((values.config as string | undefined) ?? DEFAULT_CONFIG, io.cwd);
    let probes = resolveProbes(config, { baseDir });
    const wanted = (values.probe as string[] | undefined) ?? [];
    if (wanted.length > 0) {
      const known = probes.map((p) => p.name);
      const unknown = wanted.filter((name) => !known.includes(name));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown probe${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}: the config has ${known.join(', ')}`,
        );
      }
      probes = probes.filter((p) => wanted.includes(p.name));
    }
    const { source } = await chooseSecretSource(values.secrets as string | undefined, io.env, io.cwd);

    const json = values.json === true;
    const colours = palette(!json && colourEnabled(io.stdout, io.env));
    const nameWidth = Math.max(...probes.map((p) => p.name.length));
    // The engine (undici, jose) is loaded only when probes are about to run: usage errors stay fast.
    const { runProbes } = await import('../../../functions/engine/index.js');
    const progress = new Progress(io.stderr, probes.length);
    const started = performance.now();
    progress.start();
    let results: ProbeResult[];
    try {
      results = await runProbes(
        probes,
        { secrets: source },
        {
          concurrency,
          onResult: (result) => {
            progress.tick();
            if (json) return;
            const text = formatResult(result, { palette: colours, verbose: values.verbose === true, nameWidth });
            progress.around(() => io.stdout.write(text));
          },
        },
      );
    } finally {
      progress.stop();
    }
    if (json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else io.stdout.write(`\n${formatSummary(results, performance.now() - started, colours)}`);
    return results.some((r) => r.status === 'fail') ? EXIT.probeFailed : EXIT.ok;
  },
};
