/**
 * `preflight`'s check of the secrets the alert path reads at the worst moment, during an incident:
 * PagerDuty routing keys, Slack and Teams webhook URLs (the notifiers read them from the home region)
 * and the watchdog's heartbeat URL. A missing secret, or one without the field the function looks for,
 * is found before the deploy instead of in the notifier's `channel_secret_unavailable` log line, or as a
 * watchdog that never pings. Values are read to check their shape and never printed, not even in part.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProbesConfig } from '../../../functions/config/schema.js';
import { ROUTING_KEY_FIELDS, WEBHOOK_URL_FIELDS } from '../../../functions/runtime/notifier/channels/fan-out.js';
import { pick } from '../../../functions/runtime/notifier/channels/secrets.js';
import { AWS_CALL_DEADLINE_MS, awsErrorText } from './deployment.js';
import { throwIfAwsEnvironment } from './errors.js';

/** One line of `preflight` (its `Finding`): what was checked and, when not ok, the fix. */
export interface SecretFinding {
  ok: boolean;
  text: string;
}

/** The heartbeat secret's field (functions/runtime/watchdog/run.ts reads `url`). */
const HEARTBEAT_URL_FIELDS = ['url'] as const;

export interface NotificationSecret {
  secretId: string;
  /** Who reads it, for the finding: `PagerDuty routing key of target "pager"`. */
  use: string;
  /** JSON fields the reader takes, else the whole text. */
  fields: readonly string[];
  /** A URL must be https (webhooks, heartbeat); a key must only be non-empty. */
  value: 'https-url' | 'key';
}

/** Every secret the notifiers and the watchdog read, once per use (two targets may share one), in config order. */
export function notificationSecrets(config: Pick<ProbesConfig, 'notifications'>): NotificationSecret[] {
  const found: NotificationSecret[] = [];
  for (const [name, target] of Object.entries(config.notifications?.targets ?? {})) {
    if (target.pagerDuty) {
      found.push({
        secretId: target.pagerDuty.routingKeySecretId,
        use: `PagerDuty routing key of target "${name}"`,
        fields: ROUTING_KEY_FIELDS,
        value: 'key',
      });
    }
    for (const kind of ['slack', 'teams'] as const) {
      const channel = target[kind];
      if (channel) {
        found.push({
          secretId: channel.webhookSecretId,
          use: `${kind === 'slack' ? 'Slack' : 'Teams'} webhook of target "${name}"`,
          fields: WEBHOOK_URL_FIELDS,
          value: 'https-url',
        });
      }
    }
  }
  const heartbeat = config.notifications?.heartbeat;
  if (heartbeat) {
    found.push({
      secretId: heartbeat.urlSecretId,
      use: 'heartbeat URL of the watchdog',
      fields: HEARTBEAT_URL_FIELDS,
      value: 'https-url',
    });
  }
  return found;
}

/** One secret in the home region: exists, and holds what its reader takes (never printed). */
export async function checkNotificationSecret(
  client: SecretsManagerClient,
  secret: NotificationSecret,
  region: string,
): Promise<SecretFinding> {
  const what = `secret ${secret.secretId} (${secret.use}) in ${region}`;
  let text: string | undefined;
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secret.secretId }), {
      abortSignal: AbortSignal.timeout(AWS_CALL_DEADLINE_MS),
    });
    text = output.SecretString;
  } catch (error) {
    throwIfAwsEnvironment(error, {
      service: 'Secrets Manager',
      region,
      action: 'secretsmanager:GetSecretValue',
      deadlineMs: AWS_CALL_DEADLINE_MS,
    });
    if (/NotFound|does not exist/i.test(`${(error as Error).name} ${(error as Error).message}`)) {
      return {
        ok: false,
        text: `${what}: not found (create it in the home region: aws secretsmanager create-secret --region ${region} --name ${secret.secretId} --secret-string file://value.txt)`,
      };
    }
    return { ok: false, text: `${what}: cannot be read (${awsErrorText(error)})` };
  }
  const shape = secretShapeProblem(secret, text ?? '');
  return shape ? { ok: false, text: `${what}: ${shape}` } : { ok: true, text: `${what}: exists, ${describe(secret)}` };
}

/** What is wrong with the value, in words that never quote it; undefined when the reader can use it. */
export function secretShapeProblem(secret: NotificationSecret, text: string): string | undefined {
  const fields = secret.fields.map((f) => `"${f}"`).join(' or ');
  if (!text.trim())
    return `empty: store ${secret.value === 'key' ? 'the key' : 'the URL'} as plain text or JSON with ${fields}`;
  let value: string;
  try {
    value = pick(secret.secretId, text, secret.fields);
  } catch {
    return `JSON without a string field ${fields}: add it, or store the value as plain text`;
  }
  if (secret.value === 'key') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL: store the full https:// URL ${text.trim().startsWith('{') ? `under ${fields}` : 'as plain text'}`;
  }
  return url.protocol === 'https:'
    ? undefined
    : `an ${url.protocol.replace(':', '')} URL: the service's https:// URL is needed`;
}

function describe(secret: NotificationSecret): string {
  return secret.value === 'key' ? 'holds a key' : 'holds an https URL';
}
