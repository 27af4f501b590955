/**
 * Token reuse (`token.reuse`) and Retry-After, against oidc-provider and the local API on 127.0.0.1: the
 * authorization server counts the requests it receives, so each test says how many token, JWKS and
 * discovery requests the runs really made. One TokenCache per test stands for one warm instance.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeConfig } from '../../functions/config/schema.js';
import { type Clock, type ProbeResult, runProbe, TokenCache } from '../../functions/engine/index.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { resolved, startInlineServer, TestSecretSource } from './helpers.js';

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment();
});
afterEach(async () => {
  env.authServer.clearFaults();
  await env.resourceServer.clearFaults();
});
afterAll(() => env?.close());

/** A clock that the test moves forward: real time plus `offsetMs`. */
function movableClock(): Clock & { offsetMs: number } {
  return {
    offsetMs: 0,
    now() {
      return Date.now() + this.offsetMs;
    },
  };
}

const REUSE = { maxAgeSec: 3600 } as const;

function probe(name: string, overrides: Partial<ProbeConfig> & Record<string, unknown> = {}) {
  const base = env.probe('client_secret_basic', { name });
  return resolved({ ...base, ...overrides });
}

function withReuse(name: string, reuse: Record<string, unknown> = REUSE, overrides: Record<string, unknown> = {}) {
  const base = env.probe('client_secret_basic', { name });
  return resolved({ ...base, token: { ...base.token, reuse }, ...overrides });
}

/** Runs `config` in the "instance" whose cache is `tokens`; returns the result and the requests it caused. */
async function runIn(tokens: TokenCache | undefined, config: ReturnType<typeof resolved>, clock?: Clock) {
  const before = env.authServer.requestCounts();
  const result = await runProbe(config, {
    secrets: new TestSecretSource(env.secrets),
    ...(tokens ? { tokens } : {}),
    ...(clock ? { clock } : {}),
  });
  const after = env.authServer.requestCounts();
  return {
    result,
    // JWKS requests are not counted here: the local API fetches the same JWKS (the probe's are in `exchanges`).
    requests: { token: after.token - before.token, discovery: after.discovery - before.discovery },
  };
}

const names = (result: ProbeResult) => result.exchanges.map((e) => e.name);

