/**
 * Makes the output of a real run reproducible for the docs: everything that changes from one run to
 * the next (ports, times, durations, key ids, temp folders) is replaced by a fixed value, and nothing
 * else is touched. Results are normalised as objects (so that the timing waterfall the CLI draws from
 * them is stable too); printed text by the few patterns below.
 */
import type { Exchange, ProbeResult } from '../../functions/engine/index.js';

/** The start time every sample result claims. */
export const SAMPLE_STARTED_AT = '2026-12-01T20:00:00.000Z';
/** The `kid` of the local authorization server's signing key, generated at every start. */
export const SAMPLE_KID = 'local-signing-key-1';

/** Plausible loopback timings by phase; a slow answer keeps its measured second (rounded to 3 s). */
const PHASE_MS = { dnsMs: 0.2, connectMs: 0.9, tlsMs: 3.4, firstByteMs: 2.3 } as const;
/** Time to first byte by exchange: the token endpoint does the most work. */
const FIRST_BYTE_MS: Record<string, number> = { token: 6.1, discovery: 2.8, jwks: 1.2 };
const SLOW_FIRST_BYTE_MS = 3004;
const DOWNLOAD_MS = 0.4;

/** One result with fixed timings, start time and key id; hints and messages quote the new durations. */
export function normaliseResult(result: ProbeResult): ProbeResult {
  let elapsed = 0;
  let message = result.message;
  let hint = result.hint;
  const exchanges = result.exchanges.map((exchange): Exchange => {
    const before = Math.round(exchange.timings.totalMs);
    const timings = normaliseTimings(exchange);
    elapsed += timings.totalMs;
    // `took 3078 ms` in the message and hint of a slow answer: the new figure.
    const quoted = new RegExp(`\\b${before} ms\\b`, 'g');
    if (exchange.code === 'slow_response') {
      message = message?.replace(quoted, `${Math.round(timings.totalMs)} ms`) ?? null;
      hint = hint?.replace(quoted, `${Math.round(timings.totalMs)} ms`) ?? null;
    }
    return { ...exchange, timings };
  });
  const token = result.token?.claims?.kid
    ? { ...result.token, claims: { ...result.token.claims, kid: SAMPLE_KID } }
    : result.token;
  return {
    ...result,
    message,
    hint,
    startedAt: SAMPLE_STARTED_AT,
    durationMs: Math.round(elapsed + 2),
    exchanges,
    token,
  };
}

function normaliseTimings(exchange: Exchange): Exchange['timings'] {
  const measured = exchange.timings;
  const timings: Exchange['timings'] = { totalMs: 0 };
  let total = 0;
  for (const phase of ['dnsMs', 'connectMs', 'tlsMs', 'firstByteMs'] as const) {
    if (typeof measured[phase] !== 'number') continue;
    const ms =
      phase !== 'firstByteMs'
        ? PHASE_MS[phase]
        : exchange.code === 'slow_response'
          ? SLOW_FIRST_BYTE_MS
          : (FIRST_BYTE_MS[exchange.name] ?? PHASE_MS.firstByteMs);
    timings[phase] = ms;
    total += ms;
  }
  // No answer: the time went into the phase that never completed (connect, for a refused connection).
  const answered = typeof measured.firstByteMs === 'number';
  timings.totalMs = Math.round((total + (answered ? DOWNLOAD_MS : PHASE_MS.connectMs)) * 10) / 10;
  // A timeout took as long as the timeout: the measured time in whole seconds (a late timer adds ms).
  if (exchange.code === 'timeout') timings.totalMs = Math.floor(measured.totalMs / 1000) * 1000;
  return timings;
}

export interface TextNormaliser {
  /** Loopback ports by role, each replaced by its fixed sample port. */
  ports: Map<number, number>;
  /** Folders to show as another path (a temp folder as the clone's folder, say). */
  paths?: [from: string, to: string][];
  /** Leave ISO times alone (they were fixed before the text was made). @default false */
  keepTimes?: boolean;
}

/** The fixed ports the samples show: the authorization server first, then the API. */
export const SAMPLE_PORTS = [34441, 39025] as const;

/** Replaces ports, paths, ISO times (in order of appearance) and "in 6.5 s" totals in printed text. */
export function normaliseText(text: string, normaliser: TextNormaliser): string {
  let out = text;
  for (const [from, to] of normaliser.paths ?? []) out = out.replaceAll(from, to);
  out = out.replace(/127\.0\.0\.1:(\d+)/g, (match, port: string) => {
    const fixed = normaliser.ports.get(Number(port));
    if (fixed === undefined) throw new Error(`unexpected port in a sample: ${match}`);
    return `127.0.0.1:${fixed}`;
  });
  if (!normaliser.keepTimes) out = normaliseTimes(out);
  return out.replace(/\bin \d+(\.\d+)? s$/gm, 'in 6.2 s');
}

/**
 * Each distinct time becomes one of a fixed sequence a minute apart, in the format it had, keeping
 * their order in time (the last good run before the failed run before the alarm).
 */
function normaliseTimes(text: string): string {
  const iso = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?(Z|\+0000)/g;
  const instant = (match: string) => Date.parse(match.replace('+0000', 'Z'));
  const fixedStart = SAMPLE_STARTED_AT.slice(0, 19);
  const distinct = [...new Set([...text.matchAll(iso)].map((m) => m[0]).filter((t) => !t.startsWith(fixedStart)))];
  const order = [...new Set(distinct.map(instant))].sort((a, b) => a - b);
  return text.replace(iso, (match, _fraction: string | undefined, zone: string) => {
    if (match.startsWith(fixedStart)) return match;
    const at = new Date(Date.parse(SAMPLE_STARTED_AT) + (order.indexOf(instant(match)) + 1) * 60_000).toISOString();
    return zone === '+0000' ? at.replace('Z', '+0000') : at;
  });
}
