/**
 * The local authorization server: a real oidc-provider with the client_credentials grant, JWT access
 * tokens for one audience (RFC 8707 / RFC 9068) and the four client authentication methods, behind a
 * thin node http(s) server that injects faults.
 *
 * Why a wrapper and not Koa middleware for every fault: `hang`, `reset` and `delay` act on the socket
 * before oidc-provider sees the request; only the two `mutate_*` faults need the real response, and those
 * run as provider middleware.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { Adapter, AdapterPayload, KoaContextWithOIDC, Provider as ProviderClass } from 'oidc-provider';
import type { ClientAuthMethod } from '../../functions/config/schema.js';
import { isRecord } from '../../functions/guards.js';
import { closeNow, Delays, listenOnLoopback, trackSockets } from './connections.js';
import type {
  AuthorizationServerFault,
  AuthorizationServerOptions,
  LocalAuthorizationServer,
  LocalClientRegistration,
  RequestCounts,
  SigningAlgorithm,
} from './types.js';

/** Scopes the server knows besides those of the registered clients. */
export const DEFAULT_SCOPES = ['billing:read', 'billing:write'] as const;
/** @default 300 */
export const DEFAULT_ACCESS_TOKEN_TTL_SEC = 300;

export const TOKEN_PATH = '/token';
export const JWKS_PATH = '/jwks';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** RFC 8414 §3's well-known path (for an issuer without a path component): oidc-provider serves the same document. */
export const RFC8414_PATH = '/.well-known/oauth-authorization-server';
/** oidc-provider's default route for RFC 7662 introspection. */
export const INTROSPECTION_PATH = '/token/introspection';

/**
 * ES256 by default: a P-256 key takes under a millisecond where an RSA key takes 100-600 ms on a small
 * machine, and every server and rotation gets a fresh key. `signingAlg: 'RS256'` for the common real-world case.
 */
export const DEFAULT_SIGNING_ALG: SigningAlgorithm = 'ES256';

/** Stored rows per model before expired ones are swept. */
const PRUNE_AT = 1_000;

type OidcProviderModule = typeof import('oidc-provider');
type Route = 'token' | 'discovery' | 'jwks' | 'other';
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let oidcProviderModule: Promise<OidcProviderModule> | undefined;

/**
 * oidc-provider prints "Unsupported runtime" on import under Node 20 (it targets 22+ but runs on 20.18+).
 * That notice is noise in every test run and in the demo, so it alone is dropped, once, at import.
 */
function loadOidcProvider(): Promise<OidcProviderModule> {
  oidcProviderModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return oidcProviderModule;
}

const spareRsaKeys = new Map<SigningAlgorithm, Promise<Record<string, unknown>>>();

/**
 * Every server, and every rotation, gets a key of its own: a token from one local server must never verify
 * against another's JWKS. RSA keys are slow to make, so one spare per algorithm is made ahead.
 */
function takeSigningKey(alg: SigningAlgorithm): Promise<Record<string, unknown>> {
  if (alg === 'ES256' || alg === 'EdDSA') return generateSigningKey(alg);
  const key = spareRsaKeys.get(alg) ?? generateSigningKey(alg);
  const spare = generateSigningKey(alg);
  spare.catch(() => {
    if (spareRsaKeys.get(alg) === spare) spareRsaKeys.delete(alg);
  });
  spareRsaKeys.set(alg, spare);
  return key;
}

async function generateSigningKey(alg: SigningAlgorithm): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}

/** What the running server's request path reads; `handler` is replaced on a key rotation. */
interface ServerState {
  readonly faults: AuthorizationServerFault[];
  readonly delays: Delays;
  /** Requests received per endpoint, faults included (what a provider would meter). */
  readonly counts: RequestCounts;
  handler?: Handler;
}

/** What oidc-provider is configured with, fixed for the server's life (keys aside). */
interface ProviderSettings {
  issuer: string;
  audience: string;
  scopes: string[];
  ttlSec: number;
  signingAlg: SigningAlgorithm;
  tls: boolean;
  adapter: (name: string) => Adapter;
  faults: readonly AuthorizationServerFault[];
  accessTokenFormat: 'jwt' | 'opaque';
  requireDpopNonce: boolean;
  certificateBoundAccessTokens: boolean;
}

