/**
 * The one place that maps what went wrong (a transport error, an HTTP response, a jose error) to a
 * stable result code. Callers keep the original error as `cause`; only the code and a short,
 * server-text-free detail come out of here.
 */

import { errors as joseErrors } from 'jose';
import { TimeoutAbort } from './http.js';
import type { ResultCode } from './result.js';
import { PROXY_TUNNEL_FAILED } from './tunnel.js';

export type TransportCode = 'dns_failure' | 'connection_refused' | 'connection_error' | 'timeout' | 'tls_error';

export interface TransportClassification {
  code: TransportCode;
  /** What happened, without server text, e.g. `connection refused (ECONNREFUSED)`. */
  detail: string;
  /** The Node/undici/OpenSSL error code that decided, when there was one. */
  errorCode?: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'EPROTO',
]);

/** Every `code` in the error, its causes and (for AggregateError) its errors, outermost first. */
function errorCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (!error || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const out: string[] = [];
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.push(code);
  if (error instanceof AggregateError) for (const inner of error.errors) out.push(...errorCodes(inner, seen));
  out.push(...errorCodes((error as { cause?: unknown }).cause, seen));
  return out;
}

function find(error: unknown, predicate: (e: unknown) => boolean, seen = new Set<unknown>()): unknown {
  if (!error || typeof error !== 'object' || seen.has(error)) return undefined;
  seen.add(error);
  if (predicate(error)) return error;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const hit = find(inner, predicate, seen);
      if (hit) return hit;
    }
  }
  return find((error as { cause?: unknown }).cause, predicate, seen);
}

/** Maps a failed request (no HTTP response) to a transport code. */
export function classifyTransport(error: unknown): TransportClassification {
  const abort = find(error, (e) => e instanceof TimeoutAbort) as TimeoutAbort | undefined;
  if (abort) {
    return {
      code: 'timeout',
      detail: abort.kind === 'deadline' ? 'the run deadline passed' : `no response within ${abort.ms} ms`,
    };
  }
  const codes = errorCodes(error);
  const pick = (set: Set<string>) => codes.find((c) => set.has(c));
  const dns = pick(DNS_CODES);
  if (dns) return { code: 'dns_failure', detail: `the host name did not resolve (${dns})`, errorCode: dns };
  const tls =
    pick(TLS_CODES) ??
    codes.find((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || c.startsWith('ERR_OSSL_'));
  if (tls) return { code: 'tls_error', detail: `TLS handshake failed (${tls})`, errorCode: tls };
  const timeout = pick(TIMEOUT_CODES);
  if (timeout) return { code: 'timeout', detail: `timed out (${timeout})`, errorCode: timeout };
  if (codes.includes('ECONNREFUSED')) {
    return { code: 'connection_refused', detail: 'connection refused (ECONNREFUSED)', errorCode: 'ECONNREFUSED' };
  }
  if (codes.includes(PROXY_TUNNEL_FAILED)) {
    // The proxy's own answer says why (e.g. `proxy http://p:3128 refused CONNECT host:443: HTTP/1.1 403`).
    const refusal = find(error, (e) => (e as { code?: unknown }).code === PROXY_TUNNEL_FAILED) as Error | undefined;
    return {
      code: 'connection_error',
      detail: refusal?.message ?? 'the proxy refused the tunnel',
      errorCode: PROXY_TUNNEL_FAILED,
    };
  }
  const other = codes.find((c) => c !== 'UND_ERR_SOCKET') ?? codes[0];
  return {
    code: 'connection_error',
    detail: other ? `the connection failed (${other})` : 'the connection failed',
    ...(other ? { errorCode: other } : {}),
  };
}

/** RFC 6749 §5.2 and RFC 8707 §2 error codes, reported as sent. */
export const TOKEN_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
] as const;
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];

export interface OAuthErrorBody {
  error: string;
  error_description?: string;
  /** Entra ID adds these. */
  error_codes?: unknown;
  trace_id?: unknown;
}

export interface TokenResponseClassification {
  code: ResultCode;
  /** Parsed error body, when the server sent one. */
  oauth?: OAuthErrorBody;
  /** What the body was when it was not usable JSON: `html`, `text`, `empty`, `json` (an array or scalar). */
  bodyKind?: 'html' | 'text' | 'empty' | 'json';
}

