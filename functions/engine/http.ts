/**
 * One HTTP exchange with undici, timed phase by phase on a fresh connection.
 *
 * Each exchange gets its own `Client` whose connector wraps undici's `buildConnector` and listens to
 * the socket's `lookup`, `connect` and `secureConnect` events: DNS, TCP and TLS are measured the way a
 * cold client pays for them, and there is no doubt which exchange a connection belongs to. TLS
 * sessions are never resumed (`maxCachedSessions: 0`), so the handshake is a full one every run.
 * The client is destroyed when the exchange ends; nothing outlives the run.
 */

import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  checkServerIdentity,
  createSecureContext,
  type DetailedPeerCertificate,
  type PeerCertificate,
  rootCertificates,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import type { buildConnector as UndiciBuildConnector } from 'undici';
import type { ProxyRoute } from './proxy.js';
import { displayUrl } from './redact.js';
import type { Exchange, ExchangeTimings } from './result.js';
import { tunnelConnector } from './tunnel.js';
import type { Clock } from './types.js';
import { buildConnector, Client } from './undici.js';

/** @default 1 MiB: enough for any token response, discovery document, JWKS or API probe answer. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface TlsOptions {
  /** Extra CA certificates (PEM), trusted in addition to the system roots. */
  ca?: string[];
  /** Client certificate and key (PEM), for mutual TLS. */
  cert?: string;
  key?: string;
}

export interface HttpRequest {
  /** Exchange name: `discovery`, `jwks`, `token`, or the step name. */
  name: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBodyBytes?: number;
  tls?: TlsOptions;
  /** Aborts when the run's deadline passes. */
  deadline?: AbortSignal;
  /** An HTTP CONNECT proxy to tunnel through (./tunnel.ts documents the timings under a proxy). */
  proxy?: ProxyRoute;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** True when the body was longer than the cap and was cut. */
  truncated: boolean;
}

/** The request did not complete; `cause` is the original error, for classification. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** Why our own abort fired: the request's timeout or the run's deadline. */
export class TimeoutAbort extends Error {
  constructor(
    readonly kind: 'request' | 'deadline',
    readonly ms?: number,
  ) {
    super(kind === 'request' ? `no complete response within ${ms} ms` : 'the run deadline passed');
    this.name = 'TimeoutAbort';
  }
}

export interface HttpOutcome {
  exchange: Exchange;
  response: HttpResponse;
}

