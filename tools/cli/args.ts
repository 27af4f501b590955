/**
 * Argument parsing with `node:util` parseArgs, strict: an unknown flag, a missing value or a stray
 * positional is a `UsageError` answered in one line that says where to look. The values come back
 * typed from the command's option table (a string, a boolean, a list, or one of an option's
 * `choices`), so commands use them without casts.
 *
 * Conventions (docs/cli.md, "Flags"): POSIX short options, GNU long options (`--name value` or
 * `--name=value`), one meaning per short letter across every command.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { errorCode } from '../../functions/guards.js';
import { nearMiss } from '../../functions/near-miss.js';
import { UsageError } from './errors.js';

/** One option of a command. */
export interface OptionDef {
  type: 'string' | 'boolean';
  /** The one-letter form; the same letter means the same long option in every command. */
  short?: string;
  multiple?: boolean;
  /**
   * The values an enumerated option accepts (matched exactly, else ignoring case); anything else is
   * a usage error with "did you mean". A repeatable one also takes a comma list (`--fault a,b`).
   */
  choices?: readonly string[];
  /**
   * An older short form that still means this option (kept for scripts written before the flags
   * were made consistent; docs/cli.md lists them). Never shown in --help.
   */
  legacyShort?: string;
}

export type OptionSpec = Readonly<Record<string, OptionDef>>;

type Scalar<D extends OptionDef> = D extends { type: 'boolean' }
  ? boolean
  : D extends { choices: readonly (infer C extends string)[] }
    ? C
    : string;

/** The parsed value of one option: absent, or its type (a list when it repeats). */
export type OptionValue<D extends OptionDef> = D extends { multiple: true } ? Scalar<D>[] : Scalar<D>;

export type OptionValues<S extends OptionSpec> = { -readonly [K in keyof S]?: OptionValue<S[K]> };

export interface Parsed<S extends OptionSpec> {
  values: OptionValues<S>;
  positionals: string[];
}

/** Name of the hidden parseArgs option that stands for an option's legacy short form. */
const legacyName = (name: string) => `\u0000legacy:${name}`;

/** Parses `argv` for `command` (used in messages); `allowPositionals` only where a command takes them. */
export function parseCommandArgs<S extends OptionSpec>(
  command: string,
  argv: string[],
  options: S,
  allowPositionals = false,
): Parsed<S> {
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, def] of Object.entries(options)) {
    config[name] = {
      type: def.type,
      ...(def.short ? { short: def.short } : {}),
      ...(def.multiple ? { multiple: true } : {}),
    };
    if (def.legacyShort) {
      config[legacyName(name)] = {
        type: def.type,
        short: def.legacyShort,
        ...(def.multiple ? { multiple: true } : {}),
      };
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: config, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(describeParseError(command, error, options));
  }
  const raw = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(options)) {
    const value = mergeLegacy(raw[name], raw[legacyName(name)]);
    if (value === undefined) continue;
    values[name] = def.choices ? checkChoices(command, name, def, value) : value;
  }
  return { values: values as OptionValues<S>, positionals: parsed.positionals };
}

function mergeLegacy<T>(value: T | T[] | undefined, legacy: T | T[] | undefined): T | T[] | undefined {
  if (legacy === undefined) return value;
  if (value === undefined) return legacy;
  return Array.isArray(value) ? [...value, ...(Array.isArray(legacy) ? legacy : [legacy])] : value;
}

/** The canonical choices a value names; a usage error with "did you mean" for any other. */
function checkChoices(command: string, name: string, def: OptionDef, value: unknown): string | string[] {
  const choices = def.choices ?? [];
  if (!def.multiple) return choice(command, name, String(value), choices);
  const given = (value as string[]).flatMap((item) => item.split(',')).map((item) => item.trim());
  return given.filter((item) => item !== '').map((item) => choice(command, name, item, choices));
}

/**
 * `value` as one of `choices` (exact, else the one that matches ignoring case), or a `UsageError`:
 * `--stage tokn is not one of the stages (did you mean token?)` with the list of values. Also for
 * options whose values come from the config (`--probe`, `--channel`): `noun` names what they are.
 */
export function choice<T extends string>(
  command: string,
  name: string,
  value: string,
  choices: readonly T[],
  noun = `--${name} values`,
): T {
  const exact = choices.find((candidate) => candidate === value);
  if (exact !== undefined) return exact;
  const folded = choices.filter((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  throw unknownChoice(command, name, value, choices, noun);
}

/** The usage error for a value that is not among `choices`. */
export function unknownChoice(
  command: string,
  name: string,
  value: string,
  choices: readonly string[],
  noun = `--${name} values`,
): UsageError {
  const suggestion = nearMiss(value, choices);
  const guess = suggestion ? `did you mean ${suggestion}? ` : '';
  const list = choices.join(', ');
  // A long list goes on a line of its own, so the first line stays readable.
  if (list.length <= 100) return new UsageError(`--${name} ${value}: ${guess}must be one of ${list}`);
  return new UsageError(
    `--${name} ${value}: ${guess}not one of the ${noun} listed below; see 'oauth-probe ${command} --help'`,
    [`  ${noun}: ${list}`],
  );
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
      const guess = flag?.startsWith('--')
        ? nearMiss(
            flag.slice(2),
            Object.keys(options).filter((name) => name !== 'help'),
          )
        : undefined;
      return `unknown option ${flag ?? ''} for '${command}'${guess ? ` (did you mean --${guess}?)` : ''} (known: ${known}); ${help}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // "Option '-c, --config <value>' argument missing" or "Option '--json' does not take an argument"
      const name = /--([\w-]+)/.exec(message)?.[1] ?? legacyOption(message, options);
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

/** The option whose legacy short form a parseArgs message names (`Option '-V, --\0legacy:verbose'`). */
function legacyOption(message: string, options: OptionSpec): string | undefined {
  const short = /'-(\w),/.exec(message)?.[1];
  return Object.entries(options).find(([, def]) => def.legacyShort === short)?.[0];
}

/** ` (did you mean billing-api?)` when `value` looks like a typo of one of `known`, else ''. */
export function didYouMean(value: string, known: readonly string[]): string {
  const meant = nearMiss(value, known);
  return meant ? ` (did you mean ${meant}?)` : '';
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
