import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  classifyApiStatus,
  classifyTokenResponse,
  classifyTransport,
  parseBearerChallenge,
  retryAfterSeconds,
} from '../../functions/engine/classify.js';
import { basicAuthorization, formEncode } from '../../functions/engine/client-auth.js';
import { isCleartextRemote, isSlow } from '../../functions/engine/context.js';
import { metadataUrls } from '../../functions/engine/discovery.js';
import { exchange, TransportError } from '../../functions/engine/http.js';
import { jsonEquals, parsePath, resolvePath } from '../../functions/engine/json-path.js';
import { displayUrl, Redactor } from '../../functions/engine/redact.js';
import { checkJson } from '../../functions/engine/steps.js';
import { fill, fillUrl, TemplateError } from '../../functions/engine/template.js';
import { scopeParam } from '../../functions/engine/token-request.js';
import { grantedScopes } from '../../functions/engine/token-validation.js';
import { systemClock } from '../../functions/engine/types.js';

describe('json-path', () => {
  const doc = { data: [{ id: 'inv_1', tags: ['a', 'b'] }, { id: 'inv_2' }], 'a.b': 1, n: null, length: 7 };

  it('resolves dot, bracket, quoted and negative-index segments', () => {
    expect(resolvePath(doc, 'data[0].id')).toEqual({ found: true, value: 'inv_1' });
    expect(resolvePath(doc, '$.data[-1].id')).toEqual({ found: true, value: 'inv_2' });
    expect(resolvePath(doc, '["a.b"]')).toEqual({ found: true, value: 1 });
    expect(resolvePath(doc, "$['a.b']")).toEqual({ found: true, value: 1 });
  });

  it('gives the length of arrays and strings, but an own length member wins', () => {
    expect(resolvePath(doc, 'data.length')).toEqual({ found: true, value: 2 });
    expect(resolvePath(doc, 'data[0].id.length')).toEqual({ found: true, value: 5 });
    expect(resolvePath(doc, 'length')).toEqual({ found: true, value: 7 });
  });

  it('reports missing paths, and finds a null that is present', () => {
    expect(resolvePath(doc, 'data[2].id').found).toBe(false);
    expect(resolvePath(doc, 'data.id').found).toBe(false);
    expect(resolvePath(doc, 'nope').found).toBe(false);
    expect(resolvePath(doc, 'n')).toEqual({ found: true, value: null });
  });

  it('rejects bad syntax', () => {
    expect(() => parsePath('data[')).toThrow(/cannot parse/);
  });

  it('compares JSON deeply', () => {
    expect(jsonEquals({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEquals({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(jsonEquals({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEquals([1], { 0: 1 })).toBe(false);
  });

  it('checks equals, exists and matches assertions', () => {
    expect(checkJson(doc, { path: 'data[0].id', equals: 'inv_1' })).toBeNull();
    expect(checkJson(doc, { path: 'data[0].id', equals: 'inv_2' })).toMatch(/is "inv_1", expected "inv_2"/);
    expect(checkJson(doc, { path: 'data[5]', exists: true })).toMatch(/does not exist/);
    expect(checkJson(doc, { path: 'data[5]', exists: false })).toBeNull();
    expect(checkJson(doc, { path: 'data[0].id', matches: '^inv_\\d$' })).toBeNull();
    expect(checkJson(doc, { path: 'data[0].id', matches: '^x' })).toMatch(/expected to match/);
  });
});

describe('template', () => {
  it('fills placeholders, percent-encoding them in URLs', () => {
    expect(fillUrl('https://api/x/{{ id }}?q={{q}}', { id: 'a/b', q: 'c d' })).toBe('https://api/x/a%2Fb?q=c%20d');
    expect(fill('Bearer-less {{id}}', { id: 'a/b' })).toBe('Bearer-less a/b');
  });

  it('names every missing value', () => {
    expect(() => fill('{{a}} {{b}} {{a}}', {})).toThrow(TemplateError);
    expect(() => fill('{{a}} {{b}}', {})).toThrow('no value for {{a}}, {{b}}');
  });
});

describe('client authentication encoding', () => {
  it('form-encodes id and secret before Base64 (RFC 6749 §2.3.1)', () => {
    const header = basicAuthorization('my client', 'p+s/w%r&d:');
    const decoded = Buffer.from(header.replace('Basic ', ''), 'base64').toString();
    expect(decoded).toBe('my+client:p%2Bs%2Fw%25r%26d%3A');
    expect(formEncode('a b')).toBe('a+b');
  });

  it('joins an array scope with spaces', () => {
    expect(scopeParam(['a', 'b:c'])).toBe('a b:c');
    expect(scopeParam('a b')).toBe('a b');
    expect(scopeParam(undefined)).toBeUndefined();
  });
});

describe('classification of responses', () => {
  it('reports RFC 6749 §5.2 and RFC 8707 errors as sent, anything else as oauth_error', () => {
    const json = (o: unknown) => JSON.stringify(o);
    expect(classifyTokenResponse(401, {}, json({ error: 'invalid_client' }))?.code).toBe('invalid_client');
    expect(classifyTokenResponse(400, {}, json({ error: 'invalid_target' }))?.code).toBe('invalid_target');
    expect(classifyTokenResponse(403, {}, json({ error: 'access_denied' }))?.code).toBe('oauth_error');
  });

  it('decides 429 and 5xx by status, then the body shape', () => {
    expect(classifyTokenResponse(429, {}, '{"error":"invalid_request"}')?.code).toBe('rate_limited');
    expect(classifyTokenResponse(503, {}, '<html>')?.code).toBe('server_error');
    expect(classifyTokenResponse(200, { 'content-type': 'text/html' }, '<html></html>')).toMatchObject({
      code: 'malformed_response',
      bodyKind: 'html',
    });
    expect(classifyTokenResponse(404, {}, '')).toMatchObject({ code: 'unexpected_status', bodyKind: 'empty' });
    expect(classifyTokenResponse(200, {}, '{"access_token":"x"}')).toBeNull();
  });

  it('reads RFC 6750 challenges', () => {
    expect(parseBearerChallenge('Bearer realm="api", error="invalid_token", error_description="bad \\"x\\""')).toEqual({
      realm: 'api',
      error: 'invalid_token',
      error_description: 'bad "x"',
    });
    expect(classifyApiStatus(401, { 'www-authenticate': 'Bearer error="invalid_token"' })).toBe('invalid_token');
    expect(classifyApiStatus(403, { 'www-authenticate': 'Bearer error="insufficient_scope"' })).toBe(
      'insufficient_scope',
    );
    expect(classifyApiStatus(401, { 'www-authenticate': 'Bearer realm="api"' })).toBe('unauthorized');
    expect(classifyApiStatus(403, {})).toBe('forbidden');
    expect(classifyApiStatus(404, {})).toBe('unexpected_status');
  });

  it('treats an error body sent with 200 as the error it names', () => {
    expect(classifyTokenResponse(200, {}, '{"error":"unauthorized_client"}')?.code).toBe('unauthorized_client');
    expect(classifyTokenResponse(200, {}, '{"error":"x","access_token":"t"}')).toBeNull();
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});

describe('classification of real transport errors', () => {
  it('classifies a refused connection', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    const error = await exchange(
      { name: 't', method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 },
      systemClock,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(classifyTransport((error as TransportError).cause).code).toBe('connection_refused');
  });

  it('classifies a reset connection as connection_error', async () => {
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const error = await exchange(
      { name: 't', method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 },
      systemClock,
    ).catch((e: unknown) => e);
    server.close();
    expect(classifyTransport((error as TransportError).cause).code).toBe('connection_error');
  });

  it('classifies an unresolvable host as dns_failure', async () => {
    const error = await exchange(
      { name: 't', method: 'GET', url: 'http://nonexistent.invalid/', timeoutMs: 5000 },
      systemClock,
    ).catch((e: unknown) => e);
    expect(classifyTransport((error as TransportError).cause).code).toBe('dns_failure');
  });
});

describe('helpers', () => {
  it('treats degradedMs as an inclusive bound: equal passes, one more is slow', () => {
    expect(isSlow(1500, 1500)).toBe(false);
    expect(isSlow(1501, 1500)).toBe(true);
  });

  it('builds RFC 8414 and OIDC metadata URLs, path-aware', () => {
    expect(metadataUrls('https://a.example/')).toEqual([
      'https://a.example/.well-known/oauth-authorization-server',
      'https://a.example/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://a.example/tenant/x')).toEqual([
      'https://a.example/.well-known/oauth-authorization-server/tenant/x',
      'https://a.example/tenant/x/.well-known/openid-configuration',
    ]);
  });

  it('calls http:// cleartext only off the loopback interface', () => {
    expect(isCleartextRemote('http://auth.example.com/token')).toBe(true);
    expect(isCleartextRemote('http://10.0.0.5/token')).toBe(true);
    expect(isCleartextRemote('http://127.0.0.1:8080/token')).toBe(false);
    expect(isCleartextRemote('http://localhost/token')).toBe(false);
    expect(isCleartextRemote('http://[::1]/token')).toBe(false);
    expect(isCleartextRemote('https://auth.example.com/token')).toBe(false);
  });

  it('strips userinfo from URLs', () => {
    expect(displayUrl('https://user:pw@h.example/p?q=1')).toBe('https://h.example/p?q=1');
  });

  it('redacts registered values in raw and encoded forms, bearer tokens and JWTs', () => {
    const r = new Redactor();
    r.add('s3cr+t/value');
    const text = `got s3cr+t/value and ${encodeURIComponent('s3cr+t/value')}; Bearer opaque.token-2f9c81d0a7b3; eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig`;
    const out = r.redact(text);
    expect(out).not.toContain('s3cr+t/value');
    expect(out).not.toContain(encodeURIComponent('s3cr+t/value'));
    expect(out).not.toContain('opaque.token-2f9c81d0a7b3');
    expect(out).not.toContain('eyJhbGciOiJIUzI1NiJ9');
  });

  it('leaves prose and challenge parameters after an auth scheme alone', () => {
    const text = 'probe scan-basic pass; WWW-Authenticate: Bearer error="invalid_token"; Basic realm="api"';

    expect(new Redactor().redact(text)).toBe(text);
  });

  it('takes granted scopes from the response, else the JWT, else the request (RFC 6749 §3.3)', () => {
    expect(grantedScopes('a b', { scope: 'c' }, ['d'])).toEqual(['a', 'b']);
    expect(grantedScopes(undefined, { scp: ['c'] }, ['d'])).toEqual(['c']);
    expect(grantedScopes(undefined, undefined, ['d'])).toEqual(['d']);
  });
});
