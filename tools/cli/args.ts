/**
 * Argument parsing with `node:util` parseArgs, strict: an unknown flag, a missing value or a stray
 * positional is a `UsageError` answered in one line that says where to look.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { errorCode } from '../../functions/guards.js';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** Parses `argv` for `command` (used in messages); `allowPositionals` only where a command takes them. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: OptionSpec,
  allowPositionals = false,
): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    throw new UsageError(describeParseError(command, error, options));
  }
}

function describeParseError(command: string, error: unknown, options: OptionSpec): string {
  const help = `see 'oauth-probe ${command} --help'`;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-[^']*)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const known = Object.keys(options)
        .map((name) => `--${name}`)
        .join(', ');
      return `unknown option ${flag ?? ''} for '${command}' (known: ${known}); ${help}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // "Option '-c, --config <value>' argument missing" or "Option '--json' does not take an argument"
      const name = /--([\w-]+)/.exec(message)?.[1];
      const spec = name ? options[name] : undefined;
      return spec?.type === 'string'
        ? `option --${name} needs a value; ${help}`
        : `option --${name} takes no value; ${help}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']*)'/.exec(message)?.[1];
      return `unexpected argument '${arg ?? ''}' for '${command}'; ${help}`;
    }
    default:
      return `${message.split('\n')[0]}; ${help}`;
  }
}

/** A positive integer flag value, e.g. `--concurrency 4`. */
export function positiveInt(name: string, value: string | undefined, fallback: number, max = 1000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got '${value}'`);
  }
  return n;
}
