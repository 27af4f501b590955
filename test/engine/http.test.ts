import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, secureContextFor } from '../../functions/engine/http.js';
import { prepareTransport, runProbe } from '../../functions/engine/index.js';
import { systemClock } from '../../functions/engine/types.js';
import {
  createCertificateAuthority,
  createTestPki,
  type LocalEnvironment,
  startLocalEnvironment,
} from '../../tools/local-servers/index.js';
import { type InlineServer, resolved, startInlineServer, TestSecretSource } from './helpers.js';

describe('exchange timings and limits', () => {
  let env: LocalEnvironment;
  let big: InlineServer;
  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
    big = await startInlineServer((_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${'x'.repeat(2 * 1024 * 1024)}needle`);
    });
  });
  afterAll(async () => {
    await Promise.all([env?.close(), big?.close()]);
  });

  it('records connect, TLS and first byte on a fresh connection, and the peer certificate days left', async () => {
    const result = await runProbe(resolved(env.probe('client_secret_basic')), {
      secrets: new TestSecretSource(env.secrets),
    });

    for (const ex of result.exchanges) {
      expect(Object.keys(ex.timings).sort()).toEqual(['connectMs', 'firstByteMs', 'tlsMs', 'totalMs']);
      expect(ex.certDaysLeft).toBeGreaterThanOrEqual(28);
    }
  });

  it('records the DNS lookup for a host name', async () => {
    const url = env.resourceServer.url.replace('127.0.0.1', 'localhost');

    const { exchange: ex } = await exchange(
      { name: 'h', method: 'GET', url: `${url}/health`, timeoutMs: 5000, tls: { ca: [env.caPem!] } },
      systemClock,
    );

    expect(ex.status).toBe(200);
    expect(ex.timings.dnsMs).toBeTypeOf('number');
  });

  it('reads a body only up to the cap', async () => {
    const { response } = await exchange(
      { name: 'b', method: 'GET', url: `${big.url}/`, timeoutMs: 5000, maxBodyBytes: 1024 },
      systemClock,
    );

    expect(response.body).toHaveLength(1024);
    expect(response.truncated).toBe(true);
  });

  it('fails bodyContains on text past the 1 MiB cap, and says the body was cut', async () => {
    const config = env.probe('client_secret_basic');
    config.steps = [
      {
        name: 'big',
        request: { method: 'GET', url: `${big.url}/`, followRedirects: false },
        expect: { bodyContains: 'needle' },
      },
    ];

    const result = await runProbe(resolved(config), { secrets: new TestSecretSource(env.secrets) });

    expect(result).toMatchObject({ stage: 'api', step: 'big', code: 'assertion_failed' });
    expect(result.message).toContain('cut at the size cap');
  });

  it('strips userinfo from exchange URLs', async () => {
    const { exchange: ex } = await exchange(
      {
        name: 'u',
        method: 'GET',
        url: big.url.replace('http://', 'http://user:pw@'),
        timeoutMs: 5000,
        maxBodyBytes: 10,
      },
      systemClock,
    );

    expect(ex.url).toBe(`${big.url}/`);
  });
});

describe('prepareTransport', () => {
  it('warms the HTTP path once per process, and no warm-up exchange shows in a result', async () => {
    const first = prepareTransport();

    expect(prepareTransport()).toBe(first);
    await expect(first).resolves.toBeUndefined();
    const server = await startInlineServer((_req, res) => res.end('ok'));
    try {
      const result = await runProbe(
        resolved({
          name: 'warm',
          tokenUrl: `${server.url}/token`,
          credentials: { secretId: 's' },
        }),
        { secrets: new TestSecretSource({ s: { client_id: 'c', client_secret: 'x' } }) },
      );
      expect(result.exchanges.map((e) => e.name)).toEqual(['token']);
    } finally {
      await server.close();
    }
  });
});

describe('secureContextFor', () => {
  it('shares one default context (system roots) when neither a CA nor a client certificate is given', async () => {
    const pki = await createTestPki();

    const defaultContext = secureContextFor(undefined);

    expect(secureContextFor({})).toBe(defaultContext);
    expect(secureContextFor({ ca: [pki.ca.cert] })).not.toBe(defaultContext);
  });

  it('builds a context once per CA set and client identity, and another for a different one', async () => {
    const pki = await createTestPki();
    const otherCa = await createCertificateAuthority();

    const first = secureContextFor({ ca: [pki.ca.cert] });

    expect(secureContextFor({ ca: [pki.ca.cert] })).toBe(first);
    expect(secureContextFor({ ca: [otherCa.cert] })).not.toBe(first);
    expect(secureContextFor({ ca: [pki.ca.cert], cert: pki.client.cert, key: pki.client.key })).not.toBe(first);
  });
});
