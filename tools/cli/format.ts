/**
 * Human output of probe results: one line per probe with a coloured verdict, then for anything not
 * passing (every probe with `verbose`) the stage, step, code, hint, HTTP status, warnings and a timing
 * waterfall of every exchange. Pure functions from `ProbeResult` to text, shared by `run` and `demo`.
 * Only fields of the result are printed, and the result never carries a secret or a token.
 */
import type {
  DEGRADED_CODE,
  Exchange,
  ExchangeTimings,
  ProbeResult,
  ProbeStatus,
  Warning,
} from '../../functions/engine/index.js';
import { type Palette, stripAnsi } from './colour.js';

/**
 * The engine's DEGRADED_CODE, checked against it by type: a value import would load the whole engine at
 * CLI start-up (tsx does not tree-shake), and only `run` needs the engine, which it imports lazily.
 */
const DEGRADED: typeof DEGRADED_CODE = 'slow_response';

export interface FormatOptions {
  palette: Palette;
  /** Details and waterfall for every probe, not only those that did not pass. @default false */
  verbose?: boolean;
  /** Width of the probe-name column. @default the name's length */
  nameWidth?: number;
  /** Width of the waterfall bars, in columns. @default 32 */
  barWidth?: number;
}

const VERDICT: Record<ProbeStatus, string> = { pass: 'PASS', degraded: 'DEGRADED', fail: 'FAIL' };
const VERDICT_WIDTH = 8;

export function verdict(status: ProbeStatus, p: Palette): string {
  const label = VERDICT[status].padEnd(VERDICT_WIDTH);
  if (status === 'pass') return p.green(p.bold(label));
  if (status === 'degraded') return p.yellow(p.bold(label));
  return p.red(p.bold(label));
}

/** `412 ms`, `3.4 ms`, `1.2 s` */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 10 && !Number.isInteger(ms)) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** `PASS      billing-api    412 ms` and, when not passing, `token · invalid_client · HTTP 401`. */
export function formatResultLine(result: ProbeResult, options: FormatOptions): string {
  const p = options.palette;
  const name = result.probe.padEnd(options.nameWidth ?? result.probe.length);
  const where = result.status === 'pass' ? '' : `  ${whereText(result, p)}`;
  // token.reuse: this run sent no token request (run --repeat shows it from the second round on).
  const reused = result.token?.reused === true ? `  ${p.dim('token reused')}` : '';
  return `${verdict(result.status, p)}  ${p.bold(name)}  ${formatMs(result.durationMs).padStart(8)}${where}${reused}`;
}

function whereText(result: ProbeResult, p: Palette): string {
  const parts: string[] = [];
  if (result.stage) parts.push(result.step ? `${result.stage} (step ${result.step})` : result.stage);
  if (result.code) parts.push(result.status === 'fail' ? p.red(result.code) : p.yellow(result.code));
  if (result.httpStatus !== null && result.httpStatus !== undefined) parts.push(`HTTP ${result.httpStatus}`);
  return parts.join(p.dim(' · '));
}

/**
 * The verdict line plus, when not passing or when verbose, the details and the waterfall. Results come
 * contained from the engine (`containResult`): server text arrives without escape sequences (clear
 * screen, window title, OSC 52 clipboard writes) or other control characters, and bounded in size.
 */
export function formatResult(result: ProbeResult, options: FormatOptions): string {
  const lines = [formatResultLine(result, options)];
  if (result.status !== 'pass' || options.verbose) lines.push(...formatDetails(result, options));
  // A pass is not the whole story when something expires soon or crosses the network in clear text:
  // its warnings show under the PASS line without --verbose.
  else lines.push(...result.warnings.map((warning) => warningRow(warning, options.palette)));
  return `${lines.join('\n')}\n`;
}

function detailRow(label: string, value: string, p: Palette): string {
  return `    ${p.dim(label.padEnd(10))} ${value}`;
}

function warningRow(warning: Warning, p: Palette): string {
  return detailRow('warning', `${p.yellow(warning.code)}: ${warning.message}`, p);
}

