/**
 * One HTTP POST of a JSON body to a vendor endpoint, with a deadline that really aborts it, and the
 * vendor's retry guidance: 429 and 5xx (and network errors) are retried after `Retry-After` or a short
 * back-off, within the deadline; any other 4xx is a configuration error and never retried.
 *
 * Node's global fetch (undici) is used rather than a client library: the vendors' own SDKs (PagerDuty,
 * Slack) would add dependencies for one POST each. Nothing here logs or returns the URL: a webhook URL
 * is a secret.
 */

export interface PostOutcome {
  ok: boolean;
  status: number | null;
  attempts: number;
  /** `config_error` (4xx other than 429: fix the config, retrying cannot help), `retry_exhausted`, `deadline`. */
  error?: 'config_error' | 'retry_exhausted' | 'deadline' | 'network';
  /** The vendor's short answer (for a 400: what was wrong), truncated; never the request. */
  detail?: string;
}

export interface PostOptions {
  /** Whole delivery (every attempt) ends by then. @default 8000 ms */
  deadlineMs?: number;
  /** @default 3 */
  maxAttempts?: number;
  /** Waits between attempts unless Retry-After says otherwise. @default [250, 1000] ms */
  backoffMs?: readonly number[];
  /** Longest Retry-After honoured; beyond it the delivery gives up (Lambda's retry takes over). @default 5000 */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const DEFAULT_DELIVERY_DEADLINE_MS = 8_000;

export async function postJson(url: string, body: unknown, options: PostOptions = {}): Promise<PostOutcome> {
  const deadline = AbortSignal.timeout(options.deadlineMs ?? DEFAULT_DELIVERY_DEADLINE_MS);
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? abortableSleep;
  const maxAttempts = options.maxAttempts ?? 3;
  const backoff = options.backoffMs ?? [250, 1_000];
  const text = JSON.stringify(body);
  let last: PostOutcome = { ok: false, status: null, attempts: 0, error: 'network' };
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    let wait = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1_000;
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
        signal: deadline,
        redirect: 'error',
      });
      const detail = (await response.text().catch(() => '')).slice(0, 300);
      if (response.ok) return { ok: true, status: response.status, attempts: attempt };
      const retryable = response.status === 429 || response.status >= 500;
      last = {
        ok: false,
        status: response.status,
        attempts: attempt,
        error: retryable ? 'retry_exhausted' : 'config_error',
        ...(detail ? { detail } : {}),
      };
      if (!retryable) return last;
      const after = retryAfterMs(response.headers.get('retry-after'));
      if (after !== undefined) {
        if (after > (options.maxRetryAfterMs ?? 5_000)) return last;
        wait = after;
      }
    } catch {
      if (deadline.aborted) return { ...last, attempts: attempt, error: 'deadline' };
      last = { ok: false, status: null, attempts: attempt, error: 'network' };
    }
    if (attempt < maxAttempts) {
      try {
        await sleep(wait, deadline);
      } catch {
        return { ...last, error: 'deadline' };
      }
    }
  }
  return last;
}

/** `Retry-After` as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
