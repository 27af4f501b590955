import { Agent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalEnvironment } from '../../../tools/local-servers/environment.js';
import { basicAuthorization, clientAssertion, getJson, JWT_BEARER, tokenRequest } from './http.js';

describe('the local servers are quiet', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('print nothing while starting, serving every auth method and error, rotating and closing', async () => {
    const printed = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );

    const env = await startLocalEnvironment({ https: true });
    const agent = new Agent({ connect: { ca: env.caPem, cert: env.pki!.client.cert, key: env.pki!.client.key } });
    try {
      const basic = env.secrets['local/basic']!;
      const read = { grant_type: 'client_credentials', scope: 'billing:read' };
      await getJson(`${env.authServer.issuer}/.well-known/openid-configuration`, { dispatcher: agent });
      await tokenRequest(env.authServer.tokenUrl, read, {
        dispatcher: agent,
        headers: { authorization: basicAuthorization(basic.client_id, basic.client_secret!) },
      });
      await tokenRequest(env.authServer.tokenUrl, { ...read, client_id: 'probe-mtls' }, { dispatcher: agent });
      await tokenRequest(
        env.authServer.tokenUrl,
        {
          ...read,
          client_assertion_type: JWT_BEARER,
          client_assertion: await clientAssertion(env.secrets['local/jwt']!, env.authServer.issuer),
        },
        { dispatcher: agent },
      );
      await tokenRequest(
        env.authServer.tokenUrl,
        { ...read, client_id: 'probe-post', client_secret: 'wrong' },
        {
          dispatcher: agent,
        },
      );
      await tokenRequest(
        env.authServer.tokenUrl,
        { ...read, client_id: 'probe-mtls', resource: 'https://x.example' },
        {
          dispatcher: agent,
        },
      );
      await getJson(`${env.resourceServer.url}/v1/invoices`, {
        dispatcher: agent,
        headers: { authorization: 'Bearer x' },
      });
      await env.authServer.rotateSigningKeys();
    } finally {
      await agent.close();
      await env.close();
    }

    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
  });
});