describe('token.reuse', () => {
  it('makes one token request for two runs in one instance, and the second run sends only the API steps', async () => {
    const tokens = new TokenCache();
    const config = withReuse('reuse-two-runs');

    const first = await runIn(tokens, config);
    const second = await runIn(tokens, config);

    expect(first.result).toMatchObject({ status: 'pass', token: { reused: false, format: 'jwt' } });
    expect(first.requests).toEqual({ token: 1, discovery: 0 });
    expect(names(first.result)).toEqual(['token', 'jwks', 'list-invoices', 'get-invoice']);
    expect(second.result).toMatchObject({ status: 'pass', token: { reused: true, format: 'jwt' } });
    expect(second.requests).toEqual({ token: 0, discovery: 0 });
    expect(names(second.result)).toEqual(['list-invoices', 'get-invoice']);
    // The summary is the one of the run that obtained the token.
    expect(second.result.token?.claims).toEqual(first.result.token?.claims);
  });

  it('makes two token requests for two runs when reuse is off, even with a cache', async () => {
    const tokens = new TokenCache();
    const config = probe('reuse-off');

    const first = await runIn(tokens, config);
    const second = await runIn(tokens, config);

    expect([first.requests.token, second.requests.token]).toEqual([1, 1]);
    expect(second.result.token).toMatchObject({ reused: false });
  });

  it('requests a token every run when the caller injects no cache', async () => {
    const config = withReuse('reuse-no-cache');

    const first = await runIn(undefined, config);
    const second = await runIn(undefined, config);

    expect([first.requests.token, second.requests.token]).toEqual([1, 1]);
  });

  it('never shares a token across probes, even with the same client and config', async () => {
    const tokens = new TokenCache();

    const a = await runIn(tokens, withReuse('reuse-probe-a'));
    const b = await runIn(tokens, withReuse('reuse-probe-b'));

    expect([a.requests.token, b.requests.token]).toEqual([1, 1]);
    expect(b.result.token?.reused).toBe(false);
  });

  it('requests a new token when the probe asks for another scope under the same name', async () => {
    const tokens = new TokenCache();
    await runIn(tokens, withReuse('reuse-changed'));

    const changed = await runIn(tokens, withReuse('reuse-changed', REUSE, { scope: 'billing:read billing:write' }));

    expect(changed.requests.token).toBe(1);
    expect(changed.result.token).toMatchObject({ reused: false, scopes: ['billing:read', 'billing:write'] });
  });

  it('reuses while younger than maxAgeSec and requests a new token at maxAgeSec', async () => {
    const tokens = new TokenCache();
    const clock = movableClock();
    const config = withReuse('reuse-age', { maxAgeSec: 120 });
    await runIn(tokens, config, clock);

    clock.offsetMs = 119_000;
    const young = await runIn(tokens, config, clock);
    clock.offsetMs = 120_000;
    const old = await runIn(tokens, config, clock);

    expect(young.result.token?.reused).toBe(true);
    expect(young.requests.token).toBe(0);
    expect(old.result.token?.reused).toBe(false);
    expect(old.requests.token).toBe(1);
  });

  it('requests a new token once refreshBeforeExpirySec or less of its lifetime is left (300 s tokens)', async () => {
    const tokens = new TokenCache();
    const clock = movableClock();
    const config = withReuse('reuse-expiry', { maxAgeSec: 3600, refreshBeforeExpirySec: 100 });
    const first = await runIn(tokens, config, clock);

    clock.offsetMs = 190_000;
    const before = await runIn(tokens, config, clock);
    clock.offsetMs = 205_000;
    const within = await runIn(tokens, config, clock);

    expect(before.result.token?.reused).toBe(true);
    expect(within.result.token?.reused).toBe(false);
    expect(within.requests.token).toBe(1);
    // The local server's tokens live 300 s: reuse is capped at 200 s, not maxAgeSec, and the run says so.
    expect(first.result.warnings).toContainEqual({
      code: 'token_reuse_limited',
      message: expect.stringContaining('reused for 200 s at most, not token.reuse.maxAgeSec 3600 s'),
    });
  });

  it("drops the token on a step's 401: that run fails as invalid_token, the next one requests a fresh token", async () => {
    const tokens = new TokenCache();
    const config = withReuse('reuse-401');
    await runIn(tokens, config);
    env.resourceServer.injectFault({
      kind: 'respond',
      status: 401,
      body: '',
      headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' },
    });

    const refused = await runIn(tokens, config);
    await env.resourceServer.clearFaults();
    const next = await runIn(tokens, config);

    expect(refused.result).toMatchObject({
      status: 'fail',
      stage: 'api',
      code: 'invalid_token',
      token: { reused: true },
    });
    expect(refused.requests.token).toBe(0);
    expect(next.result).toMatchObject({ status: 'pass', token: { reused: false } });
    expect(next.requests.token).toBe(1);
  });

  it("drops the token on a step's 403 as well", async () => {
    const tokens = new TokenCache();
    const config = withReuse('reuse-403');
    await runIn(tokens, config);
    env.resourceServer.injectFault({ kind: 'require_scope', scope: 'billing:admin' });

    const forbidden = await runIn(tokens, config);
    await env.resourceServer.clearFaults();
    const next = await runIn(tokens, config);

    expect(forbidden.result).toMatchObject({ stage: 'api', code: 'insufficient_scope', httpStatus: 403 });
    expect(next.requests.token).toBe(1);
  });

  it('keeps the token when the API fails for another reason (500): the token is not at fault', async () => {
    const tokens = new TokenCache();
    const config = withReuse('reuse-500');
    await runIn(tokens, config);
    env.resourceServer.injectFault({ kind: 'respond', status: 500, body: 'oops' });

    const broken = await runIn(tokens, config);
    await env.resourceServer.clearFaults();
    const next = await runIn(tokens, config);

    expect(broken.result).toMatchObject({ stage: 'api', code: 'server_error', token: { reused: true } });
    expect(next.result.token?.reused).toBe(true);
    expect(next.requests.token).toBe(0);
  });

  it('reuses a DPoP-bound token with the key it is bound to (the API checks cnf.jkt against each proof)', async () => {
    const tokens = new TokenCache();
    const config = withReuse('reuse-dpop', REUSE, { tokenBinding: 'dpop' });

    const first = await runIn(tokens, config);
    const second = await runIn(tokens, config);

    expect(first.result).toMatchObject({ status: 'pass', token: { type: 'DPoP', reused: false } });
    expect(second.result).toMatchObject({ status: 'pass', code: null, token: { type: 'DPoP', reused: true } });
    expect(second.requests.token).toBe(0);
  });

  it('repeats the warnings about the token response on a reused run', async () => {
    const tokens = new TokenCache();
    env.authServer.injectFault({ kind: 'mutate_token_response', mutate: (body) => ({ ...body, refresh_token: 'r' }) });
    const config = withReuse('reuse-warnings');

    const first = await runIn(tokens, config);
    env.authServer.clearFaults();
    const second = await runIn(tokens, config);

    expect(first.result.warnings.map((w) => w.code)).toContain('refresh_token_issued');
    expect(second.result.warnings).toEqual(first.result.warnings);
  });
});