/** Sends one request on a fresh connection. Resolves for any HTTP status; rejects with `TransportError`. */
export async function exchange(request: HttpRequest, clock: Clock): Promise<HttpOutcome> {
  const url = new URL(request.url);
  // Built before any phase clock starts: the first context of a process parses every root certificate.
  let secureContext: SecureContext | undefined;
  try {
    secureContext = url.protocol === 'https:' ? secureContextFor(request.tls) : undefined;
  } catch (error) {
    // OpenSSL refused the CA or client certificate material: a TLS failure of this exchange, not a crash.
    throw new TransportError(error instanceof Error ? error.message : String(error), failedBeforeConnect(request), {
      cause: error,
    });
  }
  const created = performance.now();
  /**
   * Phase events. `start` is when undici asks for the connection (our own set-up is done), `firstByte`
   * when the first response bytes are readable on the socket: before undici parses them, and before
   * `client.request()` resolves, so neither parsing nor promise hops count as the server's time.
   */
  const phases: { start?: number; lookup?: number; connect?: number; secure?: number; firstByte?: number } = {};
  let certDaysLeft: number | undefined;
  /**
   * The peer chain as Node builds it for its own host name check (the detailed certificate, as
   * `getPeerCertificate(true)` returns it). Kept here, because building it a second time for the days
   * left was some 5% of an HTTPS run's CPU (`node --cpu-prof`, `npm run bench` figures 2 and 5).
   */
  let peerChain: DetailedPeerCertificate | undefined;
  const keepPeerChain = (host: string, cert: PeerCertificate) => {
    peerChain = cert as DetailedPeerCertificate;
    return checkServerIdentity(host, cert);
  };

  const recordPeer = (socket: TLSSocket) => {
    try {
      // The fewest days left across the chain the peer presented: a 90-day leaf under an intermediate
      // that expires in 5 days breaks in 5 days. Node skips the host name check (so we read the chain
      // ourselves) when verification already failed, and through a proxy.
      const days = chainNotAfter(peerChain ?? socket.getPeerCertificate(true)).map((notAfter) =>
        Math.floor((notAfter - clock.now()) / 86_400_000),
      );
      if (days.length > 0) certDaysLeft = Math.min(...days);
    } catch {
      // No certificate to read (the handshake failed before it arrived).
    }
  };

  const base = request.proxy
    ? tunnelConnector(request.proxy.url, { ...(secureContext ? { secureContext } : {}), timeoutMs: request.timeoutMs })
    : buildConnector({
        ...(secureContext ? { secureContext } : {}),
        // Verification still happens, below: Node then completes the handshake and reports the verdict in
        // `authorized`, so the certificate of a rejected peer (an expired one) can be read for certDaysLeft.
        rejectUnauthorized: false,
        checkServerIdentity: keepPeerChain,
        maxCachedSessions: 0,
        timeout: request.timeoutMs,
      });
  const watchFirstBytes = (target: Socket, protocol: string) =>
    target.prependListener('readable', function onFirstBytes(this: Socket) {
      if (this.readableLength === 0) return; // end of stream, no byte
      phases.firstByte ??= performance.now();
      this.removeListener('readable', onFirstBytes);
      // The peer certificate is read here, once the response is on its way, not between the
      // handshake and the request being written.
      if (protocol === 'https:') recordPeer(this as TLSSocket);
    });
  const connect: UndiciBuildConnector.connector = (options, callback) => {
    phases.start ??= performance.now();
    // undici's connector returns the socket it creates (not in its types): listen to its phases.
    const socket = (base as unknown as (o: typeof options, cb: typeof callback) => Socket | undefined)(
      options,
      (error: Error | null, sock: Socket | null) => {
        if (error || !sock) {
          callback(error ?? new Error('no socket'), null);
          return;
        }
        if (options.protocol === 'https:') {
          const tlsSocket = sock as TLSSocket;
          if (tlsSocket.authorized !== true) {
            recordPeer(tlsSocket);
            const code = String(tlsSocket.authorizationError ?? 'TLS_PEER_NOT_AUTHORIZED');
            tlsSocket.destroy();
            callback(Object.assign(new Error(`TLS peer verification failed: ${code}`), { code }), null);
            return;
          }
        }
        // Through a proxy the socket undici talks on (TLS over the tunnel) only exists now.
        if (sock !== socket) watchFirstBytes(sock, options.protocol);
        callback(null, sock);
      },
    );
    if (!socket) return;
    // Prepended: undici's own listeners may send the request at once, and the phase ends when the
    // event fires, not after that.
    socket.prependOnceListener('lookup', () => {
      phases.lookup ??= performance.now();
    });
    socket.prependOnceListener('connect', () => {
      phases.connect ??= performance.now();
    });
    socket.prependOnceListener('secureConnect', () => {
      phases.secure ??= performance.now();
    });
    watchFirstBytes(socket, options.protocol);
  };

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutAbort('request', request.timeoutMs)), request.timeoutMs);
  const onDeadline = () => controller.abort(new TimeoutAbort('deadline'));
  if (request.deadline?.aborted) onDeadline();
  else request.deadline?.addEventListener('abort', onDeadline, { once: true });

  const client = new Client(url.origin, {
    connect,
    headersTimeout: request.timeoutMs,
    bodyTimeout: request.timeoutMs,
    keepAliveTimeout: 1,
    pipelining: 1,
  });

  const finish = (status: number | null): Exchange => {
    const end = performance.now();
    const started = phases.start ?? created;
    const timings: ExchangeTimings = { totalMs: round(end - started) };
    if (phases.lookup !== undefined) timings.dnsMs = round(phases.lookup - started);
    if (phases.connect !== undefined) timings.connectMs = round(phases.connect - (phases.lookup ?? started));
    if (phases.secure !== undefined && phases.connect !== undefined) {
      timings.tlsMs = round(phases.secure - phases.connect);
    }
    if (phases.firstByte !== undefined && status !== null) {
      timings.firstByteMs = round(phases.firstByte - (phases.secure ?? phases.connect ?? started));
    }
    const result: Exchange = {
      name: request.name,
      method: request.method,
      url: displayUrl(request.url),
      status,
      timings,
    };
    if (certDaysLeft !== undefined) result.certDaysLeft = certDaysLeft;
    return result;
  };

  let status: number | null = null;
  try {
    const response = await client.request({
      path: `${url.pathname}${url.search}`,
      method: request.method as 'GET',
      headers: { 'user-agent': 'oauth-probe', ...request.headers },
      body: request.body,
      signal: controller.signal,
    });
    status = response.statusCode;
    const { text, truncated } = await readCapped(response.body, request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return { exchange: finish(status), response: { status, headers, body: text, truncated } };
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    const ex = finish(status);
    throw new TransportError(reason instanceof Error ? reason.message : String(reason), ex, { cause: reason });
  } finally {
    clearTimeout(timer);
    request.deadline?.removeEventListener('abort', onDeadline);
    // With an error of our own: undici would otherwise build (and capture the stack of) a new
    // ClientDestroyedError for every exchange, a cost the bare client never pays.
    client.destroy(EXCHANGE_OVER).catch(() => {});
  }
}

