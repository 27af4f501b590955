/**
 * `internal_error` is for a bug in oauth-probe only. Every field a server or a secret controls is walked
 * through hostile values (wrong types, out-of-range numbers, control characters, deep nesting, bad URLs),
 * and no run may end in `internal_error`; every result must serialize, within bounds.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientSecret, ProbeResult } from '../../functions/engine/index.js';
import { runProbe } from '../../functions/engine/index.js';
import { createTestPki } from '../../tools/local-servers/index.js';
// biome-ignore lint/style/noRestrictedImports: the engine tests' shared fixtures (inline servers, secret source)
import { type InlineServer, resolved, startInlineServer, TestSecretSource } from '../engine/helpers.js';

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
interface Scenario {
  discovery?: Record<string, unknown>;
  token?: Reply;
  tokenClaims?: Record<string, unknown>;
  tokenHeader?: Record<string, unknown>;
  jwks?: unknown;
  api?: Reply;
}

/** JSON text spliced in raw: a value too deep for JSON.stringify (which is the point). */
class Raw {
  constructor(readonly text: string) {}
}
const deep = (n: number) => new Raw(`${'['.repeat(n)}"x"${']'.repeat(n)}`);

/** JSON.stringify, with Raw values spliced in as they are. */
function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_, v) => (v instanceof Raw ? `\u0000raw${raws.push(v.text) - 1}` : v));
  return text.replace(/"\\u0000raw(\d+)"/g, (_, i: string) => raws[Number(i)]!);
}

