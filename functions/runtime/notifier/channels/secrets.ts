/**
 * The channel credentials (PagerDuty routing keys, Slack and Teams webhook URLs) from Secrets Manager in
 * the home region, cached per warm container, each read bounded by a deadline that aborts it. A value
 * is plain text or JSON with one of the documented keys. Errors name the secret id, never the value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** @default 300 s: a rotated webhook is picked up within five minutes. */
export const CHANNEL_SECRET_TTL_MS = 300_000;
export const CHANNEL_SECRET_DEADLINE_MS = 3_000;

export class ChannelSecretError extends Error {
  readonly code = 'channel_secret_unavailable';
  constructor(
    readonly secretId: string,
    reason: string,
  ) {
    super(`channel secret ${secretId}: ${reason}`);
    this.name = 'ChannelSecretError';
  }
}

export interface ChannelSecrets {
  /** The value under `keys` (JSON) or the whole text. */
  read(secretId: string, keys: readonly string[]): Promise<string>;
}

export function secretsManagerChannelSecrets(
  client: () => SecretsManagerClient,
  now: () => number = Date.now,
): ChannelSecrets {
  const cache = new Map<string, { text: string; at: number }>();
  return {
    async read(secretId, keys) {
      const cached = cache.get(secretId);
      let text = cached && now() - cached.at < CHANNEL_SECRET_TTL_MS ? cached.text : undefined;
      if (text === undefined) {
        try {
          const output = await client().send(new GetSecretValueCommand({ SecretId: secretId }), {
            abortSignal: AbortSignal.timeout(CHANNEL_SECRET_DEADLINE_MS),
          });
          text = output.SecretString;
        } catch (error) {
          if (cached) return pick(secretId, cached.text, keys);
          throw new ChannelSecretError(secretId, (error as { name?: string })?.name ?? 'read failed');
        }
        if (!text) throw new ChannelSecretError(secretId, 'no SecretString');
        cache.set(secretId, { text, at: now() });
      }
      return pick(secretId, text, keys);
    },
  };
}

/** Plain text, or the first of `keys` in a JSON object. */
export function pick(secretId: string, text: string, keys: readonly string[]): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const value = JSON.parse(trimmed) as Record<string, unknown>;
    for (const key of keys) {
      if (typeof value[key] === 'string' && value[key]) return value[key] as string;
    }
  } catch {}
  throw new ChannelSecretError(secretId, `JSON without a string field ${keys.map((k) => `"${k}"`).join(' or ')}`);
}

/** Secrets from a fixed map (tests, `notify-preview`). */
export function staticChannelSecrets(values: Record<string, string>): ChannelSecrets {
  return {
    async read(secretId, keys) {
      const text = values[secretId];
      if (text === undefined) throw new ChannelSecretError(secretId, 'not found');
      return pick(secretId, text, keys);
    },
  };
}
