/**
 * AWS SDK clients, created once per Lambda container on first use and reused by every invocation.
 *
 * Two layers bound a call. Per attempt, the request handler: connect within 2 s, and a request that
 * gets no response within 5 s throws (`throwOnRequestTimeout`; without it smithy only logs a warning).
 * Per call, the caller's deadline: every `send` gets an `abortSignal` from `callDeadline`, which aborts
 * the socket, the retry back-off and any further attempt, so the whole call (all attempts) ends by then.
 * The per-attempt timers stop once response headers arrive, so only the abort signal bounds a response
 * that trickles: see /work/shared/integrations.md and docs/runtime.md ("Deadlines").
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';

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

let secretsManager: SecretsManagerClient | undefined;
let logs: CloudWatchLogsClient | undefined;
const cloudWatch = new Map<string, CloudWatchClient>();
const sns = new Map<string, SNSClient>();

/** The function's own region (Lambda sets AWS_REGION). */
export function currentRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** Secrets Manager in the function's own region, so a replicated secret is read from the local replica. */
export function secretsManagerClient(): SecretsManagerClient {
  secretsManager ??= new SecretsManagerClient(clientConfig(currentRegion()));
  return secretsManager;
}

export function cloudWatchClient(region = currentRegion()): CloudWatchClient {
  let client = cloudWatch.get(region);
  if (!client) {
    client = new CloudWatchClient(clientConfig(region));
    cloudWatch.set(region, client);
  }
  return client;
}

export function cloudWatchLogsClient(): CloudWatchLogsClient {
  logs ??= new CloudWatchLogsClient(clientConfig(currentRegion()));
  return logs;
}

export function snsClient(region = currentRegion()): SNSClient {
  let client = sns.get(region);
  if (!client) {
    client = new SNSClient(clientConfig(region));
    sns.set(region, client);
  }
  return client;
}
