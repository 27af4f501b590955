/**
 * The CLI's exit codes and the one error type that carries a non-zero exit without a stack trace.
 *
 * - 0: every probe passed or was degraded (or the command succeeded)
 * - 1: at least one probe failed
 * - 2: bad usage or config (unknown flag or command, missing file, invalid probes.json)
 * - 70: internal error, i.e. a bug (EX_SOFTWARE)
 */

export const EXIT = {
  ok: 0,
  probeFailed: 1,
  usage: 2,
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Bad usage or an unusable input, answered in one clear line (more lines only for lists of problems).
 * Thrown anywhere in a command; `main` prints `oauth-probe: <message>` and exits 2.
 */
export class UsageError extends Error {
  readonly exitCode: ExitCode = EXIT.usage;
  constructor(
    message: string,
    /** Extra lines after the first (e.g. every config problem), printed as they are. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