function formatDetails(result: ProbeResult, options: FormatOptions): string[] {
  const p = options.palette;
  const indent = '    ';
  const row = (label: string, value: string) => detailRow(label, value, p);
  const lines: string[] = [];
  if (result.stage) lines.push(row('stage', result.step ? `${result.stage}, step ${result.step}` : result.stage));
  if (result.code) {
    const status = result.httpStatus !== null && result.httpStatus !== undefined ? `  HTTP ${result.httpStatus}` : '';
    lines.push(row('code', `${result.status === 'fail' ? p.red(result.code) : p.yellow(result.code)}${status}`));
  }
  if (result.message) lines.push(row('message', result.message));
  if (result.hint) lines.push(row('hint', p.cyan(result.hint)));
  for (const warning of result.warnings) lines.push(warningRow(warning, p));
  if (result.token && (options.verbose || result.status !== 'pass')) lines.push(row('token', tokenText(result)));
  if (result.credentialDaysLeft !== undefined) {
    lines.push(row('credential', `expires in ${result.credentialDaysLeft} days`));
  }
  if (result.exchanges.length > 0) {
    lines.push(`${indent}${p.dim('requests')}`);
    lines.push(...formatWaterfall(result.exchanges, options).map((line) => `${indent}  ${line}`));
  }
  return lines;
}

function tokenText(result: ProbeResult): string {
  const token = result.token!;
  const parts = [token.type ?? 'no token_type', token.format];
  if (token.reused) parts.push('reused from an earlier run');
  if (token.expiresIn !== null) parts.push(`expires in ${token.expiresIn} s`);
  parts.push(token.scopes.length > 0 ? `scopes ${token.scopes.join(' ')}` : 'no scopes');
  if (token.claims?.kid) parts.push(`kid ${token.claims.kid}`);
  if (token.claims?.alg) parts.push(token.claims.alg);
  return parts.join(', ');
}

interface Segment {
  ms: number;
  char: string;
  colour: (text: string) => string;
}

/** The characters of the waterfall bars, in phase order, also printed as the legend. */
export const WATERFALL_LEGEND = [
  ['░', 'DNS'],
  ['▒', 'connect'],
  ['▓', 'TLS'],
  ['█', 'first byte'],
  ['─', 'download'],
] as const;

/**
 * A table of every exchange of the run: status, DNS, connect, TLS, first byte and total, and a bar on
 * a common time axis (requests are made one after another, so each bar starts where the previous one
 * ended): where the time went, and which request broke, at a glance.
 *
 *   request        status  DNS  connect   TLS  first byte  total
 *   token          200       –     3 ms  8 ms       12 ms  25 ms  ▒▓▓▓█████─
 *   list-invoices  403       –     2 ms  4 ms        5 ms  12 ms            ▒▓▓██─  ✗ insufficient_scope
 */
