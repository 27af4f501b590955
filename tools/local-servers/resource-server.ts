/**
 * The local protected API: validates bearer tokens with jose against the authorization server's JWKS and
 * answers per RFC 6750 §3.1. Routes are documented on `LocalResourceServer` in ./types.ts.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { errorCode, parseJsonObject } from '../../functions/guards.js';
import { closeNow, Delays, listenOnLoopback, trackSockets } from './connections.js';
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
    readonly code: 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | undefined,
    readonly description?: string,
    readonly scope?: string,
    /** The challenge's scheme: `DPoP` for proof failures (RFC 9449 §7.1). */
    readonly scheme: 'Bearer' | 'DPoP' = 'Bearer',
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

type FaultOf<K extends ResourceServerFault['kind']> = Extract<ResourceServerFault, { kind: K }>;

/** What the request path of the running API reads. */
interface ApiState {
  readonly options: ResourceServerOptions;
  readonly faults: ResourceServerFault[];
  readonly delays: Delays;
  readonly keys: JwksKeys;
  /** Requests held by `hang`, ended (destroyed) by clearFaults() and close(). */
  readonly hanging: Set<http.ServerResponse>;
  url: string;
}

/**
 * Starts the protected API on 127.0.0.1.
 * @example const api = await startResourceServer({ issuer: as.issuer, jwksUri: as.jwksUri, audience });
 */