/** Parses a JSON object body, or undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function bodyKind(text: string, contentType: string | undefined): 'html' | 'text' | 'empty' | 'json' {
  const trimmed = text.trim();
  if (!trimmed) return 'empty';
  if (/html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)/i.test(trimmed)) return 'html';
  try {
    JSON.parse(trimmed);
    return 'json';
  } catch {
    return 'text';
  }
}

/**
 * Classifies a token endpoint response that is not a usable success. Order matters: 429 and 5xx are
 * decided by status (their bodies are often a gateway's); then an OAuth error body; then the body shape.
 */
export function classifyTokenResponse(
  status: number,
  headers: Record<string, string>,
  body: string,
): TokenResponseClassification | null {
  const json = parseJsonObject(body);
  const oauth = json && typeof json.error === 'string' && json.error ? (json as unknown as OAuthErrorBody) : undefined;
  const withOauth = <T extends TokenResponseClassification>(c: T): T => (oauth ? { ...c, oauth } : c);
  if (status === 429) return withOauth({ code: 'rate_limited' });
  if (status >= 500) return withOauth({ code: 'server_error' });
  if (status >= 200 && status < 300) {
    // Some servers answer an error with 200: an `error` and no `access_token` is an error whatever the status.
    if (oauth && json && json.access_token === undefined) {
      const code = (TOKEN_ERROR_CODES as readonly string[]).includes(oauth.error)
        ? (oauth.error as TokenErrorCode)
        : 'oauth_error';
      return { code, oauth };
    }
    if (json) return null;
    return { code: 'malformed_response', bodyKind: bodyKind(body, headers['content-type']) };
  }
  const rfcError = oauth && (TOKEN_ERROR_CODES as readonly string[]).includes(oauth.error);
  // A 404/405 means a wrong path whatever the body says: a framework's {"error":"not_found"} is not OAuth.
  if ((status === 404 || status === 405) && oauth && !rfcError) {
    return { code: 'unexpected_status', oauth, bodyKind: 'json' };
  }
  if (oauth) return { code: rfcError ? (oauth.error as TokenErrorCode) : 'oauth_error', oauth };
  const kind = bodyKind(body, headers['content-type']);
  if (kind === 'html' || kind === 'text') return { code: 'malformed_response', bodyKind: kind };
  return { code: 'unexpected_status', bodyKind: kind };
}

/** RFC 6750 §3: the parameters of a `WWW-Authenticate: Bearer ...` challenge. */
export function parseBearerChallenge(header: string | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  const match = /(?:^|,\s*)Bearer\b\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(match[1] ?? ''); m; m = re.exec(match[1] ?? '')) {
    params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return params;
}

/** Classifies an API response whose status was not the expected one (RFC 6750 §3.1 first). */
export function classifyApiStatus(status: number, headers: Record<string, string>): ResultCode {
  const challenge = parseBearerChallenge(headers['www-authenticate']);
  if (challenge?.error === 'invalid_token') return 'invalid_token';
  if (challenge?.error === 'insufficient_scope') return 'insufficient_scope';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'unexpected_status';
}

/** Maps a jose verification error to a token_validation code. */
export function classifyJoseError(error: unknown): { code: ResultCode; claim?: string } {
  if (error instanceof joseErrors.JWTExpired) return { code: 'jwt_expired', claim: 'exp' };
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return { code: 'jwt_not_yet_valid', claim: 'nbf' };
      case 'iss':
        return { code: 'jwt_issuer_mismatch', claim: 'iss' };
      case 'aud':
        return { code: 'jwt_audience_mismatch', claim: 'aud' };
      case 'iat':
        // jose rejects an iat in the future only through nbf/maxTokenAge; treat it like nbf.
        return { code: error.reason === 'check_failed' ? 'jwt_not_yet_valid' : 'jwt_claim_invalid', claim: 'iat' };
      default:
        return { code: 'jwt_claim_invalid', claim: error.claim };
    }
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JWKSNoMatchingKey
  ) {
    return { code: 'jwt_signature_invalid' };
  }
  if (error instanceof joseErrors.JWKSInvalid || error instanceof joseErrors.JWKSTimeout) {
    return { code: 'jwks_unavailable' };
  }
  if (
    error instanceof joseErrors.JWSInvalid ||
    error instanceof joseErrors.JWTInvalid ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return { code: 'jwt_malformed' };
  }
  return { code: 'jwt_malformed' };
}

/** Parses Retry-After (delta-seconds or an HTTP date) to seconds from `nowMs`. */
export function retryAfterSeconds(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
