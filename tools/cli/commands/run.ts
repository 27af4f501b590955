/**
 * `oauth-probe run`: run probes once from this machine and say where each one broke.
 * `--json` prints exactly one JSON array of results on stdout and nothing else; `--reporter junit` JUnit XML.
 * `--remote --region R` runs them on the deployed probe function of R instead (./aws/remote-run.ts).
 */
import { type ResolvedProbe, resolveProbes } from '../../../functions/config/resolve.js';
import { checkVersionId, checkVersionStage } from '../../../functions/contract/environment.js';
import type { ProbeResult, TokenCache } from '../../../functions/engine/index.js';
import { didYouMean, type OptionValues, parseCommandArgs, positiveInt } from '../args.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import { type FormatOptions, formatResult, formatSummary } from '../format.js';
import type { Io } from '../io.js';
import { formatJunit } from '../junit.js';
import { Progress } from '../progress.js';
import { chooseSecretSource, type SecretVersion } from '../secrets.js';

/** @default 4 probes at once */
export const DEFAULT_CLI_CONCURRENCY = 4;

const REPORTERS = ['text', 'json', 'junit'] as const;
type Reporter = (typeof REPORTERS)[number];

const options = {
  config: { type: 'string', short: 'c' },
  secrets: { type: 'string', short: 's' },
  probe: { type: 'string', short: 'p', multiple: true },
  json: { type: 'boolean' },
  reporter: { type: 'string', choices: REPORTERS },
  remote: { type: 'boolean' },
  region: { type: 'string', short: 'r' },
  // -V: -v is the version (oauth-probe -v), as it always was; one meaning per short flag (docs/cli.md, "Flags").
  verbose: { type: 'boolean', short: 'V' },
  concurrency: { type: 'string' },
  'version-stage': { type: 'string' },
  'version-id': { type: 'string' },
  // Long options only: no short flag is free of doubt for these.
  repeat: { type: 'string' },
  every: { type: 'string' },
  ...HELP_OPTION,
} as const;