export async function startResourceServer(options: ResourceServerOptions): Promise<LocalResourceServer> {
  const state: ApiState = {
    options,
    faults: [],
    delays: new Delays(),
    keys: new JwksKeys(options),
    hanging: new Set(),
    url: '',
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handleRequest(state, req, res).catch((error: unknown) => {
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
  server.on('tlsClientError', () => {});
  const listener = new Listener(server, options.port ?? 0);
  const port = await listener.listen();
  state.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url: state.url,
    port,
    async injectFault(fault) {
      state.faults.push(fault);
      if (fault.kind === 'stale_keys') await staleKeysFault(state.keys);
      if (fault.kind === 'down') await downFault(listener);
    },
    async clearFaults() {
      state.faults.length = 0;
      state.keys.thaw();
      state.delays.releaseAll();
      endHanging(state.hanging);
      if (!closed) await listener.reopen();
    },
    close() {
      closed ??= (async () => {
        state.faults.length = 0;
        const stopped = listener.stop();
        state.delays.releaseAll();
        endHanging(state.hanging);
        await stopped;
        await state.keys.close();
      })();
      return closed;
    },
  };
}

/** The listening port, which the `down` fault closes and `clearFaults()` opens again on the same number. */
class Listener {
  readonly #sockets: Set<Socket>;
  #listening = false;
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly server: http.Server,
    private port: number,
  ) {
    this.#sockets = trackSockets(server);
  }

  async listen(): Promise<number> {
    this.port = await listenOnLoopback(this.server, this.port);
    this.#listening = true;
    return this.port;
  }

  stop(): Promise<void> {
    if (!this.#listening) return this.#stopping ?? Promise.resolve();
    this.#listening = false;
    this.#stopping = closeNow(this.server, this.#sockets);
    return this.#stopping;
  }

  async reopen(): Promise<void> {
    if (this.#listening) return;
    await this.#stopping;
    await this.listen();
  }
}

/**
 * The signing keys the API verifies with: the authorization server's JWKS, fetched with a dispatcher
 * of its own that trusts the local CA only, or, under `stale_keys`, a snapshot that never refreshes.
 */
class JwksKeys {
  readonly #agent: Agent;
  readonly #remote: ReturnType<typeof createRemoteJWKSet>;
  #stale: Promise<JWTVerifyGetKey> | undefined;
  #frozen = false;

  constructor(options: ResourceServerOptions) {
    const trustedCa = options.jwksCa ?? options.tls?.ca;
    const agent = new Agent(trustedCa ? { connect: { ca: trustedCa } } : {});
    const fetchJwks: FetchImplementation = async (url, init) => {
      // jose passes DOM fetch types; undici's own are structurally the same but nominally different.
      const response = await undiciFetch(url, { ...(init as unknown as UndiciRequestInit), dispatcher: agent });
      return response as unknown as Response;
    };
    this.#agent = agent;
    // cooldownDuration 0: an unknown kid (a key rotation) is looked up again at once, as a real API would
    // after its cooldown; stale_keys is how a test gets the "never picked up" behaviour.
    this.#remote = createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: 0,
      timeoutDuration: 5_000,
      [customFetch]: fetchJwks,
    });
  }

  /** The live key set, or the frozen snapshot under `stale_keys`. */
  current(): Promise<JWTVerifyGetKey> | JWTVerifyGetKey {
    return this.#frozen ? this.#snapshot() : this.#remote;
  }

  /** Freezes what the API has now (fetching it first if it never has): later rotations go unnoticed. */
  freeze(): Promise<JWTVerifyGetKey> {
    this.#frozen = true;
    return this.#snapshot();
  }

  thaw(): void {
    this.#frozen = false;
    this.#stale = undefined;
  }

  /** A snapshot that failed (the JWKS was unreachable) is taken again on the next request. */
  #snapshot(): Promise<JWTVerifyGetKey> {
    if (this.#stale) return this.#stale;
    const snapshot = (async () => {
      if (!this.#remote.jwks()) await this.#remote.reload();
      return createLocalJWKSet(this.#remote.jwks() as JSONWebKeySet);
    })();
    snapshot.catch(() => {
      if (this.#stale === snapshot) this.#stale = undefined;
    });
    this.#stale = snapshot;
    return snapshot;
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** Reads the body, then applies the faults that act on every request, then routes. */
async function handleRequest(state: ApiState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  for (const fault of state.faults) {
    if (fault.kind === 'delay') await delayFault(fault, state.delays);
  }
  if (req.socket.destroyed) return;
  if (state.faults.some((fault) => fault.kind === 'hang')) {
    hangFault(state.hanging, res);
    return;
  }
  const respond = state.faults.find((fault): fault is FaultOf<'respond'> => fault.kind === 'respond');
  if (respond) {
    respondFault(respond, res);
    return;
  }
  send(res, await route(state, req, body));
}

/** `delay`: every answer is held this long (released at once by clearFaults/close). */
function delayFault(fault: FaultOf<'delay'>, delays: Delays): Promise<void> {
  return delays.wait(fault.ms);
}

/** `respond`: every request gets this canned answer instead. */
function respondFault(fault: FaultOf<'respond'>, res: http.ServerResponse): void {
  res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
  res.end(fault.body);
}

/** `stale_keys`: the key set is frozen now; a failure to fetch it shows on the next request instead. */
async function staleKeysFault(keys: JwksKeys): Promise<void> {
  await keys.freeze().catch(() => {});
}

/** `hang`: the request was read and is never answered. */
function hangFault(hanging: Set<http.ServerResponse>, res: http.ServerResponse): void {
  hanging.add(res);
  res.once('close', () => hanging.delete(res));
}

function endHanging(hanging: Set<http.ServerResponse>): void {
  for (const res of hanging) res.destroy();
  hanging.clear();
}

/** `require_scope`: the scopes every route needs on top of its own. */
function requireScopeFault(faults: readonly ResourceServerFault[]): string[] {
  return faults.flatMap((fault) => (fault.kind === 'require_scope' ? [fault.scope] : []));
}

/** `down`: the port closes (connection refused) until clearFaults(). */
function downFault(listener: Listener): Promise<void> {
  return listener.stop();
}

async function route(state: ApiState, req: http.IncomingMessage, rawBody: string): Promise<Reply> {
  const requestUrl = new URL(req.url ?? '/', state.url);
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
    await authorize(state, req, method === 'POST' ? WRITE_SCOPE : READ_SCOPE);
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
  if (isList) return createInvoice(rawBody);
  const id = decodeURIComponent(invoice![1]!);
  const found = INVOICES.find((candidate) => candidate.id === id);
  return found ? { status: 200, body: { ...found } } : { status: 404, body: { error: 'not_found' } };
}

function createInvoice(rawBody: string): Reply {
  const parsed = parseJsonObject(rawBody || '{}');
  if (!parsed.ok) {
    const description = parsed.reason === 'syntax' ? 'body is not JSON' : 'body must be a JSON object';
    return { status: 400, body: { error: 'invalid_request', error_description: description } };
  }
  return { status: 201, body: { ...parsed.value, id: `inv_${Date.now().toString(36)}` } };
}

async function authorize(state: ApiState, req: http.IncomingMessage, scope: string): Promise<void> {
  const failOpen = state.faults.find((fault) => fault.kind === 'fail_open')?.accepts;
  if (failOpen === 'anything') return;
  const header = req.headers.authorization;
  if (!header) throw new BearerError(401, undefined);
  const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!match) throw new BearerError(401, 'invalid_token', 'the Authorization header is not a Bearer token');
  const token = match[2]!;
  if (failOpen && acceptsWithoutVerifying(failOpen, token)) return;
  // RFC 9449 §7.1: a DPoP-scheme request carries a proof of the key the token is bound to.
  const proofKey = /^dpop$/i.test(match[1]!) ? await verifyDpopProof(req, token) : undefined;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await state.keys.current(), {
      issuer: state.options.issuer,
      audience: state.options.audience,
      clockTolerance: 5,
    }));
  } catch (error) {
    if (isKeySourceFailure(error)) throw new KeySourceError({ cause: error });
    throw new BearerError(401, 'invalid_token', describeJoseError(error));
  }
  const jkt = (payload.cnf as { jkt?: unknown } | undefined)?.jkt;
  if (jkt !== undefined && jkt !== proofKey) {
    throw new BearerError(
      401,
      'invalid_token',
      proofKey
        ? 'the DPoP proof key is not the one the token is bound to'
        : 'a DPoP-bound token must be presented with the DPoP scheme and a proof',
    );
  }
  const granted = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
  const required = [scope, ...requireScopeFault(state.faults)];
  const missing = required.filter((candidate) => !granted.has(candidate));
  if (missing.length > 0) {
    throw new BearerError(403, 'insufficient_scope', `the token lacks scope ${missing.join(' ')}`, required.join(' '));
  }
}

/**
 * Verifies the DPoP proof of a request (RFC 9449 §4.3) and returns the JWK thumbprint of its key.
 * A bad proof is `invalid_dpop_proof` in a DPoP challenge (§7.1).
 */
async function verifyDpopProof(req: http.IncomingMessage, token: string): Promise<string> {
  const proof = req.headers.dpop;
  const refuse = (why: string) => new BearerError(401, 'invalid_dpop_proof', why, undefined, 'DPoP');
  if (typeof proof !== 'string') throw refuse('no DPoP proof');
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: 60, clockTolerance: 5 });
  } catch (error) {
    throw refuse(`the proof does not verify (${describeJoseError(error)})`);
  }
  const { payload, protectedHeader } = verified;
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const htu = `${secure ? 'https' : 'http'}://${req.headers.host}${(req.url ?? '/').split('?')[0]}`;
  if (payload.htm !== req.method) throw refuse('htm does not match the request method');
  if (payload.htu !== htu) throw refuse('htu does not match the request URL');
  if (payload.ath !== createHash('sha256').update(token).digest('base64url'))
    throw refuse('ath does not match the token');
  return calculateJwkThumbprint(protectedHeader.jwk!, 'sha256');
}

/** The broken validation of a `fail_open` fault: whether it lets this token through unverified. */
function acceptsWithoutVerifying(mode: 'any_bearer' | 'unverified_signature' | 'alg_none', token: string): boolean {
  if (mode === 'any_bearer') return true;
  try {
    decodeJwt(token);
  } catch {
    return false;
  }
  return mode === 'unverified_signature' || decodeProtectedHeader(token).alg === 'none';
}

function challenge(error: BearerError): Reply {
  const params = [`realm="${REALM}"`];
  if (error.code) params.push(`error="${error.code}"`);
  if (error.code && error.description) params.push(`error_description="${error.description.replace(/["\\]/g, "'")}"`);
  if (error.scope) params.push(`scope="${error.scope}"`);
  const body: Json = error.code
    ? { error: error.code, ...(error.description ? { error_description: error.description } : {}) }
    : { error: 'unauthorized' };
  return { status: error.status, headers: { 'www-authenticate': `${error.scheme} ${params.join(', ')}` }, body };
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