/** The reason every exchange's client is destroyed with; one object, built once. */
const EXCHANGE_OVER = Object.assign(new Error('exchange over'), { code: 'OAUTH_PROBE_EXCHANGE_OVER' });

/**
 * TLS contexts by CA set and client certificate. Building one parses every root certificate (20-150 ms
 * of CPU, measured in `npm run bench`); done per exchange, that time landed inside the connect and TLS
 * timings the probe reports as the server's. A context holds trust and identity only, no session state,
 * so sharing it keeps every handshake a full, cold one (session resumption stays off).
 */
const secureContexts = new Map<string, SecureContext>();
const MAX_SECURE_CONTEXTS = 32;
/**
 * The context of a probe without `tls.ca` or a client certificate: the system roots (and
 * NODE_EXTRA_CA_CERTS). Without it, `tls.connect` builds this same context on every connection, the
 * first one parsing the root store inside the connect phase.
 */
let defaultContext: SecureContext | undefined;

export function secureContextFor(tls: TlsOptions | undefined): SecureContext {
  if (!tls?.ca?.length && !tls?.cert) {
    defaultContext ??= createSecureContext();
    return defaultContext;
  }
  // Keyed by a digest, so no PEM (a client key above all) is kept as a map key.
  const key = createHash('sha256')
    .update(JSON.stringify([tls.ca ?? [], tls.cert ?? '', tls.key ?? '']))
    .digest('hex');
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({
      // Without tls.ca, no `ca`: Node's default store then applies (with NODE_EXTRA_CA_CERTS).
      ...(tls.ca?.length ? { ca: [...rootCertificates, ...tls.ca] } : {}),
      ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
    });
    if (secureContexts.size >= MAX_SECURE_CONTEXTS) secureContexts.delete(secureContexts.keys().next().value!);
    secureContexts.set(key, context);
  }
  return context;
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const remaining = max - size;
    if (chunk.length > remaining) {
      chunks.push(chunk.subarray(0, remaining));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** notAfter (ms) of each certificate in a peer chain, leaf first, stopping at a self-issued one. */
export function chainNotAfter(leaf: DetailedPeerCertificate | undefined): number[] {
  const out: number[] = [];
  const seen = new Set<unknown>();
  for (let cert = leaf; cert && Object.keys(cert).length > 0 && !seen.has(cert); cert = cert.issuerCertificate) {
    seen.add(cert);
    const notAfter = cert.valid_to ? Date.parse(cert.valid_to) : Number.NaN;
    if (!Number.isNaN(notAfter)) out.push(notAfter);
    if (seen.size >= 10) break;
  }
  return out;
}

function failedBeforeConnect(request: HttpRequest): Exchange {
  return {
    name: request.name,
    method: request.method,
    url: displayUrl(request.url),
    status: null,
    timings: { totalMs: 0 },
  };
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 10) / 10);
}
