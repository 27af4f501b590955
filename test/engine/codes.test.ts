/**
 * Every code the engine can produce, each produced by a real exchange with oidc-provider and the local
 * API on 127.0.0.1 (faults injected by configuring those servers), or, where neither offers the fault,
 * by a tiny inline server. A final test checks that every code of ALL_CODES but `internal_error` was seen.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeConfig } from '../../functions/config/schema.js';
import { type EngineDeps, runProbe } from '../../functions/engine/index.js';
import { ALL_CODES, type ProbeResult, type ResultCode } from '../../functions/engine/result.js';
import type { ClientSecret, SecretSource } from '../../functions/engine/types.js';
import { FileSecretSource } from '../../functions/secrets/file-source.js';
import {
  createExpiredServerCert,
  LOCAL_CLIENTS,
  type LocalEnvironment,
  startAuthorizationServer,
  startLocalEnvironment,
} from '../../tools/local-servers/index.js';
import { offsetClock, resolved, startInlineServer, TestSecretSource } from './helpers.js';

const seen = new Set<ResultCode>();
const HOUR_MS = 3_600_000;

let env: LocalEnvironment;
let tlsEnv: LocalEnvironment;

async function run(
  config: ProbeConfig | Record<string, unknown>,
  deps: Partial<EngineDeps> = {},
): Promise<ProbeResult> {
  const result = await runProbe(resolved(config), { secrets: new TestSecretSource(env.secrets), ...deps });
  if (result.code) seen.add(result.code);
  return result;
}

const basic = (overrides: Partial<ProbeConfig> = {}) => env.probe('client_secret_basic', overrides);

beforeAll(async () => {
  [env, tlsEnv] = await Promise.all([startLocalEnvironment(), startLocalEnvironment({ https: true })]);
});
afterAll(async () => {
  await Promise.all([env?.close(), tlsEnv?.close()]);
});
afterEach(async () => {
  env.authServer.clearFaults();
  await env.resourceServer.clearFaults();
});

describe('transport failures', () => {
  it('reports dns_failure at the token stage for a host that does not resolve', async () => {
    const result = await run(basic({ tokenUrl: 'http://nonexistent.invalid/token' }));

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'dns_failure', httpStatus: null });
    expect(result.hint).toContain('nonexistent.invalid');
    expect(result.exchanges[0]).toMatchObject({ name: 'token', status: null, code: 'dns_failure' });
    expect(result.warnings.map((w) => w.code)).toEqual(['insecure_transport']);
  });

  it('reports connection_refused at the api stage when the API is down', async () => {
    env.resourceServer.injectFault({ kind: 'down' });

    const result = await run(basic());

    expect(result).toMatchObject({ status: 'fail', stage: 'api', step: 'list-invoices', code: 'connection_refused' });
  });

  it('reports connection_error when the token endpoint resets the connection', async () => {
    env.authServer.injectFault({ kind: 'reset' });

    const result = await run(basic());

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'connection_error' });
  });

  it('reports timeout when the token endpoint never answers', async () => {
    env.authServer.injectFault({ kind: 'hang' });

    const result = await run(basic({ timeoutMs: 300 }));

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'timeout' });
    expect(result.message).toContain('no response within 300 ms');
  });

  it('reports timeout at the step whose API hangs past the step timeoutMs', async () => {
    env.resourceServer.injectFault({ kind: 'delay', ms: 3000 });
    const config = basic();
    config.steps[0]!.timeoutMs = 200;

    const result = await run(config);

    expect(result).toMatchObject({ status: 'fail', stage: 'api', step: 'list-invoices', code: 'timeout' });
  });

  it('reports timeout when the whole run passes deadlineMs', async () => {
    env.resourceServer.injectFault({ kind: 'delay', ms: 3000 });

    const result = await run(basic({ timeoutMs: 5000, deadlineMs: 400 }));

    // The stage depends on how fast this machine gets to the API; the code and the message do not.
    expect(result).toMatchObject({ status: 'fail', code: 'timeout' });
    expect(result.message).toContain('deadline (400 ms)');
    expect(result.hint).toContain('deadlineMs');
  });

  it('reports tls_error with the expired certificate of the token endpoint, and its negative certDaysLeft', async () => {
    const expired = await createExpiredServerCert(tlsEnv.pki!.ca);
    const server = await startAuthorizationServer({
      audience: tlsEnv.audience,
      clients: [],
      tls: { key: expired.key, cert: expired.cert, ca: tlsEnv.pki!.ca.cert },
    });
    try {
      const result = await run(tlsEnv.probe('client_secret_basic', { tokenUrl: server.tokenUrl }), {
        secrets: new TestSecretSource(tlsEnv.secrets),
      });

      expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'tls_error' });
      expect(result.message).toContain('CERT_HAS_EXPIRED');
      expect(result.hint).toContain('expired');
      expect(result.exchanges[0]!.certDaysLeft).toBeLessThan(0);
    } finally {
      await server.close();
    }
  });

  it('reports tls_error when the server certificate is not trusted (no tls.ca)', async () => {
    const result = await run(tlsEnv.probe('client_secret_basic', { tls: undefined }), {
      secrets: new TestSecretSource(tlsEnv.secrets),
    });

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'tls_error' });
    expect(result.hint).toContain('tls.ca');
  });
});

describe('config and credentials', () => {
  it('reports invalid_config when tls.ca names a file that does not exist', async () => {
    const result = await run(basic({ tls: { ca: '/nonexistent/ca.pem' } }));

    expect(result).toMatchObject({ status: 'fail', stage: 'config', code: 'invalid_config' });
    expect(result.message).toContain('ENOENT');
  });

  it('reads tls.ca from a file through the injected readFile', async () => {
    const paths: string[] = [];
    const result = await run(tlsEnv.probe('client_secret_post', { tls: { ca: '/etc/oauth-probe/ca.pem' } }), {
      secrets: new TestSecretSource(tlsEnv.secrets),
      readFile: async (path) => {
        paths.push(path);
        return tlsEnv.caPem!;
      },
    });

    expect(result.status).toBe('pass');
    expect(paths).toEqual(['/etc/oauth-probe/ca.pem']);
  });

  it('reports secret_not_found for an unknown secretId', async () => {
    const result = await run(basic({ credentials: { secretId: 'nope' } }));

    expect(result).toMatchObject({ status: 'fail', stage: 'credentials', code: 'secret_not_found' });
    expect(result.hint).toContain('"nope"');
  });

  it('reports secret_malformed naming the missing field, never a value', async () => {
    const secrets = new TestSecretSource({ s: { client_id: 'probe-basic', private_key: 'not used' } });

    const result = await run(basic({ credentials: { secretId: 's' } }), { secrets });

    expect(result).toMatchObject({ status: 'fail', stage: 'credentials', code: 'secret_malformed' });
    expect(result.message).toContain('"client_secret"');
  });

  it('reports secret_malformed when private_key is not a PEM key', async () => {
    const secrets = new TestSecretSource({ s: { client_id: 'probe-jwt', private_key: 'garbage-key-material' } });

    const result = await run(env.probe('private_key_jwt', { credentials: { secretId: 's' } }), { secrets });

    expect(result).toMatchObject({ stage: 'credentials', code: 'secret_malformed' });
    expect(JSON.stringify(result)).not.toContain('garbage-key-material');
  });

  it('reports secret_access_denied when the secrets file cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-'));

    const result = await run(basic(), { secrets: new FileSecretSource(dir) });

    expect(result).toMatchObject({ status: 'fail', stage: 'credentials', code: 'secret_access_denied' });
  });

  it('reports secret_unavailable when the secret store itself fails', async () => {
    const store = await startInlineServer(() => {});
    await store.close();
    const secrets: SecretSource = {
      async get() {
        const response = await fetch(`${store.url}/secret`);
        return { secret: (await response.json()) as ClientSecret, fromCache: false };
      },
    };

    const result = await run(basic(), { secrets });

    expect(result).toMatchObject({ status: 'fail', stage: 'credentials', code: 'secret_unavailable' });
    expect(result.hint).toContain("probe's own infrastructure");
  });

  it('reports credentials_expired when expires_at is past, and credentialDaysLeft when it is not', async () => {
    const secret = env.secrets[LOCAL_CLIENTS.client_secret_basic.secretId]!;
    const past = new TestSecretSource({ s: { ...secret, expires_at: '2020-01-01T00:00:00Z' } });
    const future = new TestSecretSource({
      s: { ...secret, expires_at: new Date(Date.now() + 10.5 * 24 * HOUR_MS).toISOString() },
    });

    const expired = await run(basic({ credentials: { secretId: 's' } }), { secrets: past });
    const valid = await run(basic({ credentials: { secretId: 's' } }), { secrets: future });

    expect(expired).toMatchObject({ status: 'fail', stage: 'credentials', code: 'credentials_expired' });
    expect(expired.message).toContain('2020-01-01T00:00:00.000Z');
    expect(valid).toMatchObject({ status: 'pass', credentialDaysLeft: 10 });
  });
});

describe('discovery', () => {
  const viaIssuer = (issuer: string, overrides: Partial<ProbeConfig> = {}) => {
    const config = basic({ tokenUrl: undefined, issuer, ...overrides });
    config.token = {
      ...config.token,
      jwt: { ...config.token!.jwt!, issuer: env.authServer.issuer, jwksUri: undefined },
    };
    return config;
  };

  /**
   * oidc-provider serves both metadata documents, and the local server's discovery faults act on the
   * OpenID one only: this stand-in serves only /.well-known/openid-configuration, with the real
   * endpoints, and whatever changes a test makes.
   */
  async function oidcOnlyMetadata(change: (doc: Record<string, unknown>) => Record<string, unknown> = (d) => d) {
    const real = (await fetch(`${env.authServer.issuer}/.well-known/openid-configuration`).then((r) =>
      r.json(),
    )) as Record<string, unknown>;
    const server = await startInlineServer((req, res) => {
      if (req.url !== '/.well-known/openid-configuration') {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(change({ ...real, issuer: server.url })));
    });
    return server;
  }

  it('discovers the token endpoint and JWKS from the RFC 8414 metadata of oidc-provider', async () => {
    const result = await run(viaIssuer(env.authServer.issuer));

    expect(result.status).toBe('pass');
    expect(result.exchanges.map((e) => [e.name, e.status])).toEqual([
      ['discovery', 200],
      ['token', 200],
      ['jwks', 200],
      ['list-invoices', 200],
      ['get-invoice', 200],
    ]);
    expect(result.exchanges[0]!.url).toBe(`${env.authServer.issuer}/.well-known/oauth-authorization-server`);
  });

  it('falls back to the OpenID configuration when there is no RFC 8414 document', async () => {
    const metadata = await oidcOnlyMetadata();

    const result = await run(viaIssuer(metadata.url));
    await metadata.close();

    expect(result.status).toBe('pass');
    expect(result.exchanges.slice(0, 3).map((e) => [e.name, e.status])).toEqual([
      ['discovery', 404],
      ['discovery', 200],
      ['token', 200],
    ]);
  });

  it('warns when the metadata does not advertise client_credentials or the auth method', async () => {
    const metadata = await oidcOnlyMetadata((doc) => ({
      ...doc,
      grant_types_supported: ['authorization_code'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    }));

    const result = await run(viaIssuer(metadata.url));
    await metadata.close();

    expect(result.status).toBe('pass');
    expect(result.warnings.map((w) => w.code)).toEqual(['grant_not_advertised', 'auth_method_not_advertised']);
  });

  it('reports discovery_failed when neither metadata document exists', async () => {
    const result = await run(viaIssuer(env.resourceServer.url));

    expect(result).toMatchObject({ status: 'fail', stage: 'discovery', code: 'discovery_failed', httpStatus: 404 });
  });

  it('reports issuer_mismatch when the configured issuer differs by a trailing slash (RFC 8414 §3.3)', async () => {
    const result = await run(viaIssuer(`${env.authServer.issuer}/`));

    expect(result).toMatchObject({ status: 'fail', stage: 'discovery', code: 'issuer_mismatch' });
    expect(result.hint).toContain('RFC 8414 §3.3');
  });

  it('reports issuer_mismatch when the OpenID configuration names another issuer', async () => {
    const metadata = await oidcOnlyMetadata((doc) => ({ ...doc, issuer: 'https://impostor.example' }));

    const result = await run(viaIssuer(metadata.url));
    await metadata.close();

    expect(result).toMatchObject({ status: 'fail', stage: 'discovery', code: 'issuer_mismatch' });
  });
});