/** `--repeat` at most this many rounds. */
export const MAX_REPEAT = 100;
/** @default 5 seconds between `--repeat` rounds: several rounds within any token.reuse.maxAgeSec (60 s or more). */
export const DEFAULT_EVERY_SEC = 5;
/** `--every` at most an hour. */
export const MAX_EVERY_SEC = 3_600;

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the probes once from here (or on the deployed function) and report where each one broke',
  options,
  help: `Usage: oauth-probe run [--config probes.json] [--secrets FILE] [--probe NAME]... [--json | --reporter junit] [--verbose] [--concurrency N]
       oauth-probe run --remote --region REGION [--probe NAME]... [--json | --reporter junit] [--concurrency N]
       oauth-probe run [--remote --region REGION] --version-stage AWSPENDING [--version-id ID] [--probe NAME]...
       oauth-probe run --repeat N [--every S] [--secrets FILE] [--probe NAME]... [--json]

Runs every probe (or those named with --probe) once from this machine: token endpoint, token
validation, protected API. Prints one line per probe; for anything not passing, the stage, step,
code, hint, HTTP status, warnings and a timing waterfall of every request.

With --remote, the probe function deployed in --region runs the probes instead (a synchronous invoke
with the probe's schedule input, built from this config), and the CLI prints its results the same way.
That run is a real one: it publishes metrics and logs like a scheduled run.

With --version-stage (or --version-id), the probes use that version of their secret instead of
AWSCURRENT: test a rotation's new secret before it goes live. Locally the version is read from
Secrets Manager (AWS credentials needed; not with --secrets); with --remote the deployed function reads
it, and that run publishes NO metrics and is logged as a rotation test, not as a scheduled run.

With --repeat N, the probes run N times in this one process, S seconds apart (--every, default
${DEFAULT_EVERY_SEC}), sharing one token cache as a warm function instance does: a probe with token.reuse
shows "token reused" from the second round on (and "reused": true in --json, which then holds every
round's results in order). A token endpoint's Retry-After is respected across rounds the same way.

Options:
  -c, --config FILE      probes.json to use (default: ${DEFAULT_CONFIG})
  -s, --secrets FILE     JSON file of credentials keyed by credentials.secretId. Without it, and with
                         AWS credentials in the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID, and
                         AWS_REGION), secrets are read from AWS Secrets Manager
  -p, --probe NAME       run only this probe (repeat for several)
      --json             print exactly one JSON array of results on stdout, nothing else
      --reporter NAME    text (default), json (= --json) or junit: JUnit XML on stdout, one test case
                         per probe, failure message = stage, code and hint
      --remote           run on the deployed probe function instead (needs AWS credentials)
  -r, --region REGION    with --remote: the region whose function runs the probes
  -V, --verbose          details and every request's timings for every probe, passing ones too
      --concurrency N    probes run at once (default: ${DEFAULT_CLI_CONCURRENCY})
      --version-stage L  read this version of each secret: AWSCURRENT, AWSPENDING, AWSPREVIOUS or a
                         custom staging label (needs AWS credentials or --remote)
      --version-id ID    read the secret version with this id (e.g. a rotation's ClientRequestToken)
      --repeat N         run the probes N times (1 to ${MAX_REPEAT}) in this process with one token cache
      --every S          seconds between --repeat rounds, 0 to ${MAX_EVERY_SEC} (default: ${DEFAULT_EVERY_SEC})
  -h, --help             show this help

Secrets file:
  { "oauth-probe/billing": { "client_id": "...", "client_secret": "..." } }

Examples:
  npx oauth-probe run --secrets local-secrets.json
  npx oauth-probe run -c probes.json -s local-secrets.json --probe billing-api --verbose
  npx oauth-probe run -s local-secrets.json --reporter junit > oauth-probe-junit.xml
  npx oauth-probe run -s local-secrets.json --probe billing-api --repeat 3 --every 10
  AWS_PROFILE=ops AWS_REGION=eu-west-1 npx oauth-probe run --json | jq '.[] | {probe, status, code}'
  AWS_PROFILE=ops npx oauth-probe run --remote --region eu-west-1 --probe billing-api
  AWS_PROFILE=ops AWS_REGION=eu-west-1 npx oauth-probe run --version-stage AWSPENDING --probe billing-api

Exit codes: 0 nothing failed (degraded included), 1 a probe failed, 2 bad usage, config or AWS environment
(credentials, region, permissions, network), 70 internal error.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('run', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const reporter = chooseReporter(values.json === true, values.reporter);
    const remote = remoteRegion(values);
    const version = secretVersion(values);
    const concurrency = positiveInt('concurrency', values.concurrency, DEFAULT_CLI_CONCURRENCY, 64);
    const repeat = repeatRounds(values, reporter, remote);
    const { config, baseDir } = await loadConfigForCli(values.config ?? DEFAULT_CONFIG, io.cwd);
    // A remote run sends the probe as the schedule does, with `tls.ca` files read and inlined.
    const all = resolveProbes(config, { baseDir, inlineFiles: remote !== undefined });
    const probes = selectProbes(all, values.probe ?? [], remote);

    const colours = palette(reporter === 'text' && colourEnabled(io.stdout, io.env));
    const nameWidth = Math.max(...probes.map((p) => p.name.length));
    const onResult = (result: ProbeResult) => {
      if (reporter !== 'text') return;
      const text = formatResultSafely(result, { palette: colours, verbose: values.verbose === true, nameWidth });
      progress.around(() => io.stdout.write(text));
    };
    const started = performance.now();
    const startedAt = new Date().toISOString();
    // One cache for every round of this process, as a warm function instance keeps one between runs
    // (a single round has nothing to reuse: the engine then loads only when the probes run).
    const tokens = remote || repeat.rounds === 1 ? undefined : await newTokenCache();
    const results: ProbeResult[] = [];
    let progress = new Progress(io.stderr, probes.length);
    for (let round = 1; round <= repeat.rounds; round++) {
      if (round > 1) await sleep(repeat.everySec * 1000);
      if (repeat.rounds > 1 && reporter === 'text') {
        io.stdout.write(`${round > 1 ? '\n' : ''}${colours.bold(`round ${round} of ${repeat.rounds}`)}\n`);
      }
      if (round > 1) progress = new Progress(io.stderr, probes.length);
      const roundStarted = performance.now();
      progress.start();
      try {
        results.push(
          ...(remote
            ? await runOnDeployedFunction(probes, remote, config, concurrency, version, (r) => {
                progress.tick();
                onResult(r);
              })
            : await runHere(probes, values.secrets, io, concurrency, version, tokens, (r) => {
                progress.tick();
                onResult(r);
              })),
        );
      } finally {
        progress.stop();
      }
      if (repeat.rounds > 1 && reporter === 'text') {
        io.stdout.write(`\n${formatSummary(results.slice(-probes.length), performance.now() - roundStarted, colours)}`);
      }
    }
    const durationMs = performance.now() - started;
    if (reporter === 'json') {
      // Each result serialized on its own (bounded, see resultJson): one probe's data never costs the others'.
      const { resultJson } = await import('../../../functions/engine/index.js');
      io.stdout.write(
        `${JSON.stringify(
          results.map((r) => JSON.parse(resultJson(r)) as unknown),
          null,
          2,
        )}\n`,
      );
    } else if (reporter === 'junit') io.stdout.write(formatJunit(results, { durationMs, timestamp: startedAt }));
    else if (repeat.rounds === 1) io.stdout.write(`\n${formatSummary(results, durationMs, colours)}`);
    return results.some((r) => r.status === 'fail') ? EXIT.probeFailed : EXIT.ok;
  },
};

/** A result that cannot be formatted (a bug) is reported on its own line; the other probes still print. */
function formatResultSafely(result: ProbeResult, options: FormatOptions): string {
  try {
    return formatResult(result, options);
  } catch (error) {
    return `FAIL      ${String(result.probe)}  internal_error: the result could not be printed (${error instanceof Error ? error.name : 'error'})\n`;
  }
}

function chooseReporter(json: boolean, reporter: Reporter | undefined): Reporter {
  if (reporter === undefined) return json ? 'json' : 'text';
  if (json && reporter !== 'json') throw new UsageError(`--json and --reporter ${reporter} contradict: give one`);
  return reporter;
}

/** The region of a `--remote` run, or undefined for a local one; the flags that do not fit are errors. */
function remoteRegion(values: OptionValues<typeof options>): string | undefined {
  const region = values.region;
  if (values.remote !== true) {
    if (region !== undefined) throw new UsageError('--region goes with --remote (a local run runs from here)');
    return undefined;
  }
  if (!region) throw new UsageError('--remote needs --region REGION: the region whose probe function runs the probes');
  if (values.secrets !== undefined) {
    throw new UsageError('--remote and --secrets contradict: the deployed function reads its own secrets');
  }
  return region;
}

/** `--version-stage` / `--version-id`: the secret version to read, validated; undefined for AWSCURRENT as usual. */
function secretVersion(values: OptionValues<typeof options>): SecretVersion | undefined {
  const stage = values['version-stage'];
  const id = values['version-id'];
  if (stage === undefined && id === undefined) return undefined;
  const problem = (stage !== undefined && checkVersionStage(stage)) || (id !== undefined && checkVersionId(id));
  if (problem)
    throw new UsageError(`--version-${stage !== undefined && checkVersionStage(stage) ? 'stage' : 'id'}: ${problem}`);
  if (values.secrets !== undefined) {
    throw new UsageError(
      '--version-stage/--version-id and --secrets contradict: a secrets file has no versions; read them from Secrets Manager (AWS credentials) or run with --remote',
    );
  }
  return { ...(stage !== undefined ? { stage } : {}), ...(id !== undefined ? { id } : {}) };
}

/** `--repeat N` and `--every S`, validated; one round when not given. */
function repeatRounds(
  values: OptionValues<typeof options>,
  reporter: Reporter,
  remote: string | undefined,
): { rounds: number; everySec: number } {
  const { repeat, every } = values;
  if (repeat === undefined) {
    if (every !== undefined) throw new UsageError('--every goes with --repeat N: the seconds between rounds');
    return { rounds: 1, everySec: 0 };
  }
  const rounds = positiveInt('repeat', repeat, 1, MAX_REPEAT);
  if (reporter === 'junit') throw new UsageError('--repeat goes with text or --json output, not --reporter junit');
  if (remote !== undefined) {
    throw new UsageError(
      '--repeat runs the probes here, in one process; a deployed function keeps its own cache per instance (run without --remote)',
    );
  }
  const everySec = every === undefined ? DEFAULT_EVERY_SEC : Number(every);
  if (every !== undefined && (!/^\d+(\.\d+)?$/.test(every.trim()) || everySec > MAX_EVERY_SEC)) {
    throw new UsageError(`--every must be a number of seconds from 0 to ${MAX_EVERY_SEC}, got '${every}'`);
  }
  return { rounds, everySec };
}

/** The process's token cache; the engine module is loaded only when probes are about to run. */
async function newTokenCache(): Promise<TokenCache> {
  const { TokenCache } = await import('../../../functions/engine/index.js');
  return new TokenCache();
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The probes to run: those named with --probe (all by default), and with --remote those of that region. */
function selectProbes(all: ResolvedProbe[], wanted: string[], region: string | undefined): ResolvedProbe[] {
  const known = all.map((p) => p.name);
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown probe${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}${didYouMean(unknown[0]!, known)}: the config has ${known.join(', ')}`,
    );
  }
  const named = wanted.length > 0 ? all.filter((p) => wanted.includes(p.name)) : all;
  if (region === undefined) return named;
  const here = named.filter((p) => p.regions.includes(region));
  const elsewhere = named.filter((p) => !p.regions.includes(region)).map((p) => p.name);
  if (wanted.length > 0 && elsewhere.length > 0) {
    throw new UsageError(
      `probe ${elsewhere.map((n) => `"${n}"`).join(', ')} does not run in ${region} (see its regions)`,
    );
  }
  if (here.length === 0) {
    const regions = [...new Set(all.flatMap((p) => p.regions))];
    throw new UsageError(`no probe of the config runs in ${region}${didYouMean(region, regions)}`);
  }
  return here;
}

