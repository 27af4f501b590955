/**
 * Parsing a stored credential into the engine's `ClientSecret`, shared by every secret source (local
 * file, AWS Secrets Manager). Errors name the field, never a value: the text of a secret must not reach
 * a log line even when it is malformed.
 */
import { type ClientSecret, CredentialsError } from '../engine/index.js';
import { isRecord, parseJsonObject } from '../guards.js';
import { describeJsonFault } from '../json-errors.js';
import { nearMiss } from '../near-miss.js';

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
    // The JSON parser's message quotes the text around the error: only where, never what.
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}" is not valid JSON (${describeJsonFault(text)}): store a JSON object such as {"client_id": "...", "client_secret": "..."}`,
    );
  }
  // Not an object, but JSON: parsed again only to say what it is.
  return parseSecretObject(parsed.ok ? parsed.value : JSON.parse(text), secretId);
}

/** Checks the shape of an already-parsed secret. Throws `CredentialsError('secret_malformed')`. */
export function parseSecretObject(raw: unknown, secretId: string): ClientSecret {
  if (!isRecord(raw)) {
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}" must be a JSON object with at least "client_id", not ${kindOf(raw)}: {"client_id": "...", "client_secret": "..."}`,
    );
  }
  const record = raw;
  const typo = misspeltField(record);
  if (typo) {
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}": unknown field "${typo.found}": did you mean "${typo.meant}"? (fields found: ${fieldList(record)})`,
    );
  }
  for (const field of STRING_FIELDS) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      throw new CredentialsError(
        'secret_malformed',
        `secret "${secretId}": field "${field}" must be a string, not ${kindOf(record[field])}`,
      );
    }
  }
  if (typeof record.client_id !== 'string' || record.client_id.length === 0) {
    throw new CredentialsError(
      'secret_malformed',
      `secret "${secretId}" is missing "client_id" (fields found: ${fieldList(record)})`,
    );
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

/**
 * A field that is a known field spelt another way (`clientId`, `client-secret`, `privateKey`) while
 * the known one is absent: almost surely a typo that would otherwise surface later as a confusing
 * authentication failure. Other unknown fields are allowed (secrets often carry notes or usernames).
 */
function misspeltField(record: Record<string, unknown>): { found: string; meant: string } | undefined {
  for (const found of Object.keys(record)) {
    if ((STRING_FIELDS as readonly string[]).includes(found)) continue;
    const meant = nearMiss(found, STRING_FIELDS);
    if (meant && record[meant] === undefined) return { found: shortName(found), meant };
  }
  return undefined;
}

/** The field names of a secret (never its values), bounded, for "fields found: ...". */
export function fieldList(record: Record<string, unknown>): string {
  const names = Object.keys(record);
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 12).map((name) => `"${shortName(name)}"`);
  return `${shown.join(', ')}${names.length > shown.length ? `, and ${names.length - shown.length} more` : ''}`;
}

/** A name from a secret, one line and bounded: control characters dropped, at most 40 characters. */
function shortName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f"]/g, '');
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}

/** "a string", "an array", "null": what a value is, never what it says. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
