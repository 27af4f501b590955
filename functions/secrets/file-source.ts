/**
 * Secrets for local runs: a JSON file that maps each `credentials.secretId` to a secret object.
 *
 *   { "oauth-probe/billing": { "client_id": "...", "client_secret": "..." } }
 *
 * The file is read once, on first use.
 */
import { readFile } from 'node:fs/promises';
import { CredentialsError, type SecretLookup, type SecretSource } from '../engine/types.js';
import { parseSecretObject } from './parse.js';

export class FileSecretSource implements SecretSource {
  #entries: Promise<Record<string, unknown>> | undefined;

  constructor(private readonly path: string) {}

  async get(secretId: string): Promise<SecretLookup> {
    const entries = await this.#load();
    if (!Object.hasOwn(entries, secretId)) {
      throw new CredentialsError(
        'secret_not_found',
        `no entry "${secretId}" in the secrets file ${this.path}: add one, keyed by credentials.secretId`,
      );
    }
    return { secret: parseSecretObject(entries[secretId], secretId), fromCache: false };
  }

  #load(): Promise<Record<string, unknown>> {
    this.#entries ??= readSecretsFile(this.path);
    return this.#entries;
  }
}

async function readSecretsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CredentialsError(
      code === 'ENOENT' ? 'secret_not_found' : 'secret_access_denied',
      code === 'ENOENT' ? `secrets file not found: ${path}` : `cannot read the secrets file ${path} (${code})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CredentialsError('secret_malformed', `secrets file ${path} is not valid JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CredentialsError('secret_malformed', `secrets file ${path} must be a JSON object keyed by secretId`);
  }
  return raw as Record<string, unknown>;
}

/** A source over an in-memory map, for tests and the demo. */
export class MemorySecretSource implements SecretSource {
  constructor(private readonly entries: Map<string, unknown> | Record<string, unknown>) {}

  async get(secretId: string): Promise<SecretLookup> {
    const value = this.entries instanceof Map ? this.entries.get(secretId) : this.entries[secretId];
    if (value === undefined) throw new CredentialsError('secret_not_found', `no secret "${secretId}"`);
    return { secret: parseSecretObject(value, secretId), fromCache: false };
  }
}