/**
 * Starts the authorization server on 127.0.0.1.
 * @example
 * const as = await startAuthorizationServer({
 *   audience: 'https://api.example.test',
 *   clients: [{ clientId: 'probe-basic', authMethod: 'client_secret_basic', clientSecret: 's3cr3t', scopes: ['billing:read'] }],
 * });
 */
export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<LocalAuthorizationServer> {
  const oidc = await loadOidcProvider();
  const clients = registerClients(options);
  const scopes = [...new Set([...(options.scopes ?? DEFAULT_SCOPES), ...options.clients.flatMap((c) => c.scopes)])];
  const state: ServerState = {
    faults: [],
    delays: new Delays(),
    counts: { token: 0, discovery: 0, jwks: 0, introspection: 0, other: 0 },
  };
  const server = createServer(options, state);
  const sockets = trackSockets(server);
  const port = await listenOnLoopback(server, options.port ?? 0);
  const issuer = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const settings: ProviderSettings = {
    issuer,
    audience: options.audience,
    scopes,
    ttlSec: options.accessTokenTtlSec ?? DEFAULT_ACCESS_TOKEN_TTL_SEC,
    signingAlg: options.signingAlg ?? DEFAULT_SIGNING_ALG,
    tls: Boolean(options.tls),
    // Stored grants and replay-detection entries (jti of client assertions) survive a key rotation.
    adapter: memoryAdapter(clients, options.certificateBoundAccessTokens === true),
    faults: state.faults,
    accessTokenFormat: options.accessTokenFormat ?? 'jwt',
    requireDpopNonce: options.requireDpopNonce === true,
    certificateBoundAccessTokens: options.certificateBoundAccessTokens === true,
  };
  // oidc-provider fixes its keystore at construction: a new provider replaces the old one in place.
  const newHandler = async () =>
    buildProvider(oidc, settings, await takeSigningKey(settings.signingAlg)).callback() as Handler;
  try {
    state.handler = await newHandler();
  } catch (error) {
    // A configuration oidc-provider refuses must not leave the port open.
    await closeNow(server, sockets);
    throw error;
  }
  const registration = (clientId: string): LocalClientRegistration => {
    const client = clients.get(clientId);
    if (!client) throw new TypeError(`unknown clientId "${clientId}"`);
    return client;
  };
  let closed: Promise<void> | undefined;
  return {
    issuer,
    tokenUrl: `${issuer}${TOKEN_PATH}`,
    jwksUri: `${issuer}${JWKS_PATH}`,
    port,
    setClientSecret(clientId, secret) {
      registration(clientId).clientSecret = secret;
    },
    setClientScopes(clientId, newScopes) {
      const unknown = newScopes.filter((scope) => !scopes.includes(scope));
      if (unknown.length > 0) {
        throw new TypeError(
          `unknown scope(s) ${unknown.join(', ')}: pass them in the "scopes" option when starting the server`,
        );
      }
      registration(clientId).scopes = [...newScopes];
    },
    async rotateSigningKeys() {
      state.handler = await newHandler();
    },
    injectFault(fault) {
      if (fault.kind === 'tls_certificate') serveCertificate(server, options, fault);
      state.faults.push(fault);
    },
    requestCounts() {
      return { ...state.counts };
    },
    clearFaults() {
      if (state.faults.some((fault) => fault.kind === 'tls_certificate')) serveCertificate(server, options);
      state.faults.length = 0;
      state.delays.releaseAll();
    },
    close() {
      if (!closed) {
        state.faults.length = 0;
        closed = closeNow(server, sockets);
        state.delays.releaseAll();
      }
      return closed;
    },
  };
}

/** The registered clients by id (copies: the server changes them on rotation), checked for consistency. */
function registerClients(options: AuthorizationServerOptions): Map<string, LocalClientRegistration> {
  const clients = new Map<string, LocalClientRegistration>();
  for (const client of options.clients) {
    if (clients.has(client.clientId)) throw new TypeError(`duplicate clientId "${client.clientId}"`);
    if (client.authMethod === 'tls_client_auth' && !options.tls) {
      throw new TypeError(`client "${client.clientId}" uses tls_client_auth, which needs the server's "tls" option`);
    }
    if (client.authMethod === 'tls_client_auth' && !client.tlsSubjectDn) {
      throw new TypeError(
        `client "${client.clientId}" uses tls_client_auth: give its "tlsSubjectDn", e.g. "CN=probe-client"`,
      );
    }
    clients.set(client.clientId, structuredClone(client));
  }
  return clients;
}