describe('token endpoint', () => {
  it('reports invalid_client when the secret was rotated at the server', async () => {
    const { clientId } = LOCAL_CLIENTS.client_secret_basic;
    const original = env.secrets[LOCAL_CLIENTS.client_secret_basic.secretId]!.client_secret!;
    env.authServer.setClientSecret(clientId, 'rotated-secret-value');
    try {
      const result = await run(basic());

      expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'invalid_client', httpStatus: 401 });
      expect(result.hint).toContain('was the secret rotated or has it expired? Check credentials.secretId');
    } finally {
      env.authServer.setClientSecret(clientId, original);
    }
  });

  it('re-reads a cached secret once after invalid_client, and passes with the fresh one', async () => {
    const id = LOCAL_CLIENTS.client_secret_basic.secretId;
    const stale = { ...env.secrets[id]!, client_secret: 'stale-cached-secret' };
    const secrets = new TestSecretSource(env.secrets, { [id]: stale });

    const result = await run(basic(), { secrets });

    expect(result.status).toBe('pass');
    expect(secrets.calls).toEqual([
      { secretId: id, bypassCache: false },
      { secretId: id, bypassCache: true },
    ]);
    expect(result.exchanges.filter((e) => e.name === 'token').map((e) => e.status)).toEqual([401, 200]);
  });

  it('reports invalid_scope when the client asks for a scope it may not have', async () => {
    const result = await run(env.probe('client_secret_post', { scope: ['billing:read', 'billing:write'] }));

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'invalid_scope', httpStatus: 400 });
  });

  it('reports invalid_target for a resource the server does not serve (RFC 8707)', async () => {
    const result = await run(basic({ tokenParams: { resource: 'https://other-api.example' } }));

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'invalid_target' });
  });

  for (const error of ['invalid_request', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type'] as const) {
    it(`reports ${error} as sent by the server`, async () => {
      env.authServer.injectFault({
        kind: 'respond',
        status: 400,
        body: JSON.stringify({ error, error_description: 'configured fault' }),
      });

      const result = await run(basic());

      expect(result).toMatchObject({ status: 'fail', stage: 'token', code: error, httpStatus: 400 });
      expect(result.message).toBe(`token endpoint answered 400 ${error}: configured fault`);
    });
  }

  it('reports an error sent with status 200 as the error it names', async () => {
    env.authServer.injectFault({ kind: 'respond', status: 200, body: '{"error":"unauthorized_client"}' });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'unauthorized_client', httpStatus: 200 });
  });

  it("reports Auth0's access_denied as oauth_error with an Auth0 hint", async () => {
    env.authServer.injectFault({
      kind: 'respond',
      status: 403,
      body: JSON.stringify({
        error: 'access_denied',
        error_description:
          'Client is not authorized to access "https://api.example.com". You need to create a "client-grant" associated to this API.',
      }),
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'oauth_error', httpStatus: 403 });
    expect(result.hint).toContain('Auth0');
  });

  it('reports an Entra ID AADSTS body as oauth_error with an Entra hint', async () => {
    env.authServer.injectFault({
      kind: 'respond',
      status: 400,
      body: JSON.stringify({
        error: 'invalid_resource',
        error_description: 'AADSTS500011: The resource principal named api://x was not found in the tenant.',
        error_codes: [500011],
        trace_id: 't',
        correlation_id: 'c',
      }),
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'oauth_error' });
    expect(result.hint).toContain('AADSTS500011');
  });

  it('reports rate_limited and quotes Retry-After', async () => {
    env.authServer.injectFault({
      kind: 'respond',
      status: 429,
      body: '{"error":"too_many_requests"}',
      headers: { 'retry-after': '120' },
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'rate_limited', httpStatus: 429 });
    expect(result.hint).toContain('Retry-After: 120 s');
  });

  it('reports server_error for a 5xx', async () => {
    env.authServer.injectFault({
      kind: 'respond',
      status: 500,
      body: '<html>oops</html>',
      headers: { 'content-type': 'text/html' },
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'server_error', httpStatus: 500 });
  });

  it('reports malformed_response for an HTML body with status 200', async () => {
    env.authServer.injectFault({
      kind: 'respond',
      status: 200,
      body: '<!DOCTYPE html><html><body>Sign in</body></html>',
      headers: { 'content-type': 'text/html' },
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'malformed_response', httpStatus: 200 });
    expect(result.message).toContain('html body');
  });

  it('reports unexpected_status for a non-2xx without an error body', async () => {
    env.authServer.injectFault({ kind: 'respond', status: 404, body: '' });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token', code: 'unexpected_status', httpStatus: 404 });
  });
});

