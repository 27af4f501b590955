import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_VARIANTS } from '../../functions/config/defaults.js';
import type { ProbeConfig } from '../../functions/config/schema.js';
import { runProbe } from '../../functions/engine/index.js';
import { variantToken } from '../../functions/engine/rejects.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { resolved, startInlineServer, TestSecretSource } from './helpers.js';

/** The local probe with one step that lists every fail-open variant. */
function failOpenProbe(env: LocalEnvironment, overrides: Partial<ProbeConfig['steps'][number]> = {}) {
  const base = env.probe('client_secret_basic');
  return resolved({
    ...base,
    steps: [
      {
        name: 'list-invoices',
        request: { method: 'GET', url: `${env.resourceServer.url}/v1/invoices?limit=1` },
        expect: { status: 200 },
        rejects: [...REJECT_VARIANTS],
        ...overrides,
      },
    ],
  });
}

describe('fail-open detection (steps[].rejects) against oidc-provider and the local API', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
  });
  afterEach(() => env.resourceServer.clearFaults());
  afterAll(() => env?.close());

  it('passes when the API refuses every variant with 401, and records each as its own exchange', async () => {
    const result = await runProbe(failOpenProbe(env), { secrets: new TestSecretSource(env.secrets) });

    expect(result).toMatchObject({ status: 'pass', code: null });
    expect(result.exchanges.map((e) => [e.name, e.status])).toEqual([
      ['token', 200],
      ['jwks', 200],
      ['list-invoices', 200],
      ['list-invoices:missing_token', 401],
      ['list-invoices:garbage_token', 401],
      ['list-invoices:tampered_signature', 401],
      ['list-invoices:alg_none', 401],
    ]);
    expect(result.warnings).toEqual([]);
  });

  const cases = [
    ['anything', 'missing_token'],
    ['any_bearer', 'garbage_token'],
    ['unverified_signature', 'tampered_signature'],
    ['alg_none', 'alg_none'],
  ] as const;
  for (const [accepts, variant] of cases) {
    it(`fails with accepts_invalid_token at the api stage when the API accepts ${variant} (fault ${accepts})`, async () => {
      env.resourceServer.injectFault({ kind: 'fail_open', accepts });

      const result = await runProbe(failOpenProbe(env), { secrets: new TestSecretSource(env.secrets) });

      expect(result).toMatchObject({
        status: 'fail',
        stage: 'api',
        step: 'list-invoices',
        code: 'accepts_invalid_token',
        httpStatus: 200,
      });
      expect(result.message).toContain(`rejects: ${variant}`);
      expect(result.hint).toMatch(/^SECURITY: /);
      const broken = result.exchanges.find((e) => e.code === 'accepts_invalid_token');
      expect(broken?.name).toBe(`list-invoices:${variant}`);
    });
  }

  it('never writes the real token or a variant of it into the result', async () => {
    env.resourceServer.injectFault({ kind: 'fail_open', accepts: 'alg_none' });

    const result = await runProbe(failOpenProbe(env), { secrets: new TestSecretSource(env.secrets) });
    const text = JSON.stringify(result);

    // Every JWS (the real token, the tampered one, the alg-none one) starts with a base64url JSON header.
    expect(result.code).toBe('accepts_invalid_token');
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('accepts the documented refusal status of rejectStatus, and warns on any other refusal', async () => {
    const as403 = await runProbe(failOpenProbe(env, { rejects: ['missing_token'], rejectStatus: 403 }), {
      secrets: new TestSecretSource(env.secrets),
    });

    expect(as403.status).toBe('pass');
    expect(as403.warnings.map((w) => w.code)).toEqual(['reject_status_unexpected']);
    expect(as403.warnings[0]!.message).toContain('refused with 401, not 403');
  });
});

describe('fail-open detection with an opaque access token', () => {
  it('sends the token-independent variants and reports the JWT ones as not applicable', async () => {
    const seen: { url: string; authorization: string | undefined }[] = [];
    const server = await startInlineServer((req, res) => {
      if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(
          JSON.stringify({ access_token: 'opaque-token-value-0123456789', token_type: 'Bearer', expires_in: 300 }),
        );
        return;
      }
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const ok = req.headers.authorization === 'Bearer opaque-token-value-0123456789';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end('{}');
    });
    try {
      const probe = resolved({
        name: 'opaque',
        tokenUrl: `${server.url}/token`,
        credentials: { secretId: 's' },
        steps: [{ name: 'api', request: { method: 'GET', url: `${server.url}/items` }, rejects: [...REJECT_VARIANTS] }],
      });

      const result = await runProbe(probe, {
        secrets: new TestSecretSource({ s: { client_id: 'c', client_secret: 'a-long-client-secret' } }),
      });

      expect(result.status).toBe('pass');
      expect(result.exchanges.map((e) => e.name)).toEqual(['token', 'api', 'api:missing_token', 'api:garbage_token']);
      expect(seen[1]!.authorization).toBeUndefined();
      expect(seen[2]!.authorization).toMatch(/^Bearer [\w-]{43}$/);
      expect(seen[2]!.authorization).not.toContain('opaque-token-value');
      expect(result.warnings).toEqual([
        expect.objectContaining({
          code: 'reject_not_applicable',
          message: expect.stringContaining('tampered_signature, alg_none'),
        }),
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('variantToken', () => {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k1' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url');
  const signature = Buffer.from('0123456789abcdef').toString('base64url');
  const jwt = `${header}.${payload}.${signature}`;

  it('flips exactly one signature byte and keeps header and payload', () => {
    const tampered = variantToken('tampered_signature', jwt)!;
    const [h, p, s] = tampered.split('.');

    expect([h, p]).toEqual([header, payload]);
    const diff = [...Buffer.from(s!, 'base64url')].filter((byte, i) => byte !== Buffer.from(signature, 'base64url')[i]);
    expect(diff).toHaveLength(1);
  });

  it('re-encodes the claims with alg none and an empty signature', () => {
    const none = variantToken('alg_none', jwt)!;
    const [h, p, s] = none.split('.');

    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'none', kid: 'k1' });
    expect(p).toBe(payload);
    expect(s).toBe('');
  });

  it('does not apply the JWT variants to an opaque token', () => {
    expect(variantToken('tampered_signature', 'opaque')).toBeNull();
    expect(variantToken('alg_none', 'a.b.c')).toBeNull();
  });
});
