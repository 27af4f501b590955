/**
 * One GET of the heartbeat URL, with a deadline that really aborts it (connect, headers and body).
 * Healthchecks.io, Better Stack, Cronitor and Dead Man's Snitch all take a plain GET as "alive".
 *
 * The URL is a credential (whoever has it can keep the dead man's switch quiet): nothing here returns,
 * logs or throws it, and the outcome carries only the status and a stable error code, never an error's
 * message (Node's `Invalid URL` and fetch errors can quote the input).
 */

export interface PingOutcome {
  ok: boolean;
  status: number | null;
  /** `invalid_url` (not an https URL), `http_status` (answered, not 2xx), `deadline`, `network`. */
  error?: 'invalid_url' | 'http_status' | 'deadline' | 'network';
}

export interface PingOptions {
  deadlineMs: number;
  /** @default the global fetch */
  fetch?: typeof fetch;
}

export async function pingHeartbeat(url: string, options: PingOptions): Promise<PingOutcome> {
  if (!isHttpsUrl(url)) return { ok: false, status: null, error: 'invalid_url' };
  const signal = AbortSignal.timeout(Math.max(1, options.deadlineMs));
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      method: 'GET',
      headers: { 'user-agent': 'oauth-probe-watchdog' },
      signal,
    });
    // Read the (short) answer, within the same deadline, so the connection is released.
    await response.arrayBuffer();
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: 'http_status' };
  } catch {
    return { ok: false, status: null, error: signal.aborted ? 'deadline' : 'network' };
  }
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
