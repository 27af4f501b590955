import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../functions/engine/index.js';
import { type LocalAuthorizationServer, startAuthorizationServer } from '../../tools/local-servers/index.js';
import { resolved, TestSecretSource } from './helpers.js';

const AUDIENCE = 'https://api.oauth-probe.test';
const SECRET = 'an introspection test secret!';

describe('token introspection (RFC 7662) against oidc-provider with opaque tokens', () => {
  let server: LocalAuthorizationServer;
  beforeAll(async () => {
    server = await startAuthorizationServer({
      audience: AUDIENCE,
      accessTokenFormat: 'opaque',
      clients: [
        { clientId: 'probe', authMethod: 'client_secret_basic', clientSecret: SECRET, scopes: ['billing:read'] },
        { clientId: 'other', authMethod: 'client_secret_post', clientSecret: 'another secret value', scopes: [] },
      ],
    });
  });
  afterEach(() => server.clearFaults());
  afterAll(() => server?.close());

  const secrets = () => new TestSecretSource({ s: { client_id: 'probe', client_secret: SECRET } });
  const probe = (introspection: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    resolved({
      name: 'opaque',
      issuer: server.issuer,
      credentials: { secretId: 's' },
      scope: 'billing:read',
      token: { introspection, requiredScopes: ['billing:read'] },
      ...extra,
    });

  it('passes with the endpoint from discovery, timed as its own exchange', async () => {
    const result = await runProbe(probe(), { secrets: secrets() });

    expect(result).toMatchObject({ status: 'pass', code: null });
    expect(result.token?.format).toBe('opaque');
    expect(result.exchanges.map((e) => [e.name, e.status])).toEqual([
      ['discovery', 200],
      ['token', 200],
      ['introspection', 200],
    ]);
  });

  it('reports token_inactive at token_validation when the server says active: false', async () => {
    server.injectFault({ kind: 'mutate_introspection', mutate: () => ({ active: false }) });

    const result = await runProbe(probe(), { secrets: secrets() });

    expect(result).toMatchObject({
      status: 'fail',
      stage: 'token_validation',
      code: 'token_inactive',
      httpStatus: 200,
    });
    expect(result.message).toContain('active: false');
  });

  it('reports token_inactive when the token belongs to another client', async () => {
    server.injectFault({ kind: 'mutate_introspection', mutate: (body) => ({ ...body, client_id: 'someone-else' }) });

    const result = await runProbe(probe(), { secrets: secrets() });

    expect(result).toMatchObject({ code: 'token_inactive', stage: 'token_validation' });
    expect(result.message).toContain('someone-else');
  });

  it('reports scope_not_granted when introspection lacks a required scope', async () => {
    server.injectFault({ kind: 'mutate_introspection', mutate: (body) => ({ ...body, scope: 'other' }) });

    const result = await runProbe(probe(), { secrets: secrets() });

    expect(result).toMatchObject({ code: 'scope_not_granted', stage: 'token_validation' });
  });

  it('reports introspection_failed with the HTTP status when the endpoint refuses the client', async () => {
    const wrongIntrospector = new TestSecretSource({
      s: {
        client_id: 'probe',
        client_secret: SECRET,
        introspection_client_id: 'other',
        introspection_client_secret: 'wrong secret!',
      },
    });

    const result = await runProbe(probe({ clientAuth: 'client_secret_post' }), { secrets: wrongIntrospector });

    expect(result).toMatchObject({
      status: 'fail',
      stage: 'token_validation',
      code: 'introspection_failed',
      httpStatus: 401,
    });
    expect(JSON.stringify(result)).not.toContain('wrong secret');
    expect(result.hint).toContain('RFC 7662');
  });

  it('is a config error when no endpoint is configured or discovered', async () => {
    server.injectFault({
      kind: 'mutate_discovery',
      mutate: ({ introspection_endpoint: _dropped, ...rest }) => rest,
    });

    const result = await runProbe(probe(), { secrets: secrets() });

    expect(result).toMatchObject({ status: 'fail', stage: 'config', code: 'invalid_config' });
  });
});