describe('Retry-After from the token endpoint', () => {
  const throttle = (status: number, retryAfter: string, headers: Record<string, string> = {}) =>
    env.authServer.injectFault({
      kind: 'respond',
      status,
      body: JSON.stringify({ error: 'too_many_requests' }),
      headers: { 'retry-after': retryAfter, ...headers },
    });

  it('after a 429 with Retry-After: 120, the next run reports rate_limited with the seconds left and sends nothing', async () => {
    const tokens = new TokenCache();
    const clock = movableClock();
    const config = probe('throttled');
    throttle(429, '120');
    const limited = await runIn(tokens, config, clock);
    env.authServer.clearFaults();

    clock.offsetMs = 30_000;
    const held = await runIn(tokens, config, clock);

    expect(limited.result).toMatchObject({ status: 'fail', stage: 'token', code: 'rate_limited', httpStatus: 429 });
    expect(limited.requests.token).toBe(1);
    expect(limited.result.hint).toContain('Runs of this probe in this instance send no token request');
    expect(held.requests).toEqual({ token: 0, discovery: 0 });
    expect(held.result).toMatchObject({ status: 'fail', stage: 'token', code: 'rate_limited', httpStatus: null });
    expect(held.result.exchanges).toEqual([]);
    expect(held.result.message).toBe(
      'token request not sent: the token endpoint answered 429 with Retry-After, 90 s left',
    );
    expect(held.result.hint).toContain('no token request was sent');
    expect(held.result.hint).toContain('wait 90 s more');
  });

  it('requests a token again once the time has passed', async () => {
    const tokens = new TokenCache();
    const clock = movableClock();
    const config = probe('throttled-then-ok');
    throttle(429, '120');
    await runIn(tokens, config, clock);
    env.authServer.clearFaults();

    clock.offsetMs = 120_000;
    const after = await runIn(tokens, config, clock);

    expect(after.requests.token).toBe(1);
    expect(after.result.status).toBe('pass');
  });

  it('holds after a 503 with Retry-After too (server_error, then rate_limited without a request)', async () => {
    const tokens = new TokenCache();
    const config = probe('unavailable');
    throttle(503, '60');
    const down = await runIn(tokens, config);
    env.authServer.clearFaults();

    const held = await runIn(tokens, config);

    expect(down.result).toMatchObject({ stage: 'token', code: 'server_error', httpStatus: 503 });
    expect(held.result).toMatchObject({ stage: 'token', code: 'rate_limited', httpStatus: null });
    expect(held.requests.token).toBe(0);
  });

  it('holds nothing without a cache, or for a 429 without Retry-After', async () => {
    const config = probe('throttled-no-cache');
    throttle(429, '120');
    await runIn(undefined, config);
    env.authServer.clearFaults();
    const uncached = await runIn(undefined, config);
    const tokens = new TokenCache();
    env.authServer.injectFault({ kind: 'respond', status: 429, body: '{"error":"slow_down"}' });
    await runIn(tokens, probe('throttled-no-header'));
    env.authServer.clearFaults();
    const noHeader = await runIn(tokens, probe('throttled-no-header'));

    expect(uncached.requests.token).toBe(1);
    expect(noHeader.requests.token).toBe(1);
  });

  it('with reuse on, a still-valid token is reused while the hold runs, past the reuse limits', async () => {
    const tokens = new TokenCache();
    const clock = movableClock();
    const config = withReuse('throttled-reuse', { maxAgeSec: 120 });
    await runIn(tokens, config, clock);
    // Past maxAgeSec: a new token is asked for and refused.
    clock.offsetMs = 130_000;
    throttle(429, '120');
    const limited = await runIn(tokens, config, clock);
    env.authServer.clearFaults();

    clock.offsetMs = 140_000;
    const held = await runIn(tokens, config, clock);

    expect(limited.result).toMatchObject({ code: 'rate_limited', httpStatus: 429 });
    expect(held.result).toMatchObject({ status: 'pass', token: { reused: true } });
    expect(held.requests.token).toBe(0);
    expect(held.result.warnings.map((w) => w.code)).toContain('token_reused_during_retry_after');
  });

  it('names the provider and its quota in the hint: an Auth0 custom domain, recognised by its metadata', async () => {
    env.authServer.injectFault({
      kind: 'mutate_discovery',
      mutate: (body) => ({ ...body, mfa_challenge_endpoint: `${env.authServer.issuer}/mfa/challenge` }),
    });
    throttle(429, '60');
    const { tokenUrl: _tokenUrl, ...discovered } = env.probe('client_secret_basic', { name: 'auth0-custom' });

    const { result } = await runIn(new TokenCache(), resolved({ ...discovered, issuer: env.authServer.issuer }));

    expect(result).toMatchObject({ stage: 'token', code: 'rate_limited' });
    expect(result.hint).toContain("tenant's monthly machine-to-machine token quota");
  });

  it("quotes Okta's X-Rate-Limit headers in the message", async () => {
    throttle(429, '60', {
      'x-rate-limit-limit': '600',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': '1796000000',
    });

    const { result } = await runIn(new TokenCache(), probe('okta-style'));

    expect(result.message).toContain(
      'X-Rate-Limit-Limit 600, X-Rate-Limit-Remaining 0, X-Rate-Limit-Reset 1796000000 (2026-11-30T',
    );
  });

  it('asks which quota applies when the provider is not recognised', async () => {
    throttle(429, '60');

    const { result } = await runIn(new TokenCache(), probe('unknown-provider'));

    expect(result.hint).toContain('Ask the provider which token quota or rate limit applies');
  });
});