describe('token validation', () => {
  const mutate = (fn: (body: Record<string, unknown>) => Record<string, unknown>) =>
    env.authServer.injectFault({ kind: 'mutate_token_response', mutate: fn });

  it('reports missing_access_token', async () => {
    mutate(({ access_token: _, ...rest }) => rest);

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token_validation', code: 'missing_access_token' });
  });

  it('reports malformed_access_token, not a connection error, for a token with CRLF (RFC 6750 §2.1)', async () => {
    mutate((body) => ({ ...body, access_token: `${body.access_token}\r\nX-Injected: 1` }));

    const result = await run(basic({ token: {} }));

    expect(result).toMatchObject({ stage: 'token_validation', code: 'malformed_access_token' });
    expect(result.message).toContain('CR');
  });

  it('reports unsupported_token_type for a DPoP token', async () => {
    mutate((body) => ({ ...body, token_type: 'DPoP' }));

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token_validation', code: 'unsupported_token_type' });
    expect(result.token).toMatchObject({ type: 'DPoP', format: 'jwt' });
  });

  it('accepts token_type in any case (bearer)', async () => {
    mutate((body) => ({ ...body, token_type: 'bearer' }));

    expect((await run(basic())).status).toBe('pass');
  });

  it('reports invalid_expires_in for a non-positive expires_in', async () => {
    mutate((body) => ({ ...body, expires_in: 0 }));

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token_validation', code: 'invalid_expires_in' });
  });

  it('warns, and passes, when expires_in is missing, short, or a refresh_token is issued', async () => {
    mutate(({ expires_in: _, ...rest }) => ({ ...rest, refresh_token: 'rt-should-not-be-here' }));
    const first = await run(basic());
    env.authServer.clearFaults();

    const second = await run(basic({ token: { ...basic().token, minExpiresInSec: 3600 } }));

    expect(first.status).toBe('pass');
    expect(first.warnings.map((w) => w.code)).toEqual(['expires_in_missing', 'refresh_token_issued']);
    expect(second.warnings.map((w) => w.code)).toEqual(['expires_in_short']);
  });

  it('warns cache_control_missing when the token response may be cached (RFC 6749 §5.1)', async () => {
    const as = await startInlineServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'opaque-token-abcdef', token_type: 'Bearer', expires_in: 60 }));
    });

    const result = await run({
      name: 'no-store',
      tokenUrl: `${as.url}/token`,
      credentials: { secretId: 'local/post' },
      clientAuth: 'client_secret_post',
    });
    await as.close();

    expect(result).toMatchObject({ status: 'pass', token: { format: 'opaque', expiresIn: 60, scopes: [] } });
    expect(result.warnings.map((w) => w.code)).toEqual(['cache_control_missing']);
  });

  it('reports scope_not_granted when a required scope is missing', async () => {
    const result = await run(basic({ token: { ...basic().token, requiredScopes: ['billing:read', 'billing:write'] } }));

    expect(result).toMatchObject({ stage: 'token_validation', code: 'scope_not_granted' });
    expect(result.message).toContain('billing:write');
  });

  it('reports jwt_malformed for an opaque token when token.jwt is set', async () => {
    mutate((body) => ({ ...body, access_token: 'opaque-token-value-123' }));

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_malformed' });
    expect(result.token?.format).toBe('opaque');
  });

  it('reports jwt_signature_invalid for a tampered signature', async () => {
    mutate((body) => {
      const [h, p, s] = String(body.access_token).split('.');
      const flipped = `${s!.slice(0, 10)}${s![10] === 'A' ? 'B' : 'A'}${s!.slice(11)}`;
      return { ...body, access_token: `${h}.${p}.${flipped}` };
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_signature_invalid' });
  });

  it('reports jwt_signature_invalid when the algorithm is not allowed', async () => {
    const result = await run(
      basic({ token: { ...basic().token, jwt: { ...basic().token!.jwt!, algorithms: ['PS512'] } } }),
    );

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_signature_invalid' });
    expect(result.message).toContain(`"${result.token?.claims?.alg}" is not in the allowed algorithms`);
  });

  it('reports jwt_expired when our clock runs far ahead', async () => {
    const result = await run(basic(), { clock: offsetClock(HOUR_MS) });

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_expired' });
  });

  it('reports jwt_not_yet_valid when our clock runs far behind', async () => {
    const result = await run(basic(), { clock: offsetClock(-HOUR_MS) });

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_not_yet_valid' });
  });

  it('reports jwt_issuer_mismatch', async () => {
    const config = basic();
    config.token!.jwt!.issuer = `${env.authServer.issuer}/`;

    const result = await run(config);

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_issuer_mismatch' });
  });

  it('reports jwt_audience_mismatch', async () => {
    const config = basic();
    config.token!.jwt!.audience = 'https://another-api.example';

    const result = await run(config);

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_audience_mismatch' });
    expect(result.message).toContain('https://api.oauth-probe.test');
  });

  it('reports jwt_claim_invalid for a required claim with another value', async () => {
    const config = basic();
    config.token!.jwt!.requiredClaims = { client_id: 'someone-else' };

    const result = await run(config);

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_claim_invalid' });
  });

  it('reports jwks_unavailable when the JWKS endpoint fails', async () => {
    env.authServer.injectFault({ kind: 'respond', status: 503, body: 'down', path: 'jwks' });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwks_unavailable', httpStatus: 503 });
  });

  it('refetches the JWKS once when the kid is unknown, and then passes', async () => {
    const jwks = await fetch(env.authServer.jwksUri).then((r) => r.json());
    let served = 0;
    const stale = await startInlineServer((_req, res) => {
      served++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served === 1 ? { keys: [] } : jwks));
    });
    const config = basic();
    config.token!.jwt!.jwksUri = `${stale.url}/jwks`;

    const result = await run(config);
    await stale.close();

    expect(result.status).toBe('pass');
    expect(result.exchanges.filter((e) => e.name === 'jwks')).toHaveLength(2);
  });
});

