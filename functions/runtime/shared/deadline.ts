/**
 * Deadlines of AWS SDK calls, without importing the SDK (the CLI loads this without the clients):
 * the settings every client shares and the abort signal every `send` gets. See ./clients.ts.
 */

/** @default 3 attempts (the first call and two retries) */
export const MAX_ATTEMPTS = 3;
/** Per-attempt limits of the HTTP handler (the whole call is bounded by `callDeadline`). */
export const ATTEMPT_LIMITS = { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true } as const;

/** Settings every client shares; tests add `endpoint` and `credentials` to point a real client at 127.0.0.1. */
export function clientConfig(region: string): {
  region: string;
  maxAttempts: number;
  requestHandler: typeof ATTEMPT_LIMITS;
} {
  return { region, maxAttempts: MAX_ATTEMPTS, requestHandler: ATTEMPT_LIMITS };
}

/**
 * The abort signal of one SDK call: fires after `ms` (at least 1 ms), or as soon as `parent` fires
 * (the run's own deadline). Pass it as `client.send(command, { abortSignal })`.
 */
export function callDeadline(ms: number, parent?: AbortSignal): AbortSignal {
  const own = AbortSignal.timeout(Math.max(1, Math.floor(ms)));
  return parent ? AbortSignal.any([parent, own]) : own;
}

/** True for the error an aborted SDK call rejects with (smithy's AbortError, or the signal's TimeoutError). */
export function isAbortError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