/** The http(s) server in front of oidc-provider: faults act here, on the socket, before the provider. */
function createServer(options: AuthorizationServerOptions, state: ServerState): http.Server {
  const server = options.tls
    ? https.createServer({
        key: options.tls.key,
        cert: options.tls.cert,
        ca: options.tls.clientCa,
        requestCert: true,
        rejectUnauthorized: false,
      })
    : http.createServer();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handleRequest(state, req, res).catch((error: unknown) => {
      if (req.socket.destroyed) return;
      console.error('local authorization server: request failed', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"server_error"}');
      } else res.destroy();
    });
  });
  // A client that drops a TLS handshake (expired-certificate tests) must not surface as an error here.
  server.on('tlsClientError', () => {});
  return server;
}

/**
 * `tls_certificate`: new connections get this certificate (or, without one, the server's own again);
 * open ones keep theirs, as after a real certificate swap.
 */
function serveCertificate(
  server: http.Server,
  options: AuthorizationServerOptions,
  certificate?: { cert: string; key: string },
): void {
  if (!options.tls) throw new TypeError('a tls_certificate fault needs an HTTPS server (the "tls" option)');
  (server as https.Server).setSecureContext({
    key: certificate?.key ?? options.tls.key,
    cert: certificate?.cert ?? options.tls.cert,
    ca: options.tls.clientCa,
  });
}

/** The faults in the order they act: reset or hang end the request, delays hold it, respond replaces the answer. */
async function handleRequest(state: ServerState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const route = routeOf(req.url);
  state.counts[endpointOf(req.url)] += 1;
  const ended = state.faults.some(
    (fault) =>
      (fault.kind === 'reset' && resetFault(fault, route, req)) || (fault.kind === 'hang' && hangFault(fault, route)),
  );
  if (ended) return;
  for (const fault of state.faults) {
    if (fault.kind === 'delay') await delayFault(fault, route, state.delays);
  }
  if (req.socket.destroyed) return;
  for (const fault of state.faults) {
    if (fault.kind === 'respond' && respondFault(fault, route, req, res)) return;
  }
  state.handler?.(req, res);
}

type FaultOf<K extends AuthorizationServerFault['kind']> = Extract<AuthorizationServerFault, { kind: K }>;

/** `reset`: the connection is torn down as the request arrives (ECONNRESET at the client). */
function resetFault(fault: FaultOf<'reset'>, route: Route, req: http.IncomingMessage): boolean {
  if (!appliesTo(fault.path, route)) return false;
  resetSocket(req.socket);
  return true;
}

/** `hang`: the request is read and never answered; close() destroys the socket. */
function hangFault(fault: FaultOf<'hang'>, route: Route): boolean {
  return appliesTo(fault.path, route);
}

/** `delay`: the answer is held this long (released at once by clearFaults/close). */
async function delayFault(fault: FaultOf<'delay'>, route: Route, delays: Delays): Promise<void> {
  if (appliesTo(fault.path, route)) await delays.wait(fault.ms);
}

/** `respond`: a canned answer replaces the provider's, on its route (the token endpoint by default). */
function respondFault(
  fault: FaultOf<'respond'>,
  route: Route,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): boolean {
  if ((fault.path ?? 'token') !== route) return false;
  req.resume();
  res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
  res.end(fault.body);
  return true;
}

/** `mutate_token_response` / `mutate_discovery` / `mutate_introspection`: the provider's real JSON answer, changed by the test. */
function mutateFault(
  fault: FaultOf<'mutate_token_response'> | FaultOf<'mutate_discovery'> | FaultOf<'mutate_introspection'>,
  path: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const targets = {
    mutate_token_response: [TOKEN_PATH],
    mutate_discovery: [DISCOVERY_PATH, RFC8414_PATH],
    mutate_introspection: [INTROSPECTION_PATH],
  }[fault.kind];
  return targets.includes(path) ? fault.mutate(body) : body;
}

/**
 * oidc-provider's storage, in memory. Clients are read from the registry at every request, so secret
 * and scope changes apply at once; everything else lives in one table per model.
 */
