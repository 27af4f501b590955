/**
 * Secrets from an in-memory map, for tests, the demo and the benchmarks: the same parsing and errors as
 * the file and Secrets Manager sources, without a file.
 */
import { CredentialsError, type SecretLookup, type SecretSource } from '../engine/index.js';
import { parseSecretObject } from './parse.js';

export class MemorySecretSource implements SecretSource {
  constructor(private readonly entries: Map<string, unknown> | Record<string, unknown>) {}

  async get(secretId: string): Promise<SecretLookup> {
    const value =
      this.entries instanceof Map
        ? this.entries.get(secretId)
        : Object.hasOwn(this.entries, secretId)
          ? this.entries[secretId]
          : undefined;
    if (value === undefined) throw new CredentialsError('secret_not_found', `no secret "${secretId}"`);
    return { secret: parseSecretObject(value, secretId), fromCache: false };
  }
}
