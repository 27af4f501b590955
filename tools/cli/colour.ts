/**
 * Plain ANSI colours, on only where someone will see them: a TTY, unless `NO_COLOR` says otherwise;
 * `FORCE_COLOR` wins over both (as in Node's own `tty.getColorDepth`), `FORCE_COLOR=0` turns colour off.
 */

export interface ColourTarget {
  isTTY?: boolean;
}

export type Env = Record<string, string | undefined>;

/** Whether to colour what is written to `stream`. https://no-color.org, https://force-color.org */
export function colourEnabled(stream: ColourTarget, env: Env = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export interface Palette {
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  blue(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export function palette(enabled: boolean): Palette {
  return {
    enabled,
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    blue: wrap(enabled, 34, 39),
    magenta: wrap(enabled, 35, 39),
    cyan: wrap(enabled, 36, 39),
    dim: wrap(enabled, 2, 22),
    bold: wrap(enabled, 1, 22),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Removes ANSI escapes (for width computations and tests). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
