/**
 * An undici connector that reaches the origin through an HTTP CONNECT proxy (RFC 9110 §9.3.6), on a
 * fresh connection per exchange like the direct one, and reports the same three phase events:
 *
 * - `lookup` and `connect` are those of the way to the proxy: `connect` fires when the tunnel is open
 *   (TCP to the proxy, then the proxy's 2xx answer to CONNECT, which includes its own connection to
 *   the origin). So under a proxy, connect time = reaching the origin through the proxy.
 * - `secureConnect` is the TLS handshake with the origin, end to end through the tunnel (the proxy
 *   sees only ciphertext); TLS time = that handshake alone.
 *
 * The events are emitted on a stand-in emitter (the phase listeners of ./http.ts only listen), because
 * the socket's own `connect` fires before the tunnel exists. Both http:// and https:// origins are
 * tunnelled. The proxy itself is spoken to in plain HTTP (an https:// proxy is not supported).
 */
import { EventEmitter } from 'node:events';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type SecureContext, connect as tlsConnect } from 'node:tls';
import { displayProxy } from './proxy.js';

/** Error code of a refused tunnel (the proxy answered CONNECT with something other than 2xx). */
export const PROXY_TUNNEL_FAILED = 'PROXY_TUNNEL_FAILED';
const MAX_CONNECT_RESPONSE_BYTES = 16 * 1024;

interface ConnectOptions {
  hostname: string;
  protocol: string;
  port: string;
  servername?: string | null;
}

type Callback = (error: Error | null, socket: Socket | null) => void;

export interface TunnelOptions {
  secureContext?: SecureContext;
  /** Aborts the tunnel and handshake after this long (the exchange's own timeout also applies). */
  timeoutMs: number;
}

export function tunnelConnector(proxy: URL, options: TunnelOptions) {
  const authorization =
    proxy.username || proxy.password
      ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n`
      : '';
  return (opts: ConnectOptions, callback: Callback): EventEmitter => {
    const phases = new EventEmitter();
    const https = opts.protocol === 'https:';
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${opts.port || (https ? 443 : 80)}`;
    const raw = netConnect({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port) || 80 });
    raw.setNoDelay(true);
    let done = false;
    const finish = (error: Error | null, socket: Socket | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) raw.destroy();
      callback(error, socket);
    };
    const timer = setTimeout(
      () =>
        finish(
          Object.assign(new Error(`no tunnel through ${displayProxy(proxy)} within ${options.timeoutMs} ms`), {
            code: 'UND_ERR_CONNECT_TIMEOUT',
          }),
          null,
        ),
      options.timeoutMs,
    );
    raw.once('lookup', () => phases.emit('lookup'));
    raw.once('error', (error) => finish(error, null));
    raw.once('connect', () => {
      raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${authorization}\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_CONNECT_RESPONSE_BYTES)
          finish(tunnelError(proxy, authority, 'an oversized answer'), null);
        return;
      }
      raw.off('data', onData);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      if (!(status >= 200 && status < 300)) {
        finish(tunnelError(proxy, authority, statusLine.slice(0, 80) || 'no status line'), null);
        return;
      }
      raw.pause();
      const rest = head.subarray(end + 4);
      if (rest.length > 0) raw.unshift(rest);
      phases.emit('connect');
      if (!https) {
        finish(null, raw);
        return;
      }
      const servername = opts.servername || (isIP(host) ? undefined : host);
      const secure = tlsConnect({
        socket: raw,
        ...(servername ? { servername } : {}),
        ...(options.secureContext ? { secureContext: options.secureContext } : {}),
        // Verified by the caller from `authorized`, as for a direct connection (./http.ts).
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      secure.once('secureConnect', () => {
        phases.emit('secureConnect');
        finish(null, secure);
      });
      secure.once('error', (error) => finish(error, null));
    };
    raw.on('data', onData);
    return phases;
  };
}

function tunnelError(proxy: URL, authority: string, answer: string): Error {
  return Object.assign(new Error(`proxy ${displayProxy(proxy)} refused CONNECT ${authority}: ${answer}`), {
    code: PROXY_TUNNEL_FAILED,
  });
}
