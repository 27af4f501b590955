import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../functions/engine/index.js';
import {
  type LocalAuthorizationServer,
  type LocalEnvironment,
  startAuthorizationServer,
  startLocalEnvironment,
} from '../../tools/local-servers/index.js';
import { resolved, TestSecretSource } from './helpers.js';

describe('runProbe against oidc-provider', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
  });
  afterAll(() => env?.close());

  for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth'] as const) {
    it(`passes end to end with ${method}`, async () => {
      const probe = resolved(env.probe(method));

      const result = await runProbe(probe, { secrets: new TestSecretSource(env.secrets) });

      expect(result).toMatchObject({ status: 'pass', code: null, stage: null, message: null, hint: null });
      expect(result.exchanges.map((e) => [e.name, e.status])).toEqual([
        ['token', 200],
        ['jwks', 200],
        ['list-invoices', 200],
        ['get-invoice', 200],
      ]);
      expect(result.token).toMatchObject({ type: 'Bearer', scopes: ['billing:read'], format: 'jwt' });
      expect(result.token?.claims?.client_id).toBe(env.secrets[env.probe(method).credentials.secretId]!.client_id);
    });
  }
});

describe('client_secret_basic encoding (RFC 6749 §2.3.1)', () => {
  const SPECIAL = 'p+s/w%r&d: x=y';
  let server: LocalAuthorizationServer;
  beforeAll(async () => {
    server = await startAuthorizationServer({
      audience: 'https://api.oauth-probe.test',
      clients: [
        {
          clientId: 'client:with space',
          authMethod: 'client_secret_basic',
          clientSecret: SPECIAL,
          scopes: ['billing:read'],
        },
      ],
    });
  });
  afterAll(() => server?.close());

  const probe = () =>
    resolved({ name: 'special', tokenUrl: server.tokenUrl, credentials: { secretId: 's' }, scope: 'billing:read' });

  it('passes with an id and secret full of characters that form-encoding changes', async () => {
    const secrets = new TestSecretSource({ s: { client_id: 'client:with space', client_secret: SPECIAL } });

    const result = await runProbe(probe(), { secrets });

    expect(result).toMatchObject({ status: 'pass', token: { type: 'Bearer', scopes: ['billing:read'] } });
  });

  it('mentions the encoding in the invalid_client hint only when the secret has such characters', async () => {
    server.setClientSecret('client:with space', 'rotated');
    const special = new TestSecretSource({ s: { client_id: 'client:with space', client_secret: SPECIAL } });
    const plain = new TestSecretSource({ s: { client_id: 'client:with space', client_secret: 'plainsecret' } });

    const withSpecial = await runProbe(probe(), { secrets: special });
    const withPlain = await runProbe(probe(), { secrets: plain });

    expect(withSpecial).toMatchObject({ code: 'invalid_client' });
    expect(withSpecial.hint).toContain('RFC 6749 §2.3.1');
    expect(withPlain).toMatchObject({ code: 'invalid_client' });
    expect(withPlain.hint).not.toContain('RFC 6749 §2.3.1');
  });
});
