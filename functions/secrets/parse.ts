/**
 * Parsing a stored credential into the engine's `ClientSecret`, shared by every secret source (local
 * file, AWS Secrets Manager). Errors name the field, never a value: the text of a secret must not reach
 * a log line even when it is malformed.
 */
import { type ClientSecret, CredentialsError } from '../engine/index.js';
import { isRecord, parseJsonObject } from '../guards.js';

const STRING_FIELDS = [
  'dpop_private_key',
  'dpop_algorithm',
  'introspection_client_id',
  'introspection_client_secret',
  'client_id',
  'client_secret',
  'private_key',
  'key_id',
  'algorithm',
  'certificate',
  'expires_at',
] as const;

/** Parses the JSON text of a secret. Throws `CredentialsError('secret_malformed')`. */
export function parseSecretString(text: string, secretId: string): ClientSecret {
  const parsed = parseJsonObject(text);
  if (!parsed.ok && parsed.reason === 'syntax') {
    // The JSON parser's message quotes the text around the error: never pass it on.
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}" is not valid JSON: store a JSON object such as {"client_id": "...", "client_secret": "..."}`,
    );
  }
  return parseSecretObject(parsed.ok ? parsed.value : undefined, secretId);
}

/** Checks the shape of an already-parsed secret. Throws `CredentialsError('secret_malformed')`. */
export function parseSecretObject(raw: unknown, secretId: string): ClientSecret {
  if (!isRecord(raw)) {
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}" must be a JSON object with at least "client_id"`,
    );
  }
  const record = raw;
  for (const field of STRING_FIELDS) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      throw new CredentialsError('secret_malformed', `secret "${secretId}": field "${field}" must be a string`);
    }
  }
  if (typeof record.client_id !== 'string' || record.client_id.length === 0) {
    throw new CredentialsError('secret_malformed', `secret "${secretId}" is missing "client_id"`);
  }
  if (typeof record.expires_at === 'string' && Number.isNaN(Date.parse(record.expires_at))) {
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}": "expires_at" must be an ISO 8601 date, e.g. 2027-01-31T00:00:00Z`,
    );
  }
  const secret: ClientSecret = { client_id: record.client_id };
  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') secret[field] = value;
  }
  return secret;
}
