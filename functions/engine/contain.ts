/**
 * Bounds on what a result may carry. Everything in a result that came from a server (claims, messages,
 * warnings, URLs) is untrusted: a 6000-deep `aud` or a 1 MB error_description must not make
 * `JSON.stringify` throw, a log line exceed its limit, or one probe cost the results of the others.
 * `containResult` is applied to every result as it leaves the engine; it works on values, never on
 * serialized text, so a scrubbing pattern can never cut a JSON document in two.
 */
import { redactPatterns, stripControl } from './redact.js';
import type { ProbeResult } from './result.js';

export const RESULT_LIMITS = {
  /** Nesting below the result's own structure (result → exchanges → exchange → timings is 3). */
  maxDepth: 8,
  /** Characters of one string (a message is already one short line; this is for what slipped through). */
  maxString: 2000,
  /** Items of one array (exchanges, warnings, scopes, an `aud` list). */
  maxItems: 100,
  /** Members of one object. */
  maxKeys: 50,
} as const;

const TOO_DEEP = '[too deep]';

/**
 * A copy of `value` that is plain JSON within the limits: strings without control characters or
 * secret-shaped text and cut at `maxString`, finite numbers only, arrays and objects bounded in size
 * and depth. Never throws for any input.
 */
export function boundJson(value: unknown, depth = 0, limits = RESULT_LIMITS): unknown {
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case 'string':
      return boundString(value, limits.maxString);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'object': {
      if (depth >= limits.maxDepth) return TOO_DEEP;
      if (Array.isArray(value)) {
        return value.slice(0, limits.maxItems).map((item) => boundJson(item, depth + 1, limits) ?? null);
      }
      const out: Record<string, unknown> = {};
      let count = 0;
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined) continue;
        if (count++ >= limits.maxKeys) break;
        out[boundString(key, 200)] = boundJson(item, depth + 1, limits);
      }
      return out;
    }
    default:
      // bigint, function, symbol: never in a result; dropped rather than thrown on.
      return null;
  }
}

function boundString(text: string, max: number): string {
  // One line: no field of a result spans lines, and a CR or LF from a server could forge a log line.
  const clean = redactPatterns(stripControl(text.length > max * 4 ? text.slice(0, max * 4) : text)).replace(
    /[\r\n\t]+/g,
    ' ',
  );
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The result, bounded and scrubbed value by value (see `boundJson`). */
export function containResult(result: ProbeResult): ProbeResult {
  return boundJson(result) as ProbeResult;
}

/** JSON of one result; a result that cannot be serialized (a bug) becomes a minimal failing one. */
export function resultJson(result: ProbeResult, space?: number): string {
  try {
    return JSON.stringify(containResult(result), null, space);
  } catch (error) {
    return JSON.stringify(
      {
        probe: String(result?.probe ?? '?'),
        status: 'fail',
        stage: null,
        step: null,
        code: 'internal_error',
        message: `internal error: the result could not be serialized (${error instanceof Error ? error.name : 'error'})`,
        hint: 'a bug in oauth-probe, not in the probed system: please report it with this message.',
        httpStatus: null,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        exchanges: [],
        token: null,
        warnings: [],
      },
      null,
      space,
    );
  }
}
