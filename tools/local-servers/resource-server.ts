/**
 * The local protected API: validates bearer tokens with jose against the authorization server's JWKS and
 * answers per RFC 6750 §3.1. Routes are documented on `LocalResourceServer` in ./types.ts.
 */
import http from 'node:http';
import https from 'node:https';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { errorCode } from '../../functions/guards.js';
import { closeNow, Delays, trackSockets } from './connections.js';
import type { LocalResourceServer, ResourceServerFault, ResourceServerOptions } from './types.js';

/** The realm in every `WWW-Authenticate` challenge. */
export const REALM = 'api';

const READ_SCOPE = 'billing:read';
const WRITE_SCOPE = 'billing:write';
const INVOICES = Array.from({ length: 5 }, (_, index) => ({ id: `inv_${index + 1}`, amount: 100 }));

type Json = Record<string, unknown> | unknown[];
type UndiciRequestInit = NonNullable<Parameters<typeof undiciFetch>[1]>;

interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

/** A bearer-token check that failed, in RFC 6750 terms. */
class BearerError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: 'invalid_token' | 'insufficient_scope' | undefined,
    readonly description?: string,
    readonly scope?: string,
  ) {
    super(description ?? 'no bearer token');
  }
}

/** The signing keys could not be fetched (the JWKS endpoint is down, slow or answers garbage). */
class KeySourceError extends Error {
  constructor(options: { cause: unknown }) {
    super('the API could not fetch the signing keys', options);
  }
}

/**
 * Starts the protected API on 127.0.0.1.
 * @example const api = await startResourceServer({ issuer: as.issuer, jwksUri: as.jwksUri, audience });
 */