function memoryAdapter(
  clients: Map<string, LocalClientRegistration>,
  certificateBound: boolean,
): (name: string) => Adapter {
  const storage = new Map<string, Map<string, { payload: AdapterPayload; expiresAt: number }>>();
  // A function, not an arrow: oidc-provider calls it with `new`.
  return function adapterFor(name: string): Adapter {
    let rows = storage.get(name);
    if (!rows) {
      rows = new Map();
      storage.set(name, rows);
    }
    const table = tableAdapter(rows);
    if (name !== 'Client') return table;
    return {
      ...table,
      async find(id) {
        const client = clients.get(id);
        return client ? clientMetadata(client, certificateBound) : undefined;
      },
    };
  };
}

function tableAdapter(rows: Map<string, { payload: AdapterPayload; expiresAt: number }>): Adapter {
  const live = (id: string) => {
    const row = rows.get(id);
    if (row && row.expiresAt <= Date.now()) rows.delete(id);
    return rows.get(id)?.payload;
  };
  return {
    async upsert(id, payload, expiresIn) {
      const now = Date.now();
      // Benchmarks send thousands of client assertions; their replay entries must not pile up.
      if (rows.size >= PRUNE_AT) for (const [key, row] of rows) if (row.expiresAt <= now) rows.delete(key);
      rows.set(id, { payload, expiresAt: expiresIn ? now + expiresIn * 1000 : Number.POSITIVE_INFINITY });
    },
    async find(id) {
      return live(id);
    },
    async findByUserCode(userCode) {
      for (const [id, row] of rows) if (row.payload.userCode === userCode) return live(id);
      return undefined;
    },
    async findByUid(uid) {
      for (const [id, row] of rows) if (row.payload.uid === uid) return live(id);
      return undefined;
    },
    async consume(id) {
      const row = rows.get(id);
      if (row) row.payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      rows.delete(id);
    },
    async revokeByGrantId(grantId) {
      for (const [id, row] of rows) if (row.payload.grantId === grantId) rows.delete(id);
    },
  };
}

function clientMetadata(client: LocalClientRegistration, certificateBound: boolean): AdapterPayload {
  return {
    client_id: client.clientId,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: client.authMethod,
    // An empty scope would mean "no restriction" to oidc-provider; "openid" is never granted here.
    scope: client.scopes.length > 0 ? client.scopes.join(' ') : 'openid',
    ...(client.clientSecret !== undefined ? { client_secret: client.clientSecret } : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.authMethod === 'tls_client_auth' ? { tls_client_auth_subject_dn: client.tlsSubjectDn } : {}),
    ...(client.authMethod === 'tls_client_auth' && certificateBound
      ? { tls_client_certificate_bound_access_tokens: true }
      : {}),
  };
}

function buildProvider(
  { Provider, errors }: OidcProviderModule,
  settings: ProviderSettings,
  signingKey: Record<string, unknown>,
): ProviderClass {
  const clientAuthMethods: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
  if (settings.tls) clientAuthMethods.push('tls_client_auth');
  const provider = new Provider(settings.issuer, {
    adapter: settings.adapter,
    clientAuthMethods,
    // oidc-provider checks every client's ID token algorithm against the keystore, even with no ID tokens.
    clientDefaults: { id_token_signed_response_alg: settings.signingAlg },
    scopes: ['openid', ...settings.scopes],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomKey()] },
    ttl: { ClientCredentials: settings.ttlSec },
    clientBasedCORS: () => false,
    renderError: (ctx, out) => {
      ctx.body = out;
    },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: resourceIndicators(settings, errors),
      mTLS: mutualTls(settings.tls, settings.certificateBoundAccessTokens),
      // Any authenticated client may introspect here (a resource server usually has its own client).
      introspection: { enabled: true, allowedPolicy: async () => true },
      // DPoP is on by default in oidc-provider; a nonce is demanded only when asked for (RFC 9449 §8).
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => settings.requireDpopNonce },
    },
  });
  // oidc-provider answers (and, with DEBUG=oidc-provider:*, logs) its own errors; what still reaches Koa's
  // default handler, and is printed, is a bug here or in a test's mutate function.
  provider.use(async (ctx, next) => {
    await next();
    const original = ctx.body;
    if (ctx.status !== 200 || !isRecord(original)) return;
    let body: Record<string, unknown> = original;
    for (const fault of settings.faults) {
      if (
        fault.kind === 'mutate_token_response' ||
        fault.kind === 'mutate_discovery' ||
        fault.kind === 'mutate_introspection'
      ) {
        body = mutateFault(fault, ctx.path, body);
      }
    }
    ctx.body = body;
  });
  return provider;
}

