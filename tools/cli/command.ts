/** What every subcommand provides: its options (for strict parsing), its help, and its action. */
import type { OptionSpec } from './args.js';
import type { Io } from './io.js';

export interface Command {
  name: string;
  /** One line for `oauth-probe --help`. */
  summary: string;
  /** The full `oauth-probe <name> --help` text: usage, options, examples. */
  help: string;
  options: OptionSpec;
  /** Runs the command with its own arguments; resolves to the exit code. */
  run(argv: string[], io: Io): Promise<number>;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;
