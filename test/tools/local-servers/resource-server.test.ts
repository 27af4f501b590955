import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/environment.js';
import { startResourceServer } from '../../../tools/local-servers/resource-server.js';
import { basicAuthorization, getJson, tokenRequest } from './http.js';

describe('startResourceServer', () => {
  let env: LocalEnvironment;
  let api: string;

  async function token(scope = 'billing:read'): Promise<string> {
    const basic = env.secrets['local/basic']!;
    const response = await tokenRequest(
      env.authServer.tokenUrl,
      { grant_type: 'client_credentials', scope },
      { headers: { authorization: basicAuthorization(basic.client_id, basic.client_secret!) } },
    );
    return response.body.access_token as string;
  }
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  beforeAll(async () => {
    env = await startLocalEnvironment();
    api = env.resourceServer.url;
  });
  afterEach(() => env.resourceServer.clearFaults());
  afterAll(() => env.close());

  describe('routes', () => {
    it('lists invoices up to the limit for a billing:read token', async () => {
      const response = await getJson(`${api}/v1/invoices?limit=1`, { headers: bearer(await token()) });

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.body).toEqual({ data: [{ id: 'inv_1', amount: 100 }] });
    });

    it('returns one invoice by id, and 404 for an unknown id', async () => {
      const access = await token();

      const found = await getJson(`${api}/v1/invoices/inv_2`, { headers: bearer(access) });
      const missing = await getJson(`${api}/v1/invoices/inv_999`, { headers: bearer(access) });

      expect(found).toMatchObject({ status: 200, body: { id: 'inv_2', amount: 100 } });
      expect(missing.status).toBe(404);
    });

    it('creates an invoice with billing:write: 201 and the body echoed with an id', async () => {
      const response = await getJson(`${api}/v1/invoices`, {
        method: 'POST',
        headers: { ...bearer(await token('billing:read billing:write')), 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 42 }),
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({ amount: 42, id: expect.stringMatching(/^inv_/) });
    });

    it('answers /health without a token', async () => {
      const response = await getJson(`${api}/health`);

      expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
    });

    it('redirects /redirect?to=URL with 302', async () => {
      const response = await request(`${api}/redirect?to=${encodeURIComponent(`${api}/health`)}`);
      await response.body.dump();

      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(`${api}/health`);
    });
  });

  describe('RFC 6750 §3.1 answers', () => {
    it('no token: 401 with a bare Bearer challenge and no error code', async () => {
      const response = await getJson(`${api}/v1/invoices`);

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('garbage token: 401 invalid_token with a description', async () => {
      const response = await getJson(`${api}/v1/invoices`, { headers: bearer('not.a.jwt') });

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/,
      );
      expect(response.body.error).toBe('invalid_token');
    });

    it('a non-Bearer Authorization header: 401 invalid_token', async () => {
      const response = await getJson(`${api}/v1/invoices`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('a token from another issuer: 401 invalid_token', async () => {
      const other = await startLocalEnvironment();
      try {
        const basic = other.secrets['local/basic']!;
        const foreign = await tokenRequest(
          other.authServer.tokenUrl,
          { grant_type: 'client_credentials', scope: 'billing:read' },
          { headers: { authorization: basicAuthorization(basic.client_id, basic.client_secret!) } },
        );

        const response = await getJson(`${api}/v1/invoices`, { headers: bearer(foreign.body.access_token as string) });

        expect(response.status).toBe(401);
        expect(response.body.error).toBe('invalid_token');
      } finally {
        await other.close();
      }
    });

    it('missing scope: 403 insufficient_scope naming the scope needed', async () => {
      const response = await getJson(`${api}/v1/invoices`, {
        method: 'POST',
        headers: bearer(await token('billing:read')),
        body: '{}',
      });

      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
      expect(response.headers['www-authenticate']).toMatch(/scope="billing:write"/);
    });

    it('accepts a token after a normal key rotation (unknown kid → JWKS fetched again)', async () => {
      await getJson(`${api}/v1/invoices`, { headers: bearer(await token()) });

      await env.authServer.rotateSigningKeys();
      const response = await getJson(`${api}/v1/invoices`, { headers: bearer(await token()) });

      expect(response.status).toBe(200);
    });
  });

  describe('faults', () => {
    it('delay: the response still arrives', async () => {
      env.resourceServer.injectFault({ kind: 'delay', ms: 150 });

      const response = await getJson(`${api}/v1/invoices`, { headers: bearer(await token()) });

      expect(response.status).toBe(200);
    });

    it('clearFaults lets a delayed request through at once', async () => {
      env.resourceServer.injectFault({ kind: 'delay', ms: 600_000 });
      const delayed = getJson(`${api}/health`);

      await new Promise((resolve) => setTimeout(resolve, 50));
      await env.resourceServer.clearFaults();

      expect((await delayed).status).toBe(200);
    });

    it('respond: every request gets the given status and body', async () => {
      env.resourceServer.injectFault({
        kind: 'respond',
        status: 503,
        body: '{"error":"maintenance"}',
        headers: { 'retry-after': '30' },
      });

      const response = await getJson(`${api}/v1/invoices`, { headers: bearer(await token()) });
      const health = await getJson(`${api}/health`);

      expect(response).toMatchObject({ status: 503, body: { error: 'maintenance' } });
      expect(response.headers['retry-after']).toBe('30');
      expect(health.status).toBe(503);
    });

    it('require_scope: 403 insufficient_scope for a token without the extra scope', async () => {
      env.resourceServer.injectFault({ kind: 'require_scope', scope: 'billing:write' });

      const readOnly = await getJson(`${api}/v1/invoices`, { headers: bearer(await token('billing:read')) });
      const readWrite = await getJson(`${api}/v1/invoices`, {
        headers: bearer(await token('billing:read billing:write')),
      });

      expect(readOnly.status).toBe(403);
      expect(readOnly.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", error_description="the token lacks scope billing:write", scope="billing:read billing:write"',
      );
      expect(readWrite.status).toBe(200);
    });

    it('stale_keys: after a rotation the API rejects new tokens while a fresh API accepts them', async () => {
      await getJson(`${api}/v1/invoices`, { headers: bearer(await token()) });
      env.resourceServer.injectFault({ kind: 'stale_keys' });
      const fresh = await startResourceServer({
        issuer: env.authServer.issuer,
        jwksUri: env.authServer.jwksUri,
        audience: env.audience,
      });
      try {
        await env.authServer.rotateSigningKeys();
        const access = await token();

        const stale = await getJson(`${api}/v1/invoices`, { headers: bearer(access) });
        const accepted = await getJson(`${fresh.url}/v1/invoices`, { headers: bearer(access) });
        await env.resourceServer.clearFaults();
        const afterClear = await getJson(`${api}/v1/invoices`, { headers: bearer(access) });

        expect(stale.status).toBe(401);
        expect(stale.headers['www-authenticate']).toContain('error="invalid_token"');
        expect(accepted.status).toBe(200);
        expect(afterClear.status).toBe(200);
      } finally {
        await fresh.close();
      }
    });

    it('stale_keys injected before the API ever fetched keys still freezes the first key set', async () => {
      const cold = await startResourceServer({
        issuer: env.authServer.issuer,
        jwksUri: env.authServer.jwksUri,
        audience: env.audience,
      });
      try {
        cold.injectFault({ kind: 'stale_keys' });
        const before = await getJson(`${cold.url}/v1/invoices`, { headers: bearer(await token()) });
        await env.authServer.rotateSigningKeys();
        const after = await getJson(`${cold.url}/v1/invoices`, { headers: bearer(await token()) });

        expect(before.status).toBe(200);
        expect(after.status).toBe(401);
      } finally {
        await cold.close();
      }
    });

    it('answers 503 (not invalid_token) when it cannot fetch the signing keys', async () => {
      const cold = await startResourceServer({
        issuer: env.authServer.issuer,
        jwksUri: env.authServer.jwksUri,
        audience: env.audience,
      });
      const access = await token();
      env.authServer.injectFault({ kind: 'respond', status: 502, body: '<html>bad gateway</html>', path: 'jwks' });
      try {
        const response = await getJson(`${cold.url}/v1/invoices`, { headers: bearer(access) });

        expect(response.status).toBe(503);
        expect(response.headers['www-authenticate']).toBeUndefined();
      } finally {
        env.authServer.clearFaults();
        await cold.close();
      }
    });

    it('hang: the request is read and never answered; clearFaults ends it', async () => {
      await env.resourceServer.injectFault({ kind: 'hang' });
      const hanging = getJson(`${api}/health`).then(
        () => 'answered',
        () => 'ended',
      );
      const outcome = await Promise.race([
        hanging,
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
      ]);

      await env.resourceServer.clearFaults();

      expect(outcome).toBe('still waiting');
      expect(await hanging).toBe('ended');
      expect((await getJson(`${api}/health`)).status).toBe(200);
    });

    it('down: injectFault resolves once the port is closed', async () => {
      await env.resourceServer.injectFault({ kind: 'down' });
      const agent = new Agent();
      try {
        // No pause: the port is already closed when injectFault resolves.
        await expect(getJson(`${api}/health`, { dispatcher: agent })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      } finally {
        await agent.close();
        await env.resourceServer.clearFaults();
      }
    });

    it('down: connection refused, then clearFaults listens again on the same port', async () => {
      const access = await token();
      const { port } = env.resourceServer;

      // A new connection: a pooled keep-alive one, reused in the same tick, would see "other side closed".
      const agent = new Agent();
      try {
        env.resourceServer.injectFault({ kind: 'down' });
        const refused = getJson(`${api}/v1/invoices`, { headers: bearer(access), dispatcher: agent });
        await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });
        await env.resourceServer.clearFaults();
        const back = await getJson(`${api}/v1/invoices`, { headers: bearer(access), dispatcher: agent });

        expect(env.resourceServer.port).toBe(port);
        expect(back.status).toBe(200);
      } finally {
        await agent.close();
      }
    });
  });
});

describe('startResourceServer over HTTPS', () => {
  it('serves with the test CA and fetches the HTTPS JWKS trusting it', async () => {
    const env = await startLocalEnvironment({ https: true });
    const agent = new Agent({ connect: { ca: env.caPem } });
    try {
      const basic = env.secrets['local/basic']!;
      const access = await tokenRequest(
        env.authServer.tokenUrl,
        { grant_type: 'client_credentials', scope: 'billing:read' },
        { dispatcher: agent, headers: { authorization: basicAuthorization(basic.client_id, basic.client_secret!) } },
      );

      const response = await getJson(`${env.resourceServer.url}/v1/invoices?limit=2`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${access.body.access_token as string}` },
      });

      expect(env.resourceServer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(response.status).toBe(200);
      expect((response.body.data as unknown[]).length).toBe(2);
    } finally {
      await agent.close();
      await env.close();
    }
  });
});
