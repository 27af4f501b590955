/**
 * Nothing secret in a result: the client secret, the private keys, the client assertion, the Basic
 * header and the access token are captured where they really appear (the secrets map, the server that
 * receives them, the token response) and looked for in the JSON of passing and failing results,
 * including results from servers that echo what they were sent back into their error messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientAuthMethod, ProbeConfig } from '../../functions/config/schema.js';
import { runProbe, TokenCache } from '../../functions/engine/index.js';
import type { ProbeResult } from '../../functions/engine/result.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { type InlineServer, pemBodyLines, resolved, startInlineServer, TestSecretSource } from './helpers.js';

const METHODS: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth'];

describe('secrets never appear in results', () => {
  let env: LocalEnvironment;
  let echoTokenEndpoint: InlineServer;
  let echoApi: InlineServer;
  const accessTokens: string[] = [];
  const passing: ProbeResult[] = [];
  const failing: ProbeResult[] = [];
  /** token.reuse: runs that sent a token they never saw issued, to an API that echoes it back. */
  const reusedEchoes: ProbeResult[] = [];

  const run = async (config: ProbeConfig) => runProbe(resolved(config), { secrets: new TestSecretSource(env.secrets) });

  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
    env.authServer.injectFault({
      kind: 'mutate_token_response',
      mutate: (body) => {
        accessTokens.push(String(body.access_token));
        return body;
      },
    });
    // A token endpoint that quotes back everything it received, in the error and in a header.
    echoTokenEndpoint = await startInlineServer((req, res, body) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.setHeader('www-authenticate', `Basic realm="x", error_description="${req.headers.authorization ?? ''}"`);
      res.end(
        JSON.stringify({
          error: 'invalid_client',
          error_description: `rejected: ${req.headers.authorization ?? ''} ${body} ${decodeURIComponent(body)}`,
        }),
      );
    });
    // An API that quotes the bearer token back in its RFC 6750 challenge.
    echoApi = await startInlineServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.statusCode = 401;
      res.setHeader(
        'www-authenticate',
        `Bearer error="invalid_token", error_description="token ${token} is not valid"`,
      );
      res.end(JSON.stringify({ token }));
    });

    for (const method of METHODS) {
      passing.push(await run(env.probe(method)));
      failing.push(await run(env.probe(method, { tokenUrl: `${echoTokenEndpoint.url}/token` })));
      const config = env.probe(method);
      config.steps = [{ name: 'echo', request: { method: 'GET', url: `${echoApi.url}/v1/x`, followRedirects: false } }];
      failing.push(await run(config));
      const wrongAudience = env.probe(method);
      wrongAudience.token!.jwt!.audience = 'https://another-api.example';
      failing.push(await run(wrongAudience));
      // The first run caches its token; the second sends it, reused, to the echoing API.
      const tokens = new TokenCache();
      const reusing = env.probe(method, { name: `reuse-${method}` });
      reusing.token = { ...reusing.token, reuse: { maxAgeSec: 3600 } };
      const secrets = new TestSecretSource(env.secrets);
      passing.push(await runProbe(resolved(reusing), { secrets, tokens }));
      const echoing = { ...reusing, steps: config.steps };
      reusedEchoes.push(await runProbe(resolved(echoing), { secrets, tokens }));
    }
  });

  afterAll(async () => {
    await Promise.all([env?.close(), echoTokenEndpoint?.close(), echoApi?.close()]);
  });

  function secretValues(): string[] {
    const values: string[] = [];
    for (const secret of Object.values(env.secrets)) {
      if (secret.client_secret) values.push(secret.client_secret);
      if (secret.private_key) values.push(...pemBodyLines(secret.private_key));
    }
    for (const request of echoTokenEndpoint.requests) {
      const form = new URLSearchParams(request.body);
      const assertion = form.get('client_assertion');
      if (assertion) values.push(assertion, assertion.split('.')[2]!);
      const authorization = request.headers.authorization;
      if (authorization) values.push(authorization, authorization.replace(/^Basic /, ''));
    }
    for (const request of echoApi.requests) values.push(String(request.headers.authorization));
    for (const token of accessTokens) values.push(token, token.split('.')[2]!);
    return values;
  }

  it('ran every method to a pass and to failures at the token, token_validation and api stages', () => {
    expect(passing.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(reusedEchoes.map((r) => [r.stage, r.code, r.token?.reused])).toEqual(
      METHODS.map(() => ['api', 'invalid_token', true]),
    );
    expect(failing.map((r) => `${r.stage}:${r.code}`)).toEqual(
      METHODS.flatMap(() => ['token:invalid_client', 'api:invalid_token', 'token_validation:jwt_audience_mismatch']),
    );
  });

  it('captured real secrets to look for: secrets, keys, assertions, Basic headers and access tokens', () => {
    const requests = echoTokenEndpoint.requests;

    expect(accessTokens.length).toBeGreaterThanOrEqual(12);
    expect(requests.some((r) => new URLSearchParams(r.body).get('client_assertion'))).toBe(true);
    expect(requests.some((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
    expect(requests.some((r) => new URLSearchParams(r.body).get('client_secret'))).toBe(true);
  });

  it('redacted the echoed values instead of dropping the server message', () => {
    // The mTLS client sends nothing secret in the request (its key stays in the TLS handshake).
    const echoed = failing.filter(
      (r) => (r.code === 'invalid_client' && r.probe !== 'local-mtls') || r.code === 'invalid_token',
    );

    expect(echoed).toHaveLength(7);

    for (const result of [...echoed, ...reusedEchoes]) expect(result.message).toContain('[redacted]');
  });

  it('finds none of them in any result', () => {
    const values = secretValues();
    const leaks: string[] = [];
    for (const result of [...passing, ...failing, ...reusedEchoes]) {
      const json = JSON.stringify(result);
      for (const value of values) {
        if (json.includes(value)) leaks.push(`${result.probe} ${result.code}: ${value.slice(0, 12)}…`);
      }
    }

    expect(leaks).toEqual([]);
  });
});
