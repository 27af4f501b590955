/**
 * The local authorization server and protected API that the tests, the demo (`npm start`) and the
 * benchmarks run on 127.0.0.1. The authorization server is a real one (oidc-provider); faults are
 * injected by configuring the servers, never by hand-made responses to the classifier.
 *
 * Implemented in ./authorization-server.ts and ./resource-server.ts; certificates in ./certificates.ts.
 */
import type { ClientAuthMethod } from '../../functions/config/schema.js';

/** PEM material for a TLS server (and, for mTLS, the CA that signs client certificates). */
export interface TlsMaterial {
  /** Server private key, PEM. */
  key: string;
  /** Server certificate chain, PEM. */
  cert: string;
  /** CA certificate that signed `cert` (what a client must trust), PEM. */
  ca: string;
}

export interface LocalClientRegistration {
  clientId: string;
  authMethod: ClientAuthMethod;
  /** client_secret_basic / client_secret_post. */
  clientSecret?: string;
  /** private_key_jwt: the client's public JWKS. */
  jwks?: { keys: Record<string, unknown>[] };
  /** tls_client_auth: the subject DN the client certificate must carry, e.g. "CN=probe-client". */
  tlsSubjectDn?: string;
  /** Scopes this client may be granted. */
  scopes: string[];
}

export interface AuthorizationServerOptions {
  clients: LocalClientRegistration[];
  /** Audience (RFC 8707 resource indicator) of the protected API; access tokens are JWTs for it. */
  audience: string;
  /** Access token lifetime in seconds. @default 300 */
  accessTokenTtlSec?: number;
  /** Serve over HTTPS (required for tls_client_auth; client certificates are requested, not required). */
  tls?: TlsMaterial & { clientCa?: string };
  /** @default 0 (a free port) */
  port?: number;
  /**
   * Every scope the server knows (oidc-provider fixes its scope list at start). A request for one of these
   * that the client may not have gets `invalid_scope`; `setClientScopes` accepts only these.
   * @default the clients' scopes plus "billing:read" and "billing:write"
   */
  scopes?: string[];
  /** RFC 9449 §8: answer token requests without a DPoP nonce with `use_dpop_nonce`. @default false */
  requireDpopNonce?: boolean;
  /** RFC 8705 §3: bind the tls_client_auth clients' tokens to their certificate (`cnf["x5t#S256"]`). @default false */
  certificateBoundAccessTokens?: boolean;
  /** `opaque` issues reference tokens (for RFC 7662 introspection at /token/introspection). @default "jwt" */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** Algorithm of the access-token signing key (a fresh key per server and per rotation). @default "ES256" */
  signingAlg?: SigningAlgorithm;
}

/** Algorithms the local authorization server can sign access tokens with. */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** A fault the authorization server injects until cleared. Applies to the token endpoint unless `path` says otherwise. */
export type AuthorizationServerFault =
  /** Hold every response this long before answering. */
  | { kind: 'delay'; ms: number; path?: 'token' | 'all' }
  /** Answer with this status, headers and body instead of the real response. */
  | {
      kind: 'respond';
      status: number;
      body: string;
      headers?: Record<string, string>;
      path?: 'token' | 'discovery' | 'jwks';
    }
  /** Take the real token response JSON and change it (drop access_token, set token_type "mac", ...). */
  | { kind: 'mutate_token_response'; mutate: (body: Record<string, unknown>) => Record<string, unknown> }
  /** Change the discovery document (e.g. a different issuer). */
  | { kind: 'mutate_discovery'; mutate: (body: Record<string, unknown>) => Record<string, unknown> }
  /** Change the RFC 7662 introspection response (e.g. `active: false`). */
  | { kind: 'mutate_introspection'; mutate: (body: Record<string, unknown>) => Record<string, unknown> }
  /** Issue access tokens for this audience instead of the configured one (a probe expecting the real one: jwt_audience_mismatch). */
  | { kind: 'audience'; audience: string }
  /** Serve this certificate (e.g. `createExpiredServerCert(pki.ca)`) instead of the server's own; HTTPS only. */
  | { kind: 'tls_certificate'; cert: string; key: string }
  /** Accept the connection and never answer. */
  | { kind: 'hang'; path?: 'token' | 'all' }
  /** Destroy the socket as soon as a request arrives. */
  | { kind: 'reset'; path?: 'token' | 'all' };

