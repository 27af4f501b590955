/**
 * Probes through an HTTP CONNECT proxy on 127.0.0.1 (a few lines of node:http below), against the real
 * local authorization server and API over HTTPS: the tunnels the proxy opened, the result, and how the
 * timings read under a proxy. Choosing the proxy (config, environment, NO_PROXY) is tested directly.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProbe } from '../../functions/engine/index.js';
import { proxyFor } from '../../functions/engine/proxy.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { resolved, TestSecretSource } from './helpers.js';

interface TestProxy {
  url: string;
  /** `host:port` of every CONNECT, in order. */
  tunnels: string[];
  /** Proxy-Authorization headers received. */
  authorizations: (string | undefined)[];
  /** Answer CONNECT with this status instead of opening the tunnel. */
  refuseWith?: number;
  close(): Promise<void>;
}

async function startConnectProxy(): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  const proxy: TestProxy = {
    url: '',
    tunnels: [],
    authorizations: [],
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    proxy.tunnels.push(req.url ?? '');
    proxy.authorizations.push(req.headers['proxy-authorization']);
    if (proxy.refuseWith) {
      client.end(`HTTP/1.1 ${proxy.refuseWith} Refused\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  proxy.url = `http://127.0.0.1:${address.port}`;
  return proxy;
}

describe('probes through an HTTP CONNECT proxy', () => {
  let env: LocalEnvironment;
  let proxy: TestProxy;

  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
    proxy = await startConnectProxy();
  });
  afterAll(async () => {
    await proxy?.close();
    await env?.close();
  });
  beforeEach(() => {
    proxy.tunnels.length = 0;
    proxy.authorizations.length = 0;
    proxy.refuseWith = undefined;
  });

  const origin = (url: string) => new URL(url).host;

  it('tunnels every exchange through the probe proxy, TLS end to end with the origin, and passes', async () => {
    const probe = resolved({ ...env.probe('client_secret_basic'), proxy: proxy.url });

    const result = await runProbe(probe, { secrets: new TestSecretSource(env.secrets), env: {} });

    expect(result).toMatchObject({ status: 'pass', code: null });
    expect(proxy.tunnels).toEqual([
      origin(env.authServer.issuer),
      origin(env.authServer.issuer),
      origin(probe.steps[0]!.request.url),
      origin(probe.steps[0]!.request.url),
    ]);
    for (const exchange of result.exchanges) {
      // connect = reaching the origin through the proxy; TLS = the handshake with the origin.
      expect(exchange.timings.connectMs).toBeTypeOf('number');
      expect(exchange.timings.tlsMs).toBeTypeOf('number');
      expect(exchange.timings.firstByteMs).toBeTypeOf('number');
      // A certificate was read through the tunnel: the origin's, not the proxy's (it has none).
      expect(exchange.certDaysLeft).toBeTypeOf('number');
    }
  });

  it('uses HTTPS_PROXY from the environment, sends proxy credentials, and honours NO_PROXY', async () => {
    const probe = resolved(env.probe('client_secret_basic'));
    const withCredentials = proxy.url.replace('http://', 'http://ops:s%40cret@');

    const proxied = await runProbe(probe, {
      secrets: new TestSecretSource(env.secrets),
      env: { HTTPS_PROXY: withCredentials },
    });
    const tunnelsWhenProxied = proxy.tunnels.length;
    const exempted = await runProbe(probe, {
      secrets: new TestSecretSource(env.secrets),
      env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' },
    });

    expect([proxied.status, exempted.status]).toEqual(['pass', 'pass']);
    expect(tunnelsWhenProxied).toBe(4);
    expect(proxy.tunnels).toHaveLength(4);
    expect(proxy.authorizations[0]).toBe(`Basic ${Buffer.from('ops:s@cret').toString('base64')}`);
  });

  it('fails at the token stage with a transport code naming the proxy when the proxy refuses the tunnel', async () => {
    proxy.refuseWith = 403;
    const probe = resolved({ ...env.probe('client_secret_basic'), proxy: proxy.url });

    const result = await runProbe(probe, { secrets: new TestSecretSource(env.secrets), env: {} });

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'connection_error' });
    expect(result.message).toContain(
      `proxy ${proxy.url} refused CONNECT ${origin(env.authServer.issuer)}: HTTP/1.1 403 Refused`,
    );
  });

  it('reports connection_refused when the proxy is not listening', async () => {
    const probe = resolved({ ...env.probe('client_secret_basic'), proxy: 'http://127.0.0.1:1' });

    const result = await runProbe(probe, { secrets: new TestSecretSource(env.secrets), env: {} });

    expect(result).toMatchObject({ status: 'fail', stage: 'token', code: 'connection_refused' });
  });
});

describe('proxyFor', () => {
  const https = 'https://auth.example.com/token';

  it('prefers the probe proxy over the environment, NO_PROXY included', () => {
    expect(proxyFor(https, 'http://p:3128', { HTTPS_PROXY: 'http://q:8080', NO_PROXY: '*' })?.url.host).toBe('p:3128');
  });

  it('takes HTTPS_PROXY for https and HTTP_PROXY for http, lower-case names too, a bare host:port as http', () => {
    expect(proxyFor(https, undefined, { https_proxy: 'q:8080' })?.url.href).toBe('http://q:8080/');
    expect(proxyFor(https, undefined, { HTTP_PROXY: 'http://h:1' })).toBeUndefined();
    expect(proxyFor('http://api.example.com/', undefined, { HTTP_PROXY: 'http://h:1' })?.source).toBe('HTTP_PROXY');
  });

  it.each([
    ['example.com', true],
    ['.example.com', true],
    ['*.example.com', true],
    ['auth.example.com:443', true],
    ['auth.example.com:8443', false],
    ['other.com, example.com', true],
    ['ample.com', false],
    ['*', true],
    ['', false],
  ])('NO_PROXY=%j exempts auth.example.com: %s', (noProxy, exempt) => {
    const route = proxyFor(https, undefined, { HTTPS_PROXY: 'http://q:8080', NO_PROXY: noProxy });
    expect(route === undefined).toBe(exempt);
  });
});
