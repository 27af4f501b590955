/**
 * `oauth-probe <command>`: dispatch, global help and version, and the one place errors become exit
 * codes. Expected failures (usage, config, missing files) are one line on stderr and exit 2; a failed
 * probe is a result (exit 1); anything else is a bug, reported as `internal error` with exit 70.
 */
import { readFileSync } from 'node:fs';
import { stripControl } from '../../functions/control-chars.js';
import { awsEnvironmentError } from './aws/errors.js';
import type { Command } from './command.js';
import { EXIT, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';

/**
 * The commands, in the order of the help, each loaded on first use: a command's module pulls in zod,
 * the engine or the AWS SDK, and `oauth-probe --version` or one command should not pay for the others.
 */
const COMMAND_LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  schema: async () => (await import('./commands/schema.js')).schemaCommand,
  cost: async () => (await import('./commands/cost.js')).costCommand,
  'slo-report': async () => (await import('./commands/slo-report.js')).sloReportCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  local: async () => (await import('./commands/local.js')).localCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  preflight: async () => (await import('./commands/preflight.js')).preflightCommand,
  'alert-test': async () => (await import('./commands/alert-test.js')).alertTestCommand(),
  'notify-preview': async () => (await import('./commands/notify-preview.js')).notifyPreviewCommand,
  mute: async () => (await import('./commands/mute.js')).muteCommand,
  unmute: async () => (await import('./commands/mute.js')).unmuteCommand,
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMAND_LOADERS);

export async function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_NAMES.map((name) => COMMAND_LOADERS[name]!()));
}

/**
 * The package's version. This module runs from tools/cli/ (sources, tests) and from dist/tools/cli/
 * (the compiled CLI), so the package.json is two or three levels up.
 */
export function version(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === 'oauth-probe') return pkg.version;
    } catch {
      // not at this level; try the next one
    }
  }
  return 'unknown';
}

export async function globalHelp(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return `oauth-probe ${version()}: synthetic monitor for OAuth 2.0 client-credentials flows

Runs the flow the way a dependent service does (token endpoint, token validation, protected API)
and says where it broke: a verdict (pass, degraded, fail), the stage, a stable code and a hint.

Usage: oauth-probe <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help      show help (oauth-probe <command> --help for a command's options and examples)
  -v, --version   print the version

Examples:
  npx oauth-probe demo                                   # local authorization server + API, failures diagnosed live
  npx oauth-probe local                                  # local servers to probe, with a ready probes.json (until Ctrl-C)
  npx oauth-probe validate --config probes.json
  npx oauth-probe run --config probes.json --secrets local-secrets.json
  npx oauth-probe cost --config probes.json
  npx oauth-probe alert-test                             # after cdk deploy: one alarm per region, end to end

Exit codes: 0 ok (degraded included), 1 a probe failed, 2 bad usage, config or environment (AWS
credentials, region, permissions, network), 70 internal error.
`;
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. Never throws. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return await report(error, io);
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = topic ? await findCommand(topic) : undefined;
    if (first === undefined) {
      // No command is a usage error: the help goes to stderr so that stdout stays empty.
      io.stderr.write(await globalHelp());
      return EXIT.usage;
    }
    io.stdout.write(command ? command.help : await globalHelp());
    return EXIT.ok;
  }
  // `-v` has always printed the version (a contract with scripts); no command uses it for anything else.
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (first === '-V') {
    // One meaning per short flag (docs/cli.md, "Flags"): -V is --verbose, an option of `run`.
    throw new UsageError("-V is --verbose (an option of 'run'); for the version: oauth-probe --version (or -v)");
  }
  return (await findCommand(first)).run(rest, io);
}

async function findCommand(name: string): Promise<Command> {
  const load = Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
  if (load) return load();
  const known = COMMAND_NAMES.join(', ');
  if (name.startsWith('-'))
    throw new UsageError(`unknown option ${name}: give a command first (${known}); see 'oauth-probe --help'`);
  throw new UsageError(`unknown command '${name}' (commands: ${known}); see 'oauth-probe --help'`);
}

async function report(error: unknown, io: Io): Promise<number> {
  // Loaded here, not at the top: the config modules bring zod, which `--version` does not need.
  const [{ ConfigError }, { configUsageError }] = await Promise.all([
    import('../../functions/config/problems.js'),
    import('./config.js'),
  ]);
  // An AWS SDK error no command explained (credentials, region, permissions, network) is still the
  // caller's environment, never a bug: the same one line as everywhere (./aws/errors.ts), exit 2.
  const usage =
    error instanceof ConfigError
      ? configUsageError(error.source ?? 'config', error.problems)
      : (awsEnvironmentError(error) ?? error);
  if (usage instanceof UsageError) {
    // Messages may quote a server or AWS (an error text, a name): no escape sequence reaches the terminal.
    io.stderr.write(`oauth-probe: ${stripControl(usage.message)}\n`);
    for (const line of usage.details) io.stderr.write(`${stripControl(line)}\n`);
    return usage.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`oauth-probe: internal error: ${stripControl(message.split('\n')[0] ?? '')}\n`);
  if (io.env.OAUTH_PROBE_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}
