/**
 * `oauth-probe <command>`: dispatch, global help and version, and the one place errors become exit
 * codes. Expected failures (usage, config, missing files) are one line on stderr and exit 2; a failed
 * probe is a result (exit 1); anything else is a bug, reported as `internal error` with exit 70.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../functions/config/load.js';
import type { Command } from './command.js';
import { costCommand } from './commands/cost.js';
import { demoCommand } from './commands/demo.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { sloReportCommand } from './commands/slo-report.js';
import { validateCommand } from './commands/validate.js';
import { configUsageError } from './config.js';
import { EXIT, UsageError } from './errors.js';
import { type Io, processIo } from './io.js';

export const COMMANDS: readonly Command[] = [
  runCommand,
  validateCommand,
  schemaCommand,
  costCommand,
  sloReportCommand,
  demoCommand,
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `oauth-probe ${version()}: synthetic monitor for OAuth 2.0 client-credentials flows

Runs the flow the way a dependent service does (token endpoint, token validation, protected API)
and says where it broke: a verdict (pass, degraded, fail), the stage, a stable code and a hint.

Usage: oauth-probe <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help      show help (oauth-probe <command> --help for a command's options and examples)
  -v, --version   print the version

Examples:
  npx oauth-probe demo                                   # local authorization server + API, failures diagnosed live
  npx oauth-probe validate --config probes.json
  npx oauth-probe run --config probes.json --secrets local-secrets.json
  npx oauth-probe cost --config probes.json

Exit codes: 0 ok (degraded included), 1 a probe failed, 2 bad usage or config, 70 internal error.
`;
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. Never throws. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = topic ? findCommand(topic) : undefined;
    if (first === undefined) {
      // No command is a usage error: the help goes to stderr so that stdout stays empty.
      io.stderr.write(globalHelp());
      return EXIT.usage;
    }
    io.stdout.write(command ? command.help : globalHelp());
    return EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  return findCommand(first).run(rest, io);
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const known = COMMANDS.map((c) => c.name).join(', ');
  if (name.startsWith('-'))
    throw new UsageError(`unknown option ${name}: give a command first (${known}); see 'oauth-probe --help'`);
  throw new UsageError(`unknown command '${name}' (commands: ${known}); see 'oauth-probe --help'`);
}

function report(error: unknown, io: Io): number {
  const usage = error instanceof ConfigError ? configUsageError(error.source ?? 'config', error.problems) : error;
  if (usage instanceof UsageError) {
    io.stderr.write(`oauth-probe: ${usage.message}\n`);
    for (const line of usage.details) io.stderr.write(`${line}\n`);
    return usage.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`oauth-probe: internal error: ${message.split('\n')[0]}\n`);
  if (io.env.OAUTH_PROBE_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}