/** C0 (but tab) and C1 controls, ESC included. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const HOSTILE_TEXT = [
  '\u001b]52;c;Zm9v\u0007\u001b[2J',
  'ü✓\r\nX: 1',
  'x'.repeat(100_000),
  '-----BEGIN PRIVATE KEY-----\nabc',
];
const HOSTILE_VALUES: unknown[] = [null, 5, -1, 1e308, 1e-200, {}, [], [1], deep(6000), true, ...HOSTILE_TEXT];
const HOSTILE_URLS: unknown[] = ['not a url', 'http://[::1', 'ftp://example.test/x', 'javascript:alert(1)', 5, {}];

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('no server- or secret-controlled value ends a run in internal_error', () => {
  let server: InlineServer;
  let scenario: Scenario = {};
  const results: { label: string; result: ProbeResult }[] = [];

  async function accessToken(): Promise<string> {
    const claims = scenario.tokenClaims ?? {};
    const payload = { iss: server.url, aud: 'https://api.test', exp: Math.floor(Date.now() / 1000) + 300, ...claims };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (payload as Record<string, unknown>)[k];
    const header = { alg: 'ES256', kid: 'k1', ...(scenario.tokenHeader ?? {}) };
    const input = `${b64url(toJson(header))}.${b64url(toJson(payload))}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  const send = (res: import('node:http').ServerResponse, reply: Reply, fallback: unknown) => {
    res.statusCode = reply.status ?? 200;
    for (const [k, v] of Object.entries(reply.headers ?? {})) {
      try {
        res.setHeader(k, v);
      } catch {
        // node refuses some hostile header values itself
      }
    }
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
    const body = 'body' in reply ? reply.body : fallback;
    res.end(typeof body === 'string' ? body : toJson(body));
  };

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = await startInlineServer((req, res) => {
      const path = new URL(req.url ?? '/', server.url).pathname;
      void (async () => {
        if (path.startsWith('/.well-known/')) {
          send(
            res,
            {},
            {
              issuer: server.url,
              token_endpoint: `${server.url}/token`,
              jwks_uri: `${server.url}/jwks`,
              grant_types_supported: ['client_credentials'],
              ...(scenario.discovery ?? {}),
            },
          );
        } else if (path === '/token') {
          send(res, scenario.token ?? {}, { access_token: await accessToken(), token_type: 'Bearer', expires_in: 300 });
        } else if (path === '/jwks') {
          send(res, {}, scenario.jwks ?? { keys: [jwk] });
        } else {
          send(res, scenario.api ?? {}, { id: 'inv_1' });
        }
      })();
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const secrets: Record<string, ClientSecret> = {};
  async function walk(label: string, set: Scenario, extra: Record<string, unknown> = {}, secret?: ClientSecret) {
    scenario = set;
    secrets.s = secret ?? { client_id: 'c', client_secret: 'secret-value-1' };
    const config = {
      name: 'hostile',
      issuer: server.url,
      credentials: { secretId: 's' },
      timeoutMs: 3000,
      token: { jwt: { audience: 'https://api.test' } },
      steps: [
        { name: 'first', request: { url: `${server.url}/api/first` }, extract: { id: 'id' } },
        { name: 'second', request: { url: `${server.url}/api/items/{{id}}/x`, headers: { 'x-id': '{{id}}' } } },
      ],
      ...extra,
    };
    const result = await runProbe(resolved(config), { secrets: new TestSecretSource(secrets) });
    results.push({ label, result });
    return result;
  }

  it('walks the token response, discovery metadata, JWKS, JWT claims, API responses and secret fields', async () => {
    for (const field of [
      'access_token',
      'token_type',
      'expires_in',
      'scope',
      'refresh_token',
      'error',
      'error_description',
    ]) {
      for (const value of HOSTILE_VALUES) {
        await walk(`token ${field}`, {
          token: { body: { access_token: 'abc.def.ghi', token_type: 'Bearer', [field]: value } },
        });
        await walk(`token 400 ${field}`, {
          token: { status: 400, body: { error: 'invalid_request', [field]: value } },
        });
      }
    }
    for (const status of [200, 302, 404, 405, 429, 500, 599]) {
      await walk(`token status ${status}`, {
        token: {
          status,
          headers: { location: 'http://[::1', 'retry-after': '9'.repeat(400) },
          body: { error: 'not_found' },
        },
      });
    }
    for (const field of [
      'issuer',
      'token_endpoint',
      'jwks_uri',
      'grant_types_supported',
      'token_endpoint_auth_methods_supported',
      'mtls_endpoint_aliases',
    ]) {
      for (const value of [...HOSTILE_VALUES, ...HOSTILE_URLS])
        await walk(`discovery ${field}`, { discovery: { [field]: value } });
    }
    for (const field of ['exp', 'nbf', 'iat', 'aud', 'iss', 'scope', 'client_id', 'sub']) {
      for (const value of [...HOSTILE_VALUES, 1e13, -1e13, undefined]) {
        await walk(`claim ${field}`, { tokenClaims: { [field]: value } });
      }
    }
    for (const field of ['kid', 'typ', 'crit']) {
      for (const value of HOSTILE_VALUES.slice(0, 9))
        await walk(`header ${field}`, { tokenHeader: { [field]: value } });
    }
    const jwk = await exportJWK(publicKey);
    for (const jwks of [
      5,
      { keys: 5 },
      { keys: [null, 5, 'x'] },
      { keys: [{ kty: 'RSA', n: '!!!', e: 'AQAB', kid: 'k1' }] },
      { keys: [{ ...jwk, kid: 'k1', x: 'AAAA' }] },
      { keys: [{ ...jwk }, { ...jwk }] },
      { keys: [deep(6000)] },
    ]) {
      await walk('jwks', { jwks });
    }
    for (const body of [
      { id: '..' },
      { id: '.' },
      { id: 'a\r\nb' },
      { id: 'ü✓' },
      { id: deep(6000) },
      { id: 'x'.repeat(100_000) },
      { id: '%2e%2e' },
    ]) {
      await walk('extracted value', { api: { body } });
    }
    for (const headers of [
      { location: 'http://[::1' },
      { location: 'javascript:alert(1)' },
      { location: '/\u001b[2J' },
      { 'www-authenticate': `Bearer error="${'\u001b]0;x\u0007'.repeat(50)}", scope="${'s'.repeat(10_000)}"` },
      { 'retry-after': '9'.repeat(400) },
    ] as Record<string, string>[]) {
      for (const status of [302, 401, 429]) {
        await walk(
          'api headers',
          { api: { status, headers, body: { id: 'x' } } },
          {
            steps: [{ name: 'only', request: { url: `${server.url}/api/one`, followRedirects: true } }],
          },
        );
      }
    }
    const pki = await createTestPki();
    const other = await createTestPki({ clientCn: 'other-client' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const secretCases: [string, ClientSecret][] = [
      ['client_secret_basic', { client_id: 'c\r\nx: 1', client_secret: 'ü✓\r\n\u0000' }],
      ['client_secret_post', { client_id: 'ü', client_secret: 'x'.repeat(100_000) }],
      ['private_key_jwt', { client_id: 'c', private_key: 'garbage' }],
      ['private_key_jwt', { client_id: 'c', private_key: pem, algorithm: 'none' }],
      ['private_key_jwt', { client_id: 'c', private_key: pem, key_id: 'k\r\n1' }],
      ['tls_client_auth', { client_id: 'c', certificate: pki.client.cert, private_key: other.client.key }],
      ['tls_client_auth', { client_id: 'c', certificate: 'garbage', private_key: pki.client.key }],
      ['client_secret_basic', { client_id: 'c', client_secret: 'secret-value', expires_at: '+275760-09-13T00:00:00Z' }],
    ];
    for (const [clientAuth, secret] of secretCases) await walk(`secret ${clientAuth}`, {}, { clientAuth }, secret);

    expect(results.length).toBeGreaterThan(300);
  }, 600_000);

  it('ended none of them in internal_error', () => {
    const internal = results.filter(({ result }) => result.code === 'internal_error');
    expect(internal.map(({ label, result }) => `${label}: ${result.message}`)).toEqual([]);
  });

  it('gave every failure a stage, and every result serializes within bounds, without control characters', () => {
    for (const { label, result } of results) {
      if (result.status === 'fail') expect(result.stage, label).not.toBeNull();
      const json = JSON.stringify(result);
      expect(json.length, label).toBeLessThan(200_000);
      const strings: string[] = [];
      JSON.parse(json, (_, v) => {
        if (typeof v === 'string') strings.push(v);
        return v;
      });
      expect(
        strings.filter((text) => CONTROL.test(text)),
        label,
      ).toEqual([]);
    }
  });

  it('blamed a mismatched mTLS certificate and key on the secret', () => {
    const mtls = results.filter(({ label }) => label === 'secret tls_client_auth').map(({ result }) => result);
    expect(mtls.map((r) => `${r.stage}:${r.code}`)).toEqual([
      'credentials:secret_malformed',
      'credentials:secret_malformed',
    ]);
  });
});