/** JWT access tokens for the one audience (RFC 8707 resource indicators, RFC 9068 format). */
function resourceIndicators(settings: ProviderSettings, errors: OidcProviderModule['errors']) {
  return {
    enabled: true,
    defaultResource: async () => settings.audience,
    useGrantedResource: async () => false,
    getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string) => {
      if (resourceIndicator !== settings.audience) {
        throw new errors.InvalidTarget(
          `unknown resource indicator; this server issues tokens for ${settings.audience}`,
        );
      }
      // `audience` fault: the token names another API (what a mistyped audience at the provider does).
      const issued = settings.faults.find((fault) => fault.kind === 'audience');
      return {
        scope: settings.scopes.join(' '),
        audience: issued?.kind === 'audience' ? issued.audience : settings.audience,
        accessTokenFormat: settings.accessTokenFormat,
        accessTokenTTL: settings.ttlSec,
        jwt: { sign: { alg: settings.signingAlg } },
      };
    },
  };
}

/** tls_client_auth (RFC 8705 §2.1): the subject DN of the client certificate identifies the client. */
function mutualTls(enabled: boolean, certificateBoundAccessTokens: boolean) {
  return {
    enabled,
    tlsClientAuth: enabled,
    certificateBoundAccessTokens,
    getCertificate: (ctx: KoaContextWithOIDC) => peerCertificate(ctx.socket)?.toString(),
    certificateAuthorized: (ctx: KoaContextWithOIDC) => (ctx.socket as TLSSocket).authorized === true,
    certificateSubjectMatches: (ctx: KoaContextWithOIDC, property: string, expected: string) =>
      property === 'tls_client_auth_subject_dn' &&
      normalizeDn(peerCertificate(ctx.socket)?.subject ?? '') === normalizeDn(expected),
  };
}

/** The endpoint a request is counted under (both discovery documents count as discovery). */
function endpointOf(url: string | undefined): keyof RequestCounts {
  const path = (url ?? '/').split('?')[0];
  if (path === TOKEN_PATH) return 'token';
  if (path === DISCOVERY_PATH || path === RFC8414_PATH) return 'discovery';
  if (path === JWKS_PATH) return 'jwks';
  if (path === INTROSPECTION_PATH) return 'introspection';
  return 'other';
}

function routeOf(url: string | undefined): Route {
  const path = (url ?? '/').split('?')[0];
  if (path === TOKEN_PATH) return 'token';
  if (path === DISCOVERY_PATH) return 'discovery';
  if (path === JWKS_PATH) return 'jwks';
  return 'other';
}

function appliesTo(path: 'token' | 'all' | undefined, route: Route): boolean {
  return path === 'all' || route === 'token';
}

/**
 * Plain TCP: sends an RST (ECONNRESET at the client). TLS: destroys the socket (the client sees the
 * connection close mid-request); resetting the TCP socket under a live TLS session upsets node's
 * connection tracking.
 */
function resetSocket(socket: Socket): void {
  if (!(socket as Partial<TLSSocket>).encrypted && typeof socket.resetAndDestroy === 'function') {
    socket.resetAndDestroy();
    return;
  }
  socket.destroy();
}

function peerCertificate(socket: Socket): X509Certificate | undefined {
  const tlsSocket = socket as Partial<TLSSocket>;
  if (typeof tlsSocket.getPeerCertificate !== 'function') return undefined;
  const peer = tlsSocket.getPeerCertificate();
  if (!peer?.raw) return undefined;
  return new X509Certificate(peer.raw);
}

/** "CN=a\nO=b" (node) and "CN=a, O=b" (registration) compare equal. */
function normalizeDn(dn: string): string {
  return dn
    .split(/\n|,\s*/)
    .map((part) => part.trim())
    .filter(Boolean)
    .join(',');
}

function randomKey(): string {
  return globalThis.crypto
    .getRandomValues(new Uint8Array(32))
    .reduce((s, b) => s + b.toString(16).padStart(2, '0'), '');
}
