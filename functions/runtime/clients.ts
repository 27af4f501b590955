/**
 * AWS SDK clients, created once per Lambda container on first use and reused by every invocation.
 * Each has bounded retries (standard mode, 3 attempts) and socket timeouts, so that a hung endpoint
 * cannot hold the function until its own timeout.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';

/** @default 3 attempts (the first call and two retries) */
export const MAX_ATTEMPTS = 3;
const requestHandler = { connectionTimeout: 2_000, requestTimeout: 5_000 };

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
  secretsManager ??= new SecretsManagerClient({ region: currentRegion(), maxAttempts: MAX_ATTEMPTS, requestHandler });
  return secretsManager;
}

const secretsByRegion = new Map<string, SecretsManagerClient>();

/** Secrets Manager in a given region (the notifier reads channel secrets in the home region). */
export function secretsManagerClientIn(region: string): SecretsManagerClient {
  let client = secretsByRegion.get(region);
  if (!client) {
    client = new SecretsManagerClient({ region, maxAttempts: MAX_ATTEMPTS, requestHandler });
    secretsByRegion.set(region, client);
  }
  return client;
}

export function cloudWatchClient(region = currentRegion()): CloudWatchClient {
  let client = cloudWatch.get(region);
  if (!client) {
    client = new CloudWatchClient({ region, maxAttempts: MAX_ATTEMPTS, requestHandler });
    cloudWatch.set(region, client);
  }
  return client;
}

export function cloudWatchLogsClient(): CloudWatchLogsClient {
  logs ??= new CloudWatchLogsClient({ region: currentRegion(), maxAttempts: MAX_ATTEMPTS, requestHandler });
  return logs;
}

export function snsClient(region = currentRegion()): SNSClient {
  let client = sns.get(region);
  if (!client) {
    client = new SNSClient({ region, maxAttempts: MAX_ATTEMPTS, requestHandler });
    sns.set(region, client);
  }
  return client;
}