describe('API steps', () => {
  it('reports invalid_token when the API holds stale keys after a rotation', async () => {
    expect((await run(basic())).status).toBe('pass');
    env.resourceServer.injectFault({ kind: 'stale_keys' });
    await env.authServer.rotateSigningKeys();

    const result = await run(basic());

    expect(result).toMatchObject({
      status: 'fail',
      stage: 'api',
      step: 'list-invoices',
      code: 'invalid_token',
      httpStatus: 401,
    });
    expect(result.hint).toContain('stale JWKS');
  });

  it('reports insufficient_scope with the scope the API asks for', async () => {
    env.resourceServer.injectFault({ kind: 'require_scope', scope: 'billing:write' });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'api', step: 'list-invoices', code: 'insufficient_scope', httpStatus: 403 });
    expect(result.hint).toContain('billing:write');
  });

  it('reports unauthorized for a 401 without an RFC 6750 error code', async () => {
    env.resourceServer.injectFault({
      kind: 'respond',
      status: 401,
      body: '{}',
      headers: { 'www-authenticate': 'Bearer realm="api"' },
    });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'api', code: 'unauthorized', httpStatus: 401 });
  });

  it('reports forbidden for a 403 without insufficient_scope', async () => {
    env.resourceServer.injectFault({ kind: 'respond', status: 403, body: '{"error":"policy"}' });

    expect(await run(basic())).toMatchObject({ stage: 'api', code: 'forbidden', httpStatus: 403 });
  });

  it('reports rate_limited at the api stage and quotes Retry-After', async () => {
    env.resourceServer.injectFault({ kind: 'respond', status: 429, body: '{}', headers: { 'retry-after': '30' } });

    const result = await run(basic());

    expect(result).toMatchObject({ stage: 'api', code: 'rate_limited' });
    expect(result.hint).toContain('Retry-After: 30 s');
  });

  it('reports server_error at the api stage', async () => {
    env.resourceServer.injectFault({ kind: 'respond', status: 503, body: '{"error":"down"}' });

    expect(await run(basic())).toMatchObject({ stage: 'api', code: 'server_error', httpStatus: 503 });
  });

  it('reports unexpected_status for a status outside expect.status', async () => {
    const config = basic();
    config.steps = [
      {
        name: 'missing',
        request: { method: 'GET', url: `${env.resourceServer.url}/v1/invoices/nope`, followRedirects: false },
      },
    ];

    const result = await run(config);

    expect(result).toMatchObject({ stage: 'api', step: 'missing', code: 'unexpected_status', httpStatus: 404 });
  });

  it('reports assertion_failed for a JSON path with another value', async () => {
    const config = basic();
    config.steps[1]!.expect = { status: 200, json: [{ path: 'id', equals: 'inv_999' }] };

    const result = await run(config);

    expect(result).toMatchObject({ stage: 'api', step: 'get-invoice', code: 'assertion_failed' });
    expect(result.message).toContain('path id is "inv_1", expected "inv_999"');
  });

  it('reports assertion_failed for a missing header or body text, and passes when they match', async () => {
    const config = basic();
    config.steps[0]!.expect = { status: 200, headers: { 'content-type': 'application/json' }, bodyContains: '"inv_1"' };
    const passing = await run(config);
    config.steps[0]!.expect = { status: 200, headers: { 'x-missing': 'x' } };

    const failing = await run(config);

    expect(passing.status).toBe('pass');
    expect(failing).toMatchObject({ code: 'assertion_failed', step: 'list-invoices' });
    expect(failing.message).toContain('header x-missing is absent');
  });

  it('reports assertion_failed when extract finds nothing, or a placeholder has no value', async () => {
    const noExtract = basic();
    noExtract.steps[0]!.extract = { invoiceId: 'data[9].id' };
    const noValue = basic();
    noValue.steps[0]!.extract = {};

    const first = await run(noExtract);
    const second = await run(noValue);

    expect(first).toMatchObject({ step: 'list-invoices', code: 'assertion_failed' });
    expect(first.message).toContain('extract "invoiceId": nothing at path data[9].id');
    expect(second).toMatchObject({ step: 'get-invoice', code: 'assertion_failed' });
    expect(second.message).toContain('no value for {{invoiceId}}');
  });

  it('posts a JSON body with {{placeholders}} filled from an earlier extract', async () => {
    const config = basic({ scope: 'billing:read billing:write' });
    config.steps.push({
      name: 'create',
      request: {
        method: 'POST',
        url: `${env.resourceServer.url}/v1/invoices`,
        body: { copyOf: '{{invoiceId}}' },
        followRedirects: false,
      },
      expect: { status: 201, json: [{ path: 'copyOf', equals: 'inv_1' }] },
    });

    const result = await run(config);

    expect(result.status).toBe('pass');
  });

  it('follows a same-origin redirect only when asked', async () => {
    const target = encodeURIComponent(`${env.resourceServer.url}/health`);
    const config = basic();
    config.steps = [
      {
        name: 'hop',
        request: { method: 'GET', url: `${env.resourceServer.url}/redirect?to=${target}`, followRedirects: true },
      },
    ];
    const followed = await run(config);
    config.steps[0]!.request.followRedirects = false;

    const notFollowed = await run(config);

    expect(followed.status).toBe('pass');
    expect(followed.exchanges.filter((e) => e.name === 'hop').map((e) => e.status)).toEqual([302, 200]);
    expect(notFollowed).toMatchObject({ code: 'unexpected_status', httpStatus: 302 });
  });

  it('never sends the bearer token across origins on a redirect', async () => {
    const other = await startInlineServer((_req, res) => res.end('{}'));
    const config = basic();
    const to = encodeURIComponent(`${other.url}/steal`);
    config.steps = [
      {
        name: 'hop',
        request: { method: 'GET', url: `${env.resourceServer.url}/redirect?to=${to}`, followRedirects: true },
      },
    ];

    const result = await run(config);
    await other.close();

    expect(result).toMatchObject({ stage: 'api', code: 'unexpected_status', httpStatus: 302 });
    expect(result.message).toContain('never crosses origins');
    expect(other.requests).toHaveLength(0);
  });
});