describe('the token cache keeps its tokens to itself', () => {
  it('serializes and inspects as counts only, and no result of a reused run carries the token', async () => {
    const tokens = new TokenCache();
    const config = withReuse('reuse-leak', REUSE, {
      steps: [{ ...env.probe('client_secret_basic').steps[0]!, rejects: ['garbage_token', 'tampered_signature'] }],
    });
    const secret = env.secrets['local/basic']!.client_secret!;
    const first = await runIn(tokens, config);
    const second = await runIn(tokens, config);
    // The token the cache holds, as the API would receive it.
    const token = await issueLikeTheProbe();

    expect(JSON.stringify(tokens)).toBe('{"tokens":1,"holds":0}');
    expect(inspect(tokens, { depth: 10, showHidden: true })).toBe('TokenCache { tokens: 1, holds: 0 }');
    expect(second.result.token?.reused).toBe(true);
    const everything = JSON.stringify([first.result, second.result]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/);
    expect(token).toMatch(/^eyJ/);
  });
});

describe('a reused opaque token echoed back by the API', () => {
  it('is redacted from the message, though the run that reuses it never saw the token response', async () => {
    // An opaque token no pattern recognises: only the run's own knowledge of it can redact it.
    const opaque = 'op4que-t0ken-Zx81mQ2vR7wLp0Kd';
    const as = await startInlineServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify({ access_token: opaque, token_type: 'Bearer', expires_in: 3600 }));
    });
    let echo = false;
    const api = await startInlineServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.statusCode = echo ? 401 : 200;
      if (echo)
        res.setHeader('www-authenticate', `Bearer error="invalid_token", error_description="token ${token} revoked"`);
      res.end(echo ? `token ${token} revoked` : '{}');
    });
    const config = resolved({
      name: 'opaque-reuse',
      tokenUrl: `${as.url}/token`,
      credentials: { secretId: 'local/post' },
      clientAuth: 'client_secret_post',
      token: { reuse: { maxAgeSec: 3600 } },
      steps: [{ name: 'echo', request: { method: 'GET', url: `${api.url}/v1/x` } }],
    });
    const tokens = new TokenCache();
    const deps = { secrets: new TestSecretSource(env.secrets), tokens };

    const first = await runProbe(config, deps);
    echo = true;
    const reused = await runProbe(config, deps);
    await Promise.all([as.close(), api.close()]);

    expect(first).toMatchObject({ status: 'pass', token: { format: 'opaque', reused: false } });
    expect(reused).toMatchObject({ stage: 'api', code: 'invalid_token', token: { reused: true } });
    expect(reused.message).toContain('[redacted]');
    expect(JSON.stringify(reused)).not.toContain(opaque);
  });
});

/** A real access token of the local server, to show the JWS pattern above recognises one. */
async function issueLikeTheProbe(): Promise<string> {
  const secret = env.secrets['local/basic']!;
  const response = await fetch(env.authServer.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${secret.client_id}:${secret.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'billing:read', resource: env.audience }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