export async function startResourceServer(options: ResourceServerOptions): Promise<LocalResourceServer> {
  const faults: ResourceServerFault[] = [];
  const delays = new Delays();
  const trustedCa = options.jwksCa ?? options.tls?.ca;
  // The JWKS fetch trusts the local CA only; a dispatcher of our own, closed with the server.
  const jwksAgent = new Agent(trustedCa ? { connect: { ca: trustedCa } } : {});
  const fetchJwks: FetchImplementation = async (url, init) => {
    // jose passes DOM fetch types; undici's own are structurally the same but nominally different.
    const response = await undiciFetch(url, { ...(init as unknown as UndiciRequestInit), dispatcher: jwksAgent });
    return response as unknown as Response;
  };
  // cooldownDuration 0: an unknown kid (a key rotation) is looked up again at once, as a real API would
  // after its cooldown; stale_keys is how a test gets the "never picked up" behaviour.
  const remoteJwks = createRemoteJWKSet(new URL(options.jwksUri), {
    cooldownDuration: 0,
    timeoutDuration: 5_000,
    [customFetch]: fetchJwks,
  });
  let staleJwks: JWTVerifyGetKey | undefined;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // A client that went away is not a server bug.
      if (req.socket.destroyed) return;
      console.error('local resource server: request failed', error);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'server_error' } });
      else res.destroy();
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  const sockets = trackSockets(server);
  server.on('tlsClientError', () => {});

  let port = options.port ?? 0;
  let listening = false;
  let stopping: Promise<void> | undefined;
  async function listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as { port: number }).port;
    listening = true;
  }
  function stopListening(): Promise<void> {
    if (!listening) return stopping ?? Promise.resolve();
    listening = false;
    stopping = closeNow(server, sockets);
    return stopping;
  }
  await listen();
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    for (const fault of faults) {
      if (fault.kind === 'delay') await delays.wait(fault.ms);
    }
    if (req.socket.destroyed) return;
    const respond = faults.find(
      (fault): fault is Extract<ResourceServerFault, { kind: 'respond' }> => fault.kind === 'respond',
    );
    if (respond) {
      res.writeHead(respond.status, { 'content-type': 'application/json', ...respond.headers });
      res.end(respond.body);
      return;
    }
    send(res, await route(req, body));
  }

  async function route(req: http.IncomingMessage, rawBody: string): Promise<Reply> {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const method = req.method ?? 'GET';

    if (path === '/health' && method === 'GET') return { status: 200, body: { status: 'ok' } };
    if (path === '/redirect' && method === 'GET') {
      const to = requestUrl.searchParams.get('to');
      if (!to) return { status: 400, body: { error: 'invalid_request', error_description: 'missing "to"' } };
      return { status: 302, headers: { location: to }, body: { redirect: to } };
    }

    const invoice = /^\/v1\/invoices\/([^/]+)$/.exec(path);
    const isList = path === '/v1/invoices';
    if (!isList && !invoice) return { status: 404, body: { error: 'not_found' } };
    const allowed = isList ? ['GET', 'POST'] : ['GET'];
    if (!allowed.includes(method)) {
      return { status: 405, headers: { allow: allowed.join(', ') }, body: { error: 'method_not_allowed' } };
    }

    try {
      await authorize(req, method === 'POST' ? WRITE_SCOPE : READ_SCOPE);
    } catch (error) {
      if (error instanceof BearerError) return challenge(error);
      // The token may well be fine: the API cannot tell. A real gateway answers 5xx here, not 401.
      if (error instanceof KeySourceError) {
        return { status: 503, body: { error: 'temporarily_unavailable', error_description: error.message } };
      }
      throw error;
    }

    if (isList && method === 'GET') {
      const limit = clampLimit(requestUrl.searchParams.get('limit'));
      return { status: 200, body: { data: INVOICES.slice(0, limit) } };
    }
    if (isList) {
      let parsed: unknown;
      try {
        parsed = rawBody ? JSON.parse(rawBody) : {};
      } catch {
        return { status: 400, body: { error: 'invalid_request', error_description: 'body is not JSON' } };
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { status: 400, body: { error: 'invalid_request', error_description: 'body must be a JSON object' } };
      }
      return { status: 201, body: { ...parsed, id: `inv_${Date.now().toString(36)}` } };
    }
    const id = decodeURIComponent(invoice![1]!);
    const found = INVOICES.find((candidate) => candidate.id === id);
    return found ? { status: 200, body: { ...found } } : { status: 404, body: { error: 'not_found' } };
  }

  async function authorize(req: http.IncomingMessage, scope: string): Promise<void> {
    const header = req.headers.authorization;
    if (!header) throw new BearerError(401, undefined);
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (!match) throw new BearerError(401, 'invalid_token', 'the Authorization header is not a Bearer token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, await keySet(), {
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: 5,
      }));
    } catch (error) {
      if (isKeySourceFailure(error)) throw new KeySourceError({ cause: error });
      throw new BearerError(401, 'invalid_token', describeJoseError(error));
    }
    const granted = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
    const required = [scope, ...faults.flatMap((fault) => (fault.kind === 'require_scope' ? [fault.scope] : []))];
    const missing = required.filter((candidate) => !granted.has(candidate));
    if (missing.length > 0) {
      throw new BearerError(
        403,
        'insufficient_scope',
        `the token lacks scope ${missing.join(' ')}`,
        required.join(' '),
      );
    }
  }

  /** The key set the API verifies with: the live remote one, or the frozen snapshot under stale_keys. */
  async function keySet(): Promise<JWTVerifyGetKey> {
    if (!faults.some((fault) => fault.kind === 'stale_keys')) return remoteJwks;
    if (!staleJwks) {
      if (!remoteJwks.jwks()) await remoteJwks.reload();
      staleJwks = createLocalJWKSet(remoteJwks.jwks() as JSONWebKeySet);
    }
    return staleJwks;
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    injectFault(fault) {
      faults.push(fault);
      if (fault.kind === 'stale_keys') {
        // Freeze what the API has now (fetching it first if it never has): later rotations go unnoticed.
        void keySet().catch(() => {});
      }
      if (fault.kind === 'down') void stopListening();
    },
    async clearFaults() {
      faults.length = 0;
      staleJwks = undefined;
      delays.releaseAll();
      if (!listening && !closed) {
        await stopping;
        await listen();
      }
    },
    close() {
      closed ??= (async () => {
        faults.length = 0;
        const stopped = stopListening();
        delays.releaseAll();
        await stopped;
        await jwksAgent.close();
      })();
      return closed;
    },
  };
}

function challenge(error: BearerError): Reply {
  const params = [`realm="${REALM}"`];
  if (error.code) params.push(`error="${error.code}"`);
  if (error.code && error.description) params.push(`error_description="${error.description.replace(/["\\]/g, "'")}"`);
  if (error.scope) params.push(`scope="${error.scope}"`);
  const body: Json = error.code
    ? { error: error.code, ...(error.description ? { error_description: error.description } : {}) }
    : { error: 'unauthorized' };
  return { status: error.status, headers: { 'www-authenticate': `Bearer ${params.join(', ')}` }, body };
}

function describeJoseError(error: unknown): string {
  const code = errorCode(error);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token's ${(error as { claim?: string }).claim ?? 'claims'} claim is not accepted`;
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'the token was signed with an unknown key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature is invalid';
    default:
      return 'the token is malformed or not a JWT';
  }
}

function isKeySourceFailure(error: unknown): boolean {
  if (!(error instanceof joseErrors.JOSEError)) return true;
  return (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    error.code === joseErrors.JOSEError.code
  );
}

function clampLimit(raw: string | null): number {
  const limit = raw === null ? 10 : Number.parseInt(raw, 10);
  return Number.isFinite(limit) && limit > 0 ? Math.min(limit, 100) : 10;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(body);
}
