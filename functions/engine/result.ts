/**
 * The result of a probe run: the public contract that the CLI (`--json`), the Lambda log line, the
 * metrics and the notifications all speak. Fields are only ever added, never renamed.
 */

export const STATUSES = ['pass', 'degraded', 'fail'] as const;
export type ProbeStatus = (typeof STATUSES)[number];

export const STAGES = ['config', 'credentials', 'discovery', 'token', 'token_validation', 'api'] as const;
export type Stage = (typeof STAGES)[number];

/** Transport failures, possible at any stage that makes a request. */
export const TRANSPORT_CODES = [
  'dns_failure',
  'connection_refused',
  'connection_error',
  'timeout',
  'tls_error',
] as const;

export const CODES_BY_STAGE = {
  config: ['invalid_config'],
  credentials: [
    'secret_not_found',
    'secret_malformed',
    'secret_access_denied',
    'credentials_expired',
    // The secret store itself could not be reached or throttled us and no cached copy was in hand:
    // a failure of the probe's own infrastructure, never "the authorization server is down".
    'secret_unavailable',
  ],
  discovery: ['discovery_failed', 'issuer_mismatch'],
  token: [
    'invalid_client',
    'invalid_scope',
    'invalid_request',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_target',
    'oauth_error',
    'rate_limited',
    'server_error',
    'unexpected_status',
    'malformed_response',
    // RFC 9449: the server refused the DPoP proof (invalid_dpop_proof, or a nonce still wanted after the retry).
    'dpop_rejected',
  ],
  token_validation: [
    'missing_access_token',
    // RFC 6750 §2.1: the access_token has characters a bearer token cannot carry (CR, LF, non-ASCII).
    'malformed_access_token',
    'unsupported_token_type',
    'invalid_expires_in',
    'scope_not_granted',
    'jwt_malformed',
    'jwt_signature_invalid',
    'jwt_expired',
    'jwt_not_yet_valid',
    'jwt_issuer_mismatch',
    'jwt_audience_mismatch',
    'jwt_claim_invalid',
    'jwks_unavailable',
    // RFC 7662 introspection: the server says the token is not active, or the introspection call failed.
    'token_inactive',
    'introspection_failed',
    // tokenBinding: the token is not bound as configured (a Bearer token, or cnf.jkt / cnf.x5t#S256 missing or wrong).
    'token_not_bound',
  ],
  api: [
    'invalid_token',
    'insufficient_scope',
    'unauthorized',
    'forbidden',
    'rate_limited',
    'server_error',
    'unexpected_status',
    'assertion_failed',
    // Fail-open detection (`rejects`): the API accepted a request it must refuse. A security finding.
    'accepts_invalid_token',
    'dpop_rejected',
  ],
} as const satisfies Record<Stage, readonly string[]>;

/** The code of a degraded run: the stage and step that were slow. */
export const DEGRADED_CODE = 'slow_response';
/** The run as a whole ran past its deadline (reported as `timeout` at the stage it was in). */

export type ResultCode =
  | (typeof TRANSPORT_CODES)[number]
  | (typeof CODES_BY_STAGE)[Stage][number]
  | typeof DEGRADED_CODE
  | 'internal_error';

/** Every code, for documentation and for tests that each one is produced. */
export const ALL_CODES: readonly ResultCode[] = [
  ...new Set<ResultCode>([
    ...TRANSPORT_CODES,
    ...Object.values(CODES_BY_STAGE).flat(),
    DEGRADED_CODE,
    'internal_error',
  ]),
];

/** Phase timings of one HTTP exchange, in milliseconds. A phase that did not happen is absent. */
export interface ExchangeTimings {
  /** DNS lookup (0 or absent for an IP literal). */
  dnsMs?: number;
  /** TCP connect. */
  connectMs?: number;
  /** TLS handshake. */
  tlsMs?: number;
  /** From sending the request to the first response byte (server time plus one round trip). */
  firstByteMs?: number;
  /** From start to the end of the body (or to the failure). */
  totalMs: number;
}

export interface Exchange {
  /** `discovery`, `jwks`, `token`, or the step name. */
  name: string;
  method: string;
  /** The URL without userinfo; query strings are kept (they must not carry secrets). */
  url: string;
  /** HTTP status, or null when no response came back. */
  status: number | null;
  timings: ExchangeTimings;
  /** Days until the TLS peer certificate expires (TLS only). */
  certDaysLeft?: number;
  /** The result code when this exchange is where the run broke. */
  code?: ResultCode;
}

export interface Warning {
  /** Stable, e.g. `expires_in_missing`, `cache_control_missing`, `refresh_token_issued`. */
  code: string;
  message: string;
}

/** A summary of the token, never the token itself. */
export interface TokenSummary {
  /** `token_type` as sent, e.g. "Bearer". */
  type: string | null;
  /** `expires_in` in seconds, when sent. */
  expiresIn: number | null;
  /** Granted scopes (response `scope`, else the JWT's `scope`/`scp`). */
  scopes: string[];
  /** `jwt` when it parses as a JWS compact serialization, else `opaque`. */
  format: 'jwt' | 'opaque';
  /**
   * True when this run reused the token an earlier run of the probe obtained in the same warm instance
   * (`token.reuse`): no token request, discovery, JWKS or introspection was made, and this summary is the
   * one of the run that obtained it. False when this run requested the token.
   */
  reused: boolean;
  /** The JWT claims that matter for diagnosis (iss, aud, sub, client_id, scope, exp, iat, kid, alg). */
  claims?: {
    iss?: string;
    aud?: string | string[];
    sub?: string;
    client_id?: string;
    scope?: string;
    exp?: number;
    iat?: number;
    kid?: string;
    alg?: string;
    typ?: string;
  };
}

export interface ProbeResult {
  probe: string;
  status: ProbeStatus;
  /** Where it broke (or was slow); null on pass. */
  stage: Stage | null;
  /** The API step where it broke (or was slow); null otherwise. */
  step: string | null;
  code: ResultCode | null;
  /** What happened, one line, e.g. `token endpoint answered 401 invalid_client`. */
  message: string | null;
  /** The likely cause and what to check, one line. */
  hint: string | null;
  /** HTTP status of the exchange where it broke, when there was one. */
  httpStatus: number | null;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  exchanges: Exchange[];
  token: TokenSummary | null;
  warnings: Warning[];
  /** Days until the credential (secret `expires_at` or client certificate notAfter) expires, when known. */
  credentialDaysLeft?: number;
}
