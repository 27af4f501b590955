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
import { clientConfig } from './deadline.js';

export { ATTEMPT_LIMITS, callDeadline, clientConfig, isAbortError, MAX_ATTEMPTS } from './deadline.js';

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

const secretsByRegion = new Map<string, SecretsManagerClient>();

/** Secrets Manager in a given region (the notifier reads channel secrets in the home region). */
export function secretsManagerClientIn(region: string): SecretsManagerClient {
  let client = secretsByRegion.get(region);
  if (!client) {
    client = new SecretsManagerClient(clientConfig(region));
    secretsByRegion.set(region, client);
  }
  return client;
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
