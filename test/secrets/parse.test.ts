import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../functions/engine/index.js';
import { FileSecretSource } from '../../functions/secrets/file-source.js';
import { parseSecretString } from '../../functions/secrets/parse.js';

const SECRET_VALUE = 'sup3r-s3cret+/%&value';

function failureOf(fn: () => unknown): CredentialsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CredentialsError) return error;
    throw error;
  }
  throw new Error('expected a CredentialsError');
}

describe('parseSecretString', () => {
  it('parses a client-secret credential', () => {
    expect(parseSecretString(JSON.stringify({ client_id: 'abc', client_secret: SECRET_VALUE }), 'id')).toEqual({
      client_id: 'abc',
      client_secret: SECRET_VALUE,
    });
  });

  it('names the missing field, never the value', () => {
    const error = failureOf(() =>
      parseSecretString(JSON.stringify({ client_secret: SECRET_VALUE }), 'oauth-probe/billing'),
    );

    expect(error.code).toBe('secret_malformed');
    expect(error.message).toBe('secret "oauth-probe/billing" is missing "client_id" (fields found: "client_secret")');
  });

  it('does not echo unparsable text', () => {
    const error = failureOf(() => parseSecretString(`{"client_id": "a", "client_secret": ${SECRET_VALUE}}`, 's'));

    expect(error.code).toBe('secret_malformed');
    expect(error.message).not.toContain(SECRET_VALUE);
    expect(error.message).not.toContain('sup3r');
  });

  it('rejects non-string fields and unparsable expiry dates', () => {
    expect(failureOf(() => parseSecretString('{"client_id": "a", "client_secret": 5}', 's')).message).toContain(
      '"client_secret" must be a string',
    );
    expect(failureOf(() => parseSecretString('{"client_id": "a", "expires_at": "soon"}', 's')).message).toContain(
      '"expires_at" must be an ISO 8601 date',
    );
  });
});

describe('FileSecretSource', () => {
  it('reads entries by secretId and reports unknown ids as secret_not_found', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oauth-probe-secrets-'));
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify({ 'oauth-probe/billing': { client_id: 'abc', client_secret: SECRET_VALUE } }));
    const source = new FileSecretSource(path);

    await expect(source.get('oauth-probe/billing')).resolves.toEqual({
      secret: { client_id: 'abc', client_secret: SECRET_VALUE },
      fromCache: false,
    });
    await expect(source.get('other')).rejects.toMatchObject({ code: 'secret_not_found' });
  });

  it('reports a missing file as secret_not_found naming the path', async () => {
    await expect(new FileSecretSource('/nonexistent/secrets.json').get('x')).rejects.toMatchObject({
      code: 'secret_not_found',
      message: 'secrets file not found: /nonexistent/secrets.json',
    });
  });
});