describe('degraded', () => {
  it('is degraded at the token stage when the token request exceeds token.degradedMs', async () => {
    env.authServer.injectFault({ kind: 'delay', ms: 1000, path: 'token' });

    const result = await run(basic({ token: { ...basic().token, degradedMs: 200 } }));

    expect(result).toMatchObject({
      status: 'degraded',
      stage: 'token',
      step: null,
      code: 'slow_response',
      httpStatus: 200,
    });
    expect(result.message).toMatch(/took \d+ ms, over degradedMs 200 ms/);
    expect(result.exchanges.find((e) => e.name === 'token')?.code).toBe('slow_response');
  });

  it('passes with the same delay when the threshold is far above it', async () => {
    env.authServer.injectFault({ kind: 'delay', ms: 1000, path: 'token' });

    const result = await run(basic({ degradedMs: 30_000 }));

    expect(result).toMatchObject({ status: 'pass', code: null });
  });

  it('is degraded at the slow step, whose degradedMs overrides the probe value', async () => {
    env.resourceServer.injectFault({ kind: 'delay', ms: 1000 });
    const config = basic({ degradedMs: 30_000 });
    config.steps[1]!.degradedMs = 200;

    const result = await run(config);

    expect(result).toMatchObject({ status: 'degraded', stage: 'api', step: 'get-invoice', code: 'slow_response' });
  });
});

