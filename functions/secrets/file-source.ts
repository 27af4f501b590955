/**
 * Secrets for local runs: a JSON file that maps each `credentials.secretId` to a secret object.
 *
 *   { "oauth-probe/billing": { "client_id": "...", "client_secret": "..." } }
 *
 * The file is read and checked once (exists, parses, is an object), either up front with
 * `FileSecretSource.open` (the CLI, so that a typo in the path is a usage error) or on first use.
 * Messages name the file, never its content.
 */
import { readFile } from 'node:fs/promises';
import { CredentialsError, type SecretLookup, type SecretSource } from '../engine/index.js';
import { errorCode, parseJsonObject } from '../guards.js';
import { describeJsonFault } from '../json-errors.js';
import { nearMiss } from '../near-miss.js';
import { fieldList, kindOf, parseSecretObject } from './parse.js';

export class FileSecretSource implements SecretSource {
  #entries: Promise<Record<string, unknown>> | undefined;

  /** `display`: how messages name the file (the path as the user typed it). @default path */
  constructor(
    private readonly path: string,
    private readonly display = path,
  ) {}

  /** Reads and checks the file now; throws `CredentialsError` when it is missing, unreadable or not an object. */
  static async open(path: string, display = path): Promise<FileSecretSource> {
    const source = new FileSecretSource(path, display);
    await source.#load();
    return source;
  }

  async get(secretId: string): Promise<SecretLookup> {
    const entries = await this.#load();
    if (!Object.hasOwn(entries, secretId)) {
      throw new CredentialsError('secret_not_found', missingEntryMessage(entries, secretId, this.display));
    }
    return { secret: parseSecretObject(entries[secretId], secretId), fromCache: false };
  }

  #load(): Promise<Record<string, unknown>> {
    this.#entries ??= readSecretsFile(this.path, this.display);
    return this.#entries;
  }
}

/** The secrets file as an object keyed by secretId. Throws `CredentialsError` naming the file, never quoting it. */
export async function readSecretsFile(path: string, display = path): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    throw new CredentialsError(
      code === 'ENOENT' ? 'secret_not_found' : 'secret_access_denied',
      code === 'ENOENT'
        ? `secrets file not found: ${display}`
        : `cannot read the secrets file ${display} (${code ?? 'unknown error'})`,
    );
  }
  const parsed = parseJsonObject(text);
  if (parsed.ok) return parsed.value;
  // The parser's message quotes the text near the error, which may be a secret: only where, never what.
  throw new CredentialsError(
    'secret_malformed',
    parsed.reason === 'syntax'
      ? `secrets file ${display} is not valid JSON: ${describeJsonFault(text)}`
      : `secrets file ${display} must be a JSON object keyed by secretId, not ${kindOf(JSON.parse(text))}: { "<secretId>": { "client_id": "...", ... } }`,
  );
}

/** No entry for `secretId`: a near-miss of it, or a file that holds one secret unkeyed, or the keys there are. */
function missingEntryMessage(entries: Record<string, unknown>, secretId: string, display: string): string {
  const base = `no entry "${secretId}" in the secrets file ${display}`;
  const meant = nearMiss(secretId, Object.keys(entries));
  if (meant) return `${base}: did you mean "${meant}"? The key must equal credentials.secretId`;
  if (typeof entries.client_id === 'string') {
    return `${base}: the file looks like one secret (it has "client_id" at the top level); key each secret by its credentials.secretId: { "${secretId}": { "client_id": "...", ... } }`;
  }
  return `${base} (entries found: ${fieldList(entries)}): add one, keyed by credentials.secretId`;
}