export function formatWaterfall(exchanges: readonly Exchange[], options: FormatOptions): string[] {
  const p = options.palette;
  const width = options.barWidth ?? 32;
  const scale = Math.max(
    1,
    exchanges.reduce((sum, e) => sum + e.timings.totalMs, 0),
  );
  const header = ['request', 'status', 'DNS', 'connect', 'TLS', 'first byte', 'total'];
  const rows = exchanges.map((e) => [
    e.name,
    e.status === null ? '–' : String(e.status),
    cell(e.timings.dnsMs),
    cell(e.timings.connectMs),
    cell(e.timings.tlsMs),
    cell(e.timings.firstByteMs),
    formatMs(e.timings.totalMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (row: string[]) => row.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [p.dim(pad(header))];
  let offset = 0;
  exchanges.forEach((e, index) => {
    const row = rows[index]!;
    let text = pad(row);
    if (e.status === null || e.status >= 400) {
      // Colour the status cell of an exchange that got no answer or an error answer.
      const statusStart = widths[0]! + 2;
      const statusCell = text.slice(statusStart, statusStart + widths[1]!);
      text = text.slice(0, statusStart) + p.red(statusCell) + text.slice(statusStart + widths[1]!);
    }
    const bar = waterfallBar(e.timings, e.status !== null, e.url.startsWith('https:'), offset, scale, width, p);
    offset += e.timings.totalMs;
    const mark = !e.code ? '' : e.code === DEGRADED ? `  ${p.yellow(`▲ ${e.code}`)}` : `  ${p.red(`✗ ${e.code}`)}`;
    const cert = e.certDaysLeft !== undefined ? p.dim(`  cert ${e.certDaysLeft} d`) : '';
    lines.push(`${text}  ${bar}${mark}${cert}`);
  });
  const legend = WATERFALL_LEGEND.map(([char, label], i) => `${legendColour(i, p)(char)} ${label}`).join('  ');
  lines.push(`${' '.repeat(widths.reduce((a, b) => a + b + 2, 0))}${legend}`);
  return lines;
}

function cell(ms: number | undefined): string {
  return ms === undefined ? '–' : formatMs(ms);
}

function legendColour(index: number, p: Palette): (text: string) => string {
  return [p.cyan, p.yellow, p.magenta, p.green, p.blue][index] ?? ((t: string) => t);
}

function waterfallBar(
  t: ExchangeTimings,
  answered: boolean,
  https: boolean,
  offset: number,
  scale: number,
  width: number,
  p: Palette,
): string {
  const dns = t.dnsMs ?? 0;
  const connect = t.connectMs ?? 0;
  const tls = t.tlsMs ?? 0;
  const firstByte = t.firstByteMs ?? 0;
  const rest = Math.max(0, t.totalMs - dns - connect - tls - firstByte);
  const phases = [dns, connect, tls, firstByte, 0];
  // Without a response, the time left over went into the phase that never completed, not a download.
  let restPhase = 4;
  if (!answered) {
    if (t.connectMs === undefined) restPhase = 1;
    else if (https && t.tlsMs === undefined) restPhase = 2;
    else restPhase = 3;
  }
  phases[restPhase]! += rest;
  const segments: Segment[] = phases.map((ms, i) => ({
    ms,
    char: WATERFALL_LEGEND[i]![0],
    colour: legendColour(i, p),
  }));
  const at = (ms: number) => Math.min(width, Math.round((ms / scale) * width));
  const start = at(offset);
  let out = ' '.repeat(start);
  let cursor = offset;
  let drawn = 0;
  for (const segment of segments) {
    const cells = at(cursor + segment.ms) - at(cursor);
    cursor += segment.ms;
    if (cells > 0) out += segment.colour(segment.char.repeat(cells));
    drawn += Math.max(0, cells);
  }
  // Every request shows at least one cell, however short.
  if (drawn === 0) out += legendColour(3, p)(WATERFALL_LEGEND[3][0]);
  // Pad to the full width so that what follows the bars lines up.
  return out + ' '.repeat(Math.max(0, width - stripAnsi(out).length));
}

export interface Tally {
  pass: number;
  degraded: number;
  fail: number;
}

export function tally(results: readonly ProbeResult[]): Tally {
  const counts: Tally = { pass: 0, degraded: 0, fail: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

/** `3 probes: 1 passed (1 with warnings), 1 degraded, 1 failed in 1.2 s` */
export function formatSummary(results: readonly ProbeResult[], elapsedMs: number, p: Palette): string {
  const t = tally(results);
  const warned = results.filter((r) => r.status === 'pass' && r.warnings.length > 0).length;
  const parts = [`${p.green(`${t.pass} passed`)}${warned > 0 ? p.yellow(` (${warned} with warnings)`) : ''}`];
  if (t.degraded > 0) parts.push(p.yellow(`${t.degraded} degraded`));
  if (t.fail > 0) parts.push(p.red(`${t.fail} failed`));
  const noun = results.length === 1 ? 'probe' : 'probes';
  return `${results.length} ${noun}: ${parts.join(', ')} in ${formatMs(elapsedMs)}\n`;
}

/** Visible width of a string (ANSI escapes do not count). */
export function visibleWidth(text: string): number {
  return stripAnsi(text).length;
}