describe('robustness', () => {
  it('reports internal_error, and does not throw, when an injected dependency breaks', async () => {
    const result = await run(basic(), {
      clock: {
        now() {
          throw new Error('clock broke');
        },
      },
    });

    expect(result).toMatchObject({ status: 'fail', code: 'internal_error', stage: null });
    expect(result.message).toContain('clock broke');
  });
});

describe('fail-open detection and introspection (issue "beyond every peer")', () => {
  it('reports accepts_invalid_token at the api stage when the API serves a request without a token', async () => {
    env.resourceServer.injectFault({ kind: 'fail_open', accepts: 'anything' });
    const probe = basic();

    const result = await run({ ...probe, steps: [{ ...probe.steps[0]!, rejects: ['missing_token'] }] });

    expect(result).toMatchObject({ status: 'fail', stage: 'api', code: 'accepts_invalid_token', httpStatus: 200 });
  });

  it('reports token_not_bound at token_validation when a DPoP probe gets a Bearer token', async () => {
    env.authServer.injectFault({
      kind: 'mutate_token_response',
      mutate: (body) => ({ ...body, token_type: 'Bearer' }),
    });

    const result = await run(basic({ tokenBinding: 'dpop' }));

    expect(result).toMatchObject({ stage: 'token_validation', code: 'token_not_bound' });
  });

  it('reports dpop_rejected at the token stage for invalid_dpop_proof', async () => {
    env.authServer.injectFault({ kind: 'respond', status: 400, body: '{"error":"invalid_dpop_proof"}' });

    const result = await run(basic({ tokenBinding: 'dpop' }));

    expect(result).toMatchObject({ stage: 'token', code: 'dpop_rejected', httpStatus: 400 });
  });

  describe('with opaque tokens', () => {
    let opaque: Awaited<ReturnType<typeof startAuthorizationServer>>;
    const secret = { client_id: 'opaque', client_secret: 'opaque client secret' };
    beforeAll(async () => {
      opaque = await startAuthorizationServer({
        audience: 'https://api.oauth-probe.test',
        accessTokenFormat: 'opaque',
        clients: [
          { clientId: 'opaque', authMethod: 'client_secret_basic', clientSecret: secret.client_secret, scopes: [] },
        ],
      });
    });
    afterAll(() => opaque?.close());
    const probe = (introspection: Record<string, unknown>) => ({
      name: 'opaque',
      issuer: opaque.issuer,
      credentials: { secretId: 'o' },
      token: { introspection },
    });

    it('reports token_inactive at token_validation when introspection says active: false', async () => {
      opaque.injectFault({ kind: 'mutate_introspection', mutate: () => ({ active: false }) });

      const result = await run(probe({}), { secrets: new TestSecretSource({ o: secret }) });
      opaque.clearFaults();

      expect(result).toMatchObject({ stage: 'token_validation', code: 'token_inactive' });
    });

    it('reports introspection_failed with the status when the introspection endpoint answers 404', async () => {
      const result = await run(probe({ url: `${opaque.issuer}/no-such-endpoint` }), {
        secrets: new TestSecretSource({ o: secret }),
      });

      expect(result).toMatchObject({ stage: 'token_validation', code: 'introspection_failed', httpStatus: 404 });
    });
  });
});

describe('coverage of the result codes', () => {
  it('produced every code of ALL_CODES in this file', () => {
    const missing = ALL_CODES.filter((code) => !seen.has(code));

    expect(missing).toEqual([]);
  });
});