export interface LocalAuthorizationServer {
  /** e.g. http://127.0.0.1:PORT (no trailing slash): exactly what discovery returns as `issuer`. */
  readonly issuer: string;
  readonly tokenUrl: string;
  readonly jwksUri: string;
  readonly port: number;
  /** Rotate (or set) a client's secret: the old one stops working at once. */
  setClientSecret(clientId: string, secret: string): void;
  /** Change the scopes a client may be granted. */
  setClientScopes(clientId: string, scopes: string[]): void;
  /** Replace the signing keys; the old keys are no longer published in the JWKS. */
  rotateSigningKeys(): Promise<void>;
  /** Inject a fault until `clearFaults()` (several may be active at once). */
  injectFault(fault: AuthorizationServerFault): void;
  clearFaults(): void;
  /** Requests received so far per endpoint, answered or faulted: what a provider would count or rate-limit. */
  requestCounts(): RequestCounts;
  close(): Promise<void>;
}

/** Requests per endpoint of the local authorization server (both discovery documents count as `discovery`). */
export interface RequestCounts {
  token: number;
  discovery: number;
  jwks: number;
  introspection: number;
  other: number;
}

export interface ResourceServerOptions {
  /** Issuer the API expects in tokens (the authorization server's issuer). */
  issuer: string;
  /** Where the API fetches the signing keys. */
  jwksUri: string;
  /** Audience the API expects. */
  audience: string;
  /** @default 0 */
  port?: number;
  tls?: TlsMaterial;
  /** CA to trust when fetching `jwksUri` over HTTPS. @default tls.ca */
  jwksCa?: string;
}

/** A fault the protected API injects until cleared. */
export type ResourceServerFault =
  /** Hold every response this long. */
  | { kind: 'delay'; ms: number }
  /** Answer every request with this status and body (e.g. 503 while "down"). */
  | { kind: 'respond'; status: number; body: string; headers?: Record<string, string> }
  /** Stop refreshing the JWKS: after a key rotation the API rejects new tokens (invalid_token). */
  | { kind: 'stale_keys' }
  /** Require this extra scope on every route (insufficient_scope for clients without it). */
  | { kind: 'require_scope'; scope: string }
  /** Close the listening port: connection refused. `clearFaults()` opens it again on the same port. */
  | { kind: 'down' }
  /** Read every request and never answer (close() and clearFaults() end the waiting connections). */
  | { kind: 'hang' }
  /**
   * Stop validating tokens, as a broken deployment would (for fail-open detection, `steps[].rejects`):
   * `anything` serves every request, even without a token; `any_bearer` any bearer token at all;
   * `unverified_signature` any JWT that decodes (the signature is not checked); `alg_none` also accepts
   * unsigned JWTs (`alg: none`) while still verifying signed ones.
   */
  | { kind: 'fail_open'; accepts: 'anything' | 'any_bearer' | 'unverified_signature' | 'alg_none' };

/**
 * A small protected API that validates bearer tokens with jose and answers per RFC 6750 §3.1:
 * 401 + `WWW-Authenticate: Bearer error="invalid_token"` for a bad token, 403 + `error="insufficient_scope"`,
 * 401 with no error code when no token was sent.
 *
 * Routes:
 * - `GET /v1/invoices?limit=N` (scope `billing:read`): `{ "data": [{ "id": "inv_1", "amount": 100 }, ...] }`
 * - `GET /v1/invoices/:id` (scope `billing:read`): `{ "id": ":id", "amount": 100 }`, 404 for unknown ids
 * - `POST /v1/invoices` (scope `billing:write`): echoes the JSON body with an id, 201
 * - `GET /health` (no scope): `{ "status": "ok" }`
 * - `GET /redirect?to=URL` (no scope): 302 to URL
 */
export interface LocalResourceServer {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /**
   * Inject a fault until `clearFaults()`; resolves once it is in effect (`stale_keys`: the keys are
   * frozen; `down`: the port is closed), so that a caller can act on it at once.
   */
  injectFault(fault: ResourceServerFault): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}
