import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { CLIENT_AUTH_METHODS, probeSchema } from '../../../functions/config/schema.js';
import { LOCAL_AUDIENCE, startLocalEnvironment } from '../../../tools/local-servers/environment.js';
import { basicAuthorization, getJson, tokenRequest } from './http.js';

/** TCP servers and sockets this process holds: what would keep a vitest worker alive. */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap' || name === 'TCPSocketWrap').length;
}

describe('startLocalEnvironment', () => {
  it('over HTTP: registers the basic, post and private_key_jwt clients with their secrets', async () => {
    const env = await startLocalEnvironment();
    try {
      expect(env.audience).toBe(LOCAL_AUDIENCE);
      expect(env.caPem).toBeUndefined();
      expect(Object.keys(env.secrets).sort()).toEqual(['local/basic', 'local/jwt', 'local/post']);
      expect(env.secrets['local/basic']).toEqual({ client_id: 'probe-basic', client_secret: expect.any(String) });
      expect(env.secrets['local/post']).toEqual({ client_id: 'probe-post', client_secret: expect.any(String) });
      expect(env.secrets['local/jwt']).toEqual({
        client_id: 'probe-jwt',
        private_key: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----/),
        key_id: expect.any(String),
        algorithm: 'ES256',
      });
      expect(() => env.probe('tls_client_auth')).toThrow(TypeError);
    } finally {
      await env.close();
    }
  });

  it('over HTTPS: adds the mTLS client and its certificate, and gives the CA', async () => {
    const env = await startLocalEnvironment({ https: true });
    try {
      expect(env.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(env.pki?.ca.cert).toBe(env.caPem);
      expect(env.authServer.issuer).toMatch(/^https:/);
      expect(env.resourceServer.url).toMatch(/^https:/);
      expect(env.secrets['local/mtls']).toEqual({
        client_id: 'probe-mtls',
        certificate: env.pki!.client.cert,
        private_key: env.pki!.client.key,
      });
      expect(env.probe('tls_client_auth').tls).toEqual({ ca: env.caPem });
    } finally {
      await env.close();
    }
  });

  it('gives each environment its own secrets', async () => {
    const [a, b] = await Promise.all([startLocalEnvironment(), startLocalEnvironment()]);
    try {
      expect(a.secrets['local/basic']!.client_secret).not.toBe(b.secrets['local/basic']!.client_secret);
      expect(a.authServer.port).not.toBe(b.authServer.port);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('builds probe configs that pass the probes.json schema unchanged, for every method', async () => {
    const env = await startLocalEnvironment({ https: true });
    try {
      for (const method of CLIENT_AUTH_METHODS) {
        const config = env.probe(method);

        expect(probeSchema.parse(config)).toEqual(config);
        expect(config).toMatchObject({
          clientAuth: method,
          tokenUrl: env.authServer.tokenUrl,
          scope: 'billing:read',
          token: {
            requiredScopes: ['billing:read'],
            jwt: { issuer: env.authServer.issuer, audience: env.audience, jwksUri: env.authServer.jwksUri },
          },
        });
        expect(env.secrets[config.credentials.secretId]!.client_id).toMatch(/^probe-/);
      }
      const [list, get] = env.probe('client_secret_basic').steps;
      expect(list).toMatchObject({
        request: { method: 'GET', url: `${env.resourceServer.url}/v1/invoices?limit=1` },
        expect: { status: 200 },
        extract: { invoiceId: 'data[0].id' },
      });
      expect(get!.request.url).toBe(`${env.resourceServer.url}/v1/invoices/{{invoiceId}}`);
    } finally {
      await env.close();
    }
  });

  it('applies overrides to the probe config', async () => {
    const env = await startLocalEnvironment();
    try {
      const config = env.probe('client_secret_post', { name: 'custom', steps: [], timeoutMs: 500 });

      expect(config).toMatchObject({ name: 'custom', steps: [], timeoutMs: 500, clientAuth: 'client_secret_post' });
    } finally {
      await env.close();
    }
  });

  it('the probe config describes a flow that works end to end with plain HTTP calls', async () => {
    const env = await startLocalEnvironment();
    try {
      const config = env.probe('client_secret_basic');
      const secret = env.secrets[config.credentials.secretId]!;

      const token = await tokenRequest(
        config.tokenUrl!,
        { grant_type: 'client_credentials', scope: config.scope as string },
        { headers: { authorization: basicAuthorization(secret.client_id, secret.client_secret!) } },
      );
      const authorization = `Bearer ${token.body.access_token as string}`;
      const list = await getJson(config.steps[0]!.request.url, { headers: { authorization } });
      const invoiceId = (list.body.data as { id: string }[])[0]!.id;
      const one = await getJson(config.steps[1]!.request.url.replace('{{invoiceId}}', invoiceId), {
        headers: { authorization },
      });

      expect(one).toMatchObject({ status: 200, body: { id: invoiceId } });
    } finally {
      await env.close();
    }
  });

  it('close() frees every server and socket, also with a request hanging', async () => {
    await startLocalEnvironment({ https: true }).then((warm) => warm.close());
    await nextTurn();
    const before = tcpHandles();
    const env = await startLocalEnvironment({ https: true });
    const agent = new Agent({ connect: { ca: env.caPem } });
    env.authServer.injectFault({ kind: 'hang', path: 'all' });
    env.resourceServer.injectFault({ kind: 'delay', ms: 60_000 });
    const hanging = request(env.authServer.tokenUrl, { method: 'POST', body: '', dispatcher: agent });
    const delayed = request(`${env.resourceServer.url}/health`, { dispatcher: agent });
    const settled = Promise.allSettled([hanging, delayed]);
    await nextTurn();
    const during = tcpHandles();

    await env.close();
    const outcomes = await settled;
    await agent.close();
    await nextTurn();

    expect(during).toBeGreaterThan(before);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(tcpHandles()).toBeLessThanOrEqual(before);
  });

  it('close() can be called twice', async () => {
    const env = await startLocalEnvironment();

    await env.close();

    await expect(env.close()).resolves.toBeUndefined();
  });
});