async function runHere(
  probes: ResolvedProbe[],
  secretsFile: string | undefined,
  io: Io,
  concurrency: number,
  version: SecretVersion | undefined,
  tokens: TokenCache | undefined,
  onResult: (result: ProbeResult) => void,
): Promise<ProbeResult[]> {
  const { source, checkAccess } = await chooseSecretSource(secretsFile, io.env, io.cwd, version);
  if (checkAccess && probes[0]) await checkAccess(probes[0].credentials.secretId);
  // The engine (undici, jose) is loaded only when probes are about to run: usage errors stay fast.
  const { runProbes } = await import('../../../functions/engine/index.js');
  return runProbes(probes, { secrets: source, ...(tokens ? { tokens } : {}) }, { concurrency, onResult });
}

async function runOnDeployedFunction(
  probes: ResolvedProbe[],
  region: string,
  config: object,
  concurrency: number,
  version: SecretVersion | undefined,
  onResult: (result: ProbeResult) => void,
): Promise<ProbeResult[]> {
  // The AWS SDK is loaded only for a remote run.
  const [{ runRemote }, { deploymentName, deploymentStackName }] = await Promise.all([
    import('../aws/remote-run.js'),
    import('../aws/deployment.js'),
  ]);
  const stackName = deploymentStackName(region, deploymentName(config));
  return runRemote(probes, { region, stackName }, { concurrency, onResult, ...(version ? { version } : {}) });
}
