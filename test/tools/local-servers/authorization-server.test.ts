import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { Agent, request, errors as undiciErrors } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorizationServer } from '../../../tools/local-servers/authorization-server.js';
import {
  createCertificateAuthority,
  createClientCert,
  createExpiredServerCert,
  createTestPki,
} from '../../../tools/local-servers/certificates.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/environment.js';
import { basicAuthorization, clientAssertion, getJson, JWT_BEARER, tokenRequest } from './http.js';

const READ = { grant_type: 'client_credentials', scope: 'billing:read' };

describe('startAuthorizationServer over HTTP', () => {
  let env: LocalEnvironment;
  const basic = () => env.secrets['local/basic']!;
  const post = () => env.secrets['local/post']!;
  const jwt = () => env.secrets['local/jwt']!;
  const basicHeader = () => ({ authorization: basicAuthorization(basic().client_id, basic().client_secret!) });
  const postForm = (extra: Record<string, string> = {}) => ({
    ...READ,
    client_id: post().client_id,
    client_secret: post().client_secret!,
    ...extra,
  });

  beforeAll(async () => {
    env = await startLocalEnvironment({ accessTokenTtlSec: 120 });
  });
  afterEach(() => env.authServer.clearFaults());
  afterAll(() => env.close());

  describe('discovery', () => {
    it('serves openid-configuration with the exact issuer, token endpoint and JWKS', async () => {
      const { issuer, tokenUrl, jwksUri, port } = env.authServer;

      const response = await getJson(`${issuer}/.well-known/openid-configuration`);

      expect(issuer).toBe(`http://127.0.0.1:${port}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ issuer, token_endpoint: tokenUrl, jwks_uri: jwksUri });
      expect(response.body.grant_types_supported).toContain('client_credentials');
      expect(response.body.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
      );
    });

    it('serves the same metadata at the RFC 8414 path', async () => {
      const rfc8414 = await getJson(`${env.authServer.issuer}/.well-known/oauth-authorization-server`);

      expect(rfc8414.status).toBe(200);
      expect(rfc8414.body).toMatchObject({ issuer: env.authServer.issuer, token_endpoint: env.authServer.tokenUrl });
    });
  });

  describe('requestCounts', () => {
    it('counts every request per endpoint, faulted ones included, as a provider would meter them', async () => {
      const before = env.authServer.requestCounts();
      await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`);
      await getJson(`${env.authServer.issuer}/.well-known/oauth-authorization-server`);
      await getJson(env.authServer.jwksUri);
      await tokenRequest(env.authServer.tokenUrl, READ, { headers: basicHeader() });
      env.authServer.injectFault({ kind: 'respond', status: 429, body: '{}' });
      await tokenRequest(env.authServer.tokenUrl, READ, { headers: basicHeader() });

      const after = env.authServer.requestCounts();

      expect({
        token: after.token - before.token,
        discovery: after.discovery - before.discovery,
        jwks: after.jwks - before.jwks,
        introspection: after.introspection - before.introspection,
      }).toEqual({ token: 2, discovery: 2, jwks: 1, introspection: 0 });
    });
  });

  describe('client authentication', () => {
    it('issues an RFC 9068 JWT access token for the audience with client_secret_basic', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, READ, { headers: basicHeader() });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'billing:read' });
      const token = response.body.access_token as string;
      const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(env.authServer.jwksUri)), {
        issuer: env.authServer.issuer,
        audience: env.audience,
        typ: 'at+jwt',
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ client_id: 'probe-basic', sub: 'probe-basic', scope: 'billing:read' });
      expect(payload.exp! - payload.iat!).toBe(120);
      expect(payload.jti).toEqual(expect.any(String));
    });

    it('issues a token with client_secret_post', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(response.status).toBe(200);
      expect(decodeJwt(response.body.access_token as string).client_id).toBe('probe-post');
    });

    it('issues a token with private_key_jwt', async () => {
      const assertion = await clientAssertion(jwt(), env.authServer.issuer);

      const response = await tokenRequest(env.authServer.tokenUrl, {
        ...READ,
        client_id: jwt().client_id,
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      });

      expect(response.status).toBe(200);
      expect(decodeJwt(response.body.access_token as string).client_id).toBe('probe-jwt');
    });

    it('accepts the token endpoint URL as the assertion audience', async () => {
      const assertion = await clientAssertion(jwt(), env.authServer.tokenUrl);

      const response = await tokenRequest(env.authServer.tokenUrl, {
        ...READ,
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      });

      expect(response.status).toBe(200);
    });

    it('rejects a replayed client assertion (same jti) with invalid_client', async () => {
      const assertion = await clientAssertion(jwt(), env.authServer.issuer);
      const form = { ...READ, client_assertion_type: JWT_BEARER, client_assertion: assertion };
      await tokenRequest(env.authServer.tokenUrl, form);

      const replay = await tokenRequest(env.authServer.tokenUrl, form);

      expect(replay.status).toBe(401);
      expect(replay.body.error).toBe('invalid_client');
    });

    it('rejects an assertion for another audience with invalid_client', async () => {
      const assertion = await clientAssertion(jwt(), 'https://someone-else.example');

      const response = await tokenRequest(env.authServer.tokenUrl, {
        ...READ,
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      });

      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
    });

    it('answers a wrong basic secret with 401 invalid_client and a WWW-Authenticate challenge', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, READ, {
        headers: { authorization: basicAuthorization('probe-basic', 'not-the-secret') },
      });

      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
      expect(response.headers['www-authenticate']).toMatch(/^Basic .*error="invalid_client"/);
    });

    it('answers a wrong post secret with 401 invalid_client', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, postForm({ client_secret: 'not-the-secret' }));

      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
    });

    it('answers an unknown client with invalid_client', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, postForm({ client_id: 'nobody' }));

      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
    });

    it.each(['RS256', 'PS256', 'EdDSA'] as const)('signs with %s when asked', async (signingAlg) => {
      const server = await startAuthorizationServer({
        audience: env.audience,
        signingAlg,
        clients: [{ clientId: 'c', authMethod: 'client_secret_post', clientSecret: 's', scopes: ['billing:read'] }],
      });
      try {
        const response = await tokenRequest(server.tokenUrl, { ...READ, client_id: 'c', client_secret: 's' });
        const { protectedHeader } = await jwtVerify(
          response.body.access_token as string,
          createRemoteJWKSet(new URL(server.jwksUri)),
          { issuer: server.issuer, audience: env.audience },
        );

        expect(protectedHeader.alg).toBe(signingAlg);
      } finally {
        await server.close();
      }
    });

    it('rejects tls_client_auth registrations on a plain HTTP server', async () => {
      const start = startAuthorizationServer({
        audience: env.audience,
        clients: [{ clientId: 'm', authMethod: 'tls_client_auth', tlsSubjectDn: 'CN=m', scopes: [] }],
      });

      await expect(start).rejects.toThrow(TypeError);
    });

    it('rejects a tls_client_auth registration without the subject DN to match', async () => {
      const pki = await createTestPki();
      const start = startAuthorizationServer({
        audience: env.audience,
        tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, clientCa: pki.ca.cert },
        clients: [{ clientId: 'm', authMethod: 'tls_client_auth', scopes: [] }],
      });

      await expect(start).rejects.toThrow(/tlsSubjectDn/);
    });
  });

  describe('scopes and resource indicators', () => {
    it('answers a scope the client may not have with invalid_scope', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, postForm({ scope: 'billing:read billing:write' }));

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_scope', scope: 'billing:write' });
    });

    it('grants billing:write to the basic client, which may have it', async () => {
      const response = await tokenRequest(
        env.authServer.tokenUrl,
        { ...READ, scope: 'billing:read billing:write' },
        { headers: basicHeader() },
      );

      expect(response.status).toBe(200);
      expect(response.body.scope).toBe('billing:read billing:write');
    });

    it('accepts resource=<audience> explicitly', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, postForm({ resource: env.audience }));

      expect(response.status).toBe(200);
      expect(decodeJwt(response.body.access_token as string).aud).toBe(env.audience);
    });

    it('answers any other resource with invalid_target', async () => {
      const response = await tokenRequest(env.authServer.tokenUrl, postForm({ resource: 'https://other-api.example' }));

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_target');
    });
  });

  describe('changes at runtime', () => {
    it('setClientSecret: the old secret stops working at once, the new one works', async () => {
      const oldSecret = post().client_secret!;
      // Characters that break naive Basic encoding, as RFC 6749 §2.3.1 warns.
      const newSecret = 'n3w+s/e%c&r=t';
      env.authServer.setClientSecret('probe-post', newSecret);
      try {
        const withOld = await tokenRequest(env.authServer.tokenUrl, postForm({ client_secret: oldSecret }));
        const withNew = await tokenRequest(env.authServer.tokenUrl, postForm({ client_secret: newSecret }));

        expect(withOld.body.error).toBe('invalid_client');
        expect(withNew.status).toBe(200);
      } finally {
        env.authServer.setClientSecret('probe-post', oldSecret);
      }
    });

    it('setClientSecret works with Basic and a secret that needs form-encoding', async () => {
      const oldSecret = basic().client_secret!;
      env.authServer.setClientSecret('probe-basic', 'a+b/c%d&e:f');
      try {
        const response = await tokenRequest(env.authServer.tokenUrl, READ, {
          headers: { authorization: basicAuthorization('probe-basic', 'a+b/c%d&e:f') },
        });

        expect(response.status).toBe(200);
      } finally {
        env.authServer.setClientSecret('probe-basic', oldSecret);
      }
    });

    it('setClientScopes applies to the next request, both ways', async () => {
      try {
        env.authServer.setClientScopes('probe-post', ['billing:read', 'billing:write']);
        const widened = await tokenRequest(env.authServer.tokenUrl, postForm({ scope: 'billing:write' }));
        env.authServer.setClientScopes('probe-post', []);
        const emptied = await tokenRequest(env.authServer.tokenUrl, postForm());

        expect(widened.status).toBe(200);
        expect(widened.body.scope).toBe('billing:write');
        expect(emptied.body.error).toBe('invalid_scope');
      } finally {
        env.authServer.setClientScopes('probe-post', ['billing:read']);
      }
    });

    it('setClientScopes refuses scopes the server does not know, and unknown clients', () => {
      expect(() => env.authServer.setClientScopes('probe-post', ['admin:everything'])).toThrow(TypeError);
      expect(() => env.authServer.setClientSecret('nobody', 'x')).toThrow(TypeError);
    });

    it('signs with a key of its own: another local server publishes a different one', async () => {
      const other = await startLocalEnvironment();
      try {
        const mine = (await getJson(env.authServer.jwksUri)).body.keys as { kid: string }[];
        const theirs = (await getJson(other.authServer.jwksUri)).body.keys as { kid: string }[];

        expect(theirs[0]!.kid).not.toBe(mine[0]!.kid);
      } finally {
        await other.close();
      }
    });

    it('rotateSigningKeys publishes only the new key and signs new tokens with it', async () => {
      const before = (await getJson(env.authServer.jwksUri)).body.keys as { kid: string }[];

      await env.authServer.rotateSigningKeys();
      const after = (await getJson(env.authServer.jwksUri)).body.keys as { kid: string }[];
      const token = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(after).toHaveLength(1);
      expect(after[0]!.kid).not.toBe(before[0]!.kid);
      expect(after.map((key) => key.kid)).not.toContain(before[0]!.kid);
      expect(after[0]).not.toHaveProperty('d');
      expect(decodeProtectedHeader(token.body.access_token as string).kid).toBe(after[0]!.kid);
    });
  });

  describe('faults', () => {
    it('audience: a real token for another API, until cleared', async () => {
      env.authServer.injectFault({ kind: 'audience', audience: 'https://other-api.oauth-probe.test' });
      const wrong = await tokenRequest(env.authServer.tokenUrl, postForm());
      env.authServer.clearFaults();
      const right = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(decodeJwt(wrong.body.access_token as string).aud).toBe('https://other-api.oauth-probe.test');
      expect(decodeJwt(right.body.access_token as string).aud).toBe(env.audience);
    });

    it('delay: the token response still arrives', async () => {
      env.authServer.injectFault({ kind: 'delay', ms: 150 });

      const response = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(response.status).toBe(200);
    });

    it('delay on all paths: discovery still answers', async () => {
      env.authServer.injectFault({ kind: 'delay', ms: 100, path: 'all' });

      const response = await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`);

      expect(response.status).toBe(200);
    });

    it('clearFaults lets a delayed token request through at once', async () => {
      env.authServer.injectFault({ kind: 'delay', ms: 600_000 });
      const delayed = tokenRequest(env.authServer.tokenUrl, postForm());

      await new Promise((resolve) => setTimeout(resolve, 50));
      env.authServer.clearFaults();

      expect((await delayed).status).toBe(200);
    });

    it('respond: the token endpoint answers with the given status, headers and body', async () => {
      env.authServer.injectFault({
        kind: 'respond',
        status: 503,
        body: '{"error":"temporarily_unavailable"}',
        headers: { 'retry-after': '7' },
      });

      const response = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('7');
      expect(response.body).toEqual({ error: 'temporarily_unavailable' });
    });

    it('respond on discovery and jwks leaves the token endpoint alone', async () => {
      env.authServer.injectFault({ kind: 'respond', status: 500, body: '{}', path: 'discovery' });
      env.authServer.injectFault({ kind: 'respond', status: 404, body: '{"error":"gone"}', path: 'jwks' });

      const discovery = await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`);
      const jwks = await getJson(env.authServer.jwksUri);
      const token = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(discovery.status).toBe(500);
      expect(jwks).toMatchObject({ status: 404, body: { error: 'gone' } });
      expect(token.status).toBe(200);
    });

    it('mutate_token_response changes the real token response', async () => {
      env.authServer.injectFault({
        kind: 'mutate_token_response',
        mutate: ({ access_token: _dropped, ...rest }) => ({ ...rest, token_type: 'mac' }),
      });

      const response = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(response.status).toBe(200);
      expect(response.body).not.toHaveProperty('access_token');
      expect(response.body).toMatchObject({ token_type: 'mac', expires_in: 120 });
    });

    it('mutate_token_response leaves error responses alone', async () => {
      env.authServer.injectFault({ kind: 'mutate_token_response', mutate: () => ({ hijacked: true }) });

      const response = await tokenRequest(env.authServer.tokenUrl, postForm({ client_secret: 'wrong' }));

      expect(response.body.error).toBe('invalid_client');
    });

    it('mutate_discovery changes the discovery document', async () => {
      env.authServer.injectFault({
        kind: 'mutate_discovery',
        mutate: (document) => ({ ...document, issuer: 'https://impostor.example' }),
      });

      const response = await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`);

      expect(response.body.issuer).toBe('https://impostor.example');
      expect(response.body.token_endpoint).toBe(env.authServer.tokenUrl);
    });

    it('hang: the token endpoint never answers while discovery still does', async () => {
      env.authServer.injectFault({ kind: 'hang' });
      const agent = new Agent({ headersTimeout: 300 });
      try {
        const token = request(env.authServer.tokenUrl, {
          method: 'POST',
          body: 'grant_type=client_credentials',
          dispatcher: agent,
        });
        const discovery = await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`);

        await expect(token).rejects.toBeInstanceOf(undiciErrors.HeadersTimeoutError);
        expect(discovery.status).toBe(200);
      } finally {
        await agent.destroy();
      }
    });

    it('hang on all paths: discovery does not answer either', async () => {
      env.authServer.injectFault({ kind: 'hang', path: 'all' });
      const agent = new Agent({ headersTimeout: 300 });
      try {
        const discovery = request(`${env.authServer.issuer}/.well-known/openid-configuration`, { dispatcher: agent });

        await expect(discovery).rejects.toBeInstanceOf(undiciErrors.HeadersTimeoutError);
      } finally {
        await agent.destroy();
      }
    });

    it('reset: the connection is reset when the token request arrives', async () => {
      env.authServer.injectFault({ kind: 'reset' });

      const token = tokenRequest(env.authServer.tokenUrl, postForm());

      await expect(token).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
      expect((await getJson(env.authServer.jwksUri)).status).toBe(200);
    });

    it('several faults at once: a delayed and mutated response', async () => {
      env.authServer.injectFault({ kind: 'delay', ms: 50 });
      env.authServer.injectFault({ kind: 'mutate_token_response', mutate: (body) => ({ ...body, expires_in: 1 }) });

      const response = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(response.body.expires_in).toBe(1);
    });

    it('clearFaults restores normal answers', async () => {
      env.authServer.injectFault({ kind: 'respond', status: 500, body: '{}' });
      env.authServer.injectFault({ kind: 'reset', path: 'all' });

      env.authServer.clearFaults();
      const response = await tokenRequest(env.authServer.tokenUrl, postForm());

      expect(response.status).toBe(200);
    });
  });
});

