import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_VARIANTS } from '../../functions/config/defaults.js';
import { runProbe } from '../../functions/engine/index.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { resolved, TestSecretSource } from './helpers.js';

describe('DPoP (RFC 9449) against oidc-provider and the local API', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
  });
  afterEach(async () => {
    env.authServer.clearFaults();
    await env.resourceServer.clearFaults();
  });
  afterAll(() => env?.close());

  const dpop = (overrides: Record<string, unknown> = {}) =>
    resolved({ ...env.probe('client_secret_basic'), tokenBinding: 'dpop', ...overrides });

  for (const method of ['client_secret_basic', 'private_key_jwt'] as const) {
    it(`passes end to end with a DPoP-bound token (${method}): proofs on the token request and every step`, async () => {
      const result = await runProbe(resolved({ ...env.probe(method), tokenBinding: 'dpop' }), {
        secrets: new TestSecretSource(env.secrets),
      });

      expect(result).toMatchObject({ status: 'pass', code: null });
      expect(result.token?.type).toBe('DPoP');
      expect(result.exchanges.map((e) => [e.name, e.status])).toEqual([
        ['token', 200],
        ['jwks', 200],
        ['list-invoices', 200],
        ['get-invoice', 200],
      ]);
    });
  }

  it('reports token_not_bound at token_validation when the server issues a Bearer token', async () => {
    env.authServer.injectFault({
      kind: 'mutate_token_response',
      mutate: (body) => ({ ...body, token_type: 'Bearer' }),
    });

    const result = await runProbe(dpop(), { secrets: new TestSecretSource(env.secrets) });

    expect(result).toMatchObject({ status: 'fail', stage: 'token_validation', code: 'token_not_bound' });
    expect(result.message).toContain('expected "DPoP"');
  });

  it('reports dpop_rejected at the token stage for invalid_dpop_proof', async () => {
    env.authServer.injectFault({
      kind: 'respond',
      status: 400,
      body: JSON.stringify({ error: 'invalid_dpop_proof', error_description: 'DPoP proof JWT replay detected' }),
    });

    const result = await runProbe(dpop(), { secrets: new TestSecretSource(env.secrets) });

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'dpop_rejected', httpStatus: 400 });
    expect(result.hint).toContain('RFC 9449');
  });

  it('reports dpop_rejected at the api stage when the API refuses the proof', async () => {
    env.resourceServer.injectFault({
      kind: 'respond',
      status: 401,
      body: '{"error":"invalid_dpop_proof"}',
      headers: { 'www-authenticate': 'DPoP realm="api", error="invalid_dpop_proof"' },
    });

    const result = await runProbe(dpop(), { secrets: new TestSecretSource(env.secrets) });

    expect(result).toMatchObject({ status: 'fail', stage: 'api', step: 'list-invoices', code: 'dpop_rejected' });
  });

  it('sends the fail-open variants with the DPoP scheme and a valid proof, so only the token differs', async () => {
    const probe = env.probe('client_secret_basic');
    const steps = [{ ...probe.steps[0]!, rejects: [...REJECT_VARIANTS] }];

    const healthy = await runProbe(dpop({ steps }), { secrets: new TestSecretSource(env.secrets) });
    env.resourceServer.injectFault({ kind: 'fail_open', accepts: 'unverified_signature' });
    const broken = await runProbe(dpop({ steps }), { secrets: new TestSecretSource(env.secrets) });

    expect(healthy.status).toBe('pass');
    expect(healthy.exchanges.filter((e) => e.name.includes(':')).map((e) => e.status)).toEqual([401, 401, 401, 401]);
    expect(broken).toMatchObject({ code: 'accepts_invalid_token', stage: 'api' });
    expect(broken.message).toContain('rejects: tampered_signature');
  });
});

describe('DPoP with a server nonce (RFC 9449 §8)', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ authServer: { requireDpopNonce: true } });
  });
  afterAll(() => env?.close());

  it('retries the token request once with the nonce the server asked for', async () => {
    const result = await runProbe(resolved({ ...env.probe('client_secret_post'), tokenBinding: 'dpop' }), {
      secrets: new TestSecretSource(env.secrets),
    });

    expect(result).toMatchObject({ status: 'pass', code: null });
    expect(result.exchanges.filter((e) => e.name === 'token').map((e) => e.status)).toEqual([400, 200]);
  });
});

describe('certificate-bound tokens (RFC 8705 §3) with tls_client_auth', () => {
  let bound: LocalEnvironment;
  let unbound: LocalEnvironment;
  beforeAll(async () => {
    [bound, unbound] = await Promise.all([
      startLocalEnvironment({ https: true, authServer: { certificateBoundAccessTokens: true } }),
      startLocalEnvironment({ https: true }),
    ]);
  });
  afterAll(() => Promise.all([bound?.close(), unbound?.close()]));

  it('passes when cnf["x5t#S256"] is the client certificate thumbprint', async () => {
    const result = await runProbe(resolved({ ...bound.probe('tls_client_auth'), tokenBinding: 'mtls' }), {
      secrets: new TestSecretSource(bound.secrets),
    });

    expect(result).toMatchObject({ status: 'pass', code: null });
  });

  it('reports token_not_bound when the token carries no certificate binding', async () => {
    const result = await runProbe(resolved({ ...unbound.probe('tls_client_auth'), tokenBinding: 'mtls' }), {
      secrets: new TestSecretSource(unbound.secrets),
    });

    expect(result).toMatchObject({ status: 'fail', stage: 'token_validation', code: 'token_not_bound' });
    expect(result.message).toContain('x5t#S256');
  });
});