describe('startAuthorizationServer over HTTPS with tls_client_auth', () => {
  let env: LocalEnvironment;
  let trusting: Agent;
  let withClientCert: Agent;

  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
    trusting = new Agent({ connect: { ca: env.caPem } });
    withClientCert = new Agent({ connect: { ca: env.caPem, cert: env.pki!.client.cert, key: env.pki!.client.key } });
  });
  afterAll(async () => {
    await Promise.all([trusting.close(), withClientCert.close()]);
    await env.close();
  });

  const mtlsForm = { ...READ, client_id: 'probe-mtls' };

  it('serves discovery over HTTPS with an https issuer and tls_client_auth listed', async () => {
    const response = await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`, {
      dispatcher: trusting,
    });

    expect(env.authServer.issuer).toBe(`https://127.0.0.1:${env.authServer.port}`);
    expect(response.body.issuer).toBe(env.authServer.issuer);
    expect(response.body.token_endpoint_auth_methods_supported).toContain('tls_client_auth');
  });

  it('issues a token to the client presenting its certificate', async () => {
    const response = await tokenRequest(env.authServer.tokenUrl, mtlsForm, { dispatcher: withClientCert });

    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.access_token as string).client_id).toBe('probe-mtls');
  });

  it('answers invalid_client when no certificate is presented', async () => {
    const response = await tokenRequest(env.authServer.tokenUrl, mtlsForm, { dispatcher: trusting });

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'invalid_client' });
  });

  it('answers invalid_client for a certificate with another subject from the same CA', async () => {
    const other = await createClientCert(env.pki!.ca, 'someone-else');
    const agent = new Agent({ connect: { ca: env.caPem, cert: other.cert, key: other.key } });
    try {
      const response = await tokenRequest(env.authServer.tokenUrl, mtlsForm, { dispatcher: agent });

      expect(response.body.error).toBe('invalid_client');
    } finally {
      await agent.close();
    }
  });

  it('answers invalid_client for the right subject signed by an untrusted CA', async () => {
    const rogueCa = await createCertificateAuthority('rogue CA');
    const rogue = await createClientCert(rogueCa, 'probe-client');
    const agent = new Agent({ connect: { ca: env.caPem, cert: rogue.cert, key: rogue.key } });
    try {
      const response = await tokenRequest(env.authServer.tokenUrl, mtlsForm, { dispatcher: agent });

      expect(response.body.error).toBe('invalid_client');
    } finally {
      await agent.close();
    }
  });

  it('still serves the secret-based clients over HTTPS', async () => {
    const basic = env.secrets['local/basic']!;

    const response = await tokenRequest(env.authServer.tokenUrl, READ, {
      dispatcher: trusting,
      headers: { authorization: basicAuthorization(basic.client_id, basic.client_secret!) },
    });

    expect(response.status).toBe(200);
  });

  it('tls_certificate: new connections get an expired certificate; clearFaults restores its own', async () => {
    const expired = await createExpiredServerCert(env.pki!.ca);
    env.authServer.injectFault({ kind: 'tls_certificate', ...expired });
    const fresh = () => new Agent({ connect: { ca: env.caPem } });
    const during = fresh();
    const after = fresh();
    try {
      await expect(getJson(`${env.authServer.issuer}/jwks`, { dispatcher: during })).rejects.toMatchObject({
        code: 'CERT_HAS_EXPIRED',
      });
      env.authServer.clearFaults();
      expect((await getJson(`${env.authServer.issuer}/jwks`, { dispatcher: after })).status).toBe(200);
    } finally {
      env.authServer.clearFaults();
      await Promise.all([during.close(), after.close()]);
    }
  });

  it('reset over TLS: the connection drops', async () => {
    env.authServer.injectFault({ kind: 'reset' });
    try {
      const token = tokenRequest(env.authServer.tokenUrl, mtlsForm, { dispatcher: withClientCert });

      await expect(token).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    } finally {
      env.authServer.clearFaults();
    }
  });
});
