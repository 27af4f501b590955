/**
 * The token response (RFC 6749 §5.1) and, when `token.jwt` is set, the JWT access token (RFC 9068).
 * Produces the token summary; the token itself never leaves this module except as the bearer value.
 */
import type { RunContext } from './context.js';
import { checkTokenBinding } from './dpop.js';
import { ProbeFailure } from './failure.js';
import { type DecodedJwt, decodeUnverified, verifyAccessToken } from './jwt.js';
import { oneLine, showValue } from './redact.js';
import { describeChar } from './request-check.js';
import type { TokenSummary } from './result.js';
import type { TokenResponse } from './token-request.js';
import type { ClientSecret } from './types.js';

/** Longer than any real token lifetime (about 68 years); beyond it the value is nonsense, not a lifetime. */
export const MAX_EXPIRES_IN_SEC = 2 ** 31 - 1;
/** The claims summary copies at most this much of each string, and this many `aud` values. */
const MAX_CLAIM_CHARS = 200;
const MAX_AUDIENCES = 10;

export interface ValidatedToken {
  accessToken: string;
  summary: TokenSummary;
}

export interface ValidationInputs {
  /** jwks_uri from discovery, when discovery ran. */
  discoveredJwksUri?: string;
  /** The scopes requested, for RFC 6749 §3.3: an omitted `scope` means "as requested". */
  requestedScopes: string[];
  /** Receives the summary as soon as it is known, so that a later failure still reports it. */
  onSummary: (summary: TokenSummary) => void;
  /** The client's credentials: the DPoP key and the client certificate that a bound token must name. */
  secret: ClientSecret;
}

export async function validateToken(
  ctx: RunContext,
  response: TokenResponse,
  inputs: ValidationInputs,
): Promise<ValidatedToken> {
  const { body, headers } = response;
  const fail = (
    code:
      | 'missing_access_token'
      | 'malformed_access_token'
      | 'unsupported_token_type'
      | 'invalid_expires_in'
      | 'scope_not_granted',
    message: string,
    detail?: string,
  ) =>
    new ProbeFailure('token_validation', code, message, {
      httpStatus: response.exchange.status,
      ...(detail ? { detail } : {}),
    });
  const tokenConfig = ctx.probe.token;

  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw fail(
      'missing_access_token',
      `the token response has ${accessToken === undefined ? 'no' : 'an empty or non-string'} access_token`,
    );
  }
  // RFC 6750 §2.1: the bearer value is a b64token. CR, LF, other controls or non-ASCII cannot even be sent
  // in the Authorization header: the token is at fault, not the network.
  const unsendable = /[^\u0021-\u007e]/.exec(accessToken);
  if (unsendable) {
    throw fail(
      'malformed_access_token',
      `the access_token has a character a bearer token cannot carry (${describeChar(unsendable[0])}; RFC 6750 §2.1 b64token)`,
    );
  }
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(accessToken)) {
    ctx.warn('access_token_not_b64token', 'the access_token has characters outside the RFC 6750 §2.1 b64token syntax');
  }
  const tokenType = typeof body.token_type === 'string' ? body.token_type : null;
  const decoded = decodeUnverified(accessToken);
  const summary: TokenSummary = {
    type: tokenType,
    expiresIn: null,
    scopes: [],
    format: decoded ? 'jwt' : 'opaque',
    reused: false,
  };
  if (decoded) summary.claims = claimsSummary(decoded);
  summary.scopes = grantedScopes(body.scope, decoded?.payload, inputs.requestedScopes);
  inputs.onSummary(summary);

  // DPoP-bound tokens have token_type DPoP (RFC 9449 §5); certificate-bound ones stay Bearer (RFC 8705 §3).
  if (ctx.probe.tokenBinding === 'dpop') {
    await checkTokenBinding(ctx, inputs.secret, tokenType, decoded?.payload);
  } else if (tokenType?.toLowerCase() !== 'bearer') {
    throw fail(
      'unsupported_token_type',
      `token_type is ${tokenType === null ? 'absent' : showValue(tokenType, 60)}, expected "Bearer"`,
    );
  }

  if (ctx.probe.tokenBinding === 'mtls') await checkTokenBinding(ctx, inputs.secret, tokenType, decoded?.payload);

  const expiresIn = body.expires_in;
  if (expiresIn === undefined || expiresIn === null) {
    ctx.warn(
      'expires_in_missing',
      'the token response has no expires_in (RFC 6749 §5.1 RECOMMENDED): clients cannot tell when to renew',
    );
  } else {
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
    if (typeof expiresIn === 'string' && typeof seconds === 'number') {
      ctx.warn('expires_in_string', 'expires_in is a string; RFC 6749 §5.1 makes it a number');
    }
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 1 || seconds > MAX_EXPIRES_IN_SEC) {
      throw fail(
        'invalid_expires_in',
        `expires_in is ${showValue(expiresIn, 40)}, expected a number of seconds from 1 to ${MAX_EXPIRES_IN_SEC}`,
      );
    }
    summary.expiresIn = seconds;
    const min = tokenConfig?.minExpiresInSec;
    if (min !== undefined && seconds < min) {
      ctx.warn('expires_in_short', `expires_in ${seconds} s is below token.minExpiresInSec ${min} s`);
    }
  }

  if (!/no-store/i.test(headers['cache-control'] ?? '')) {
    ctx.warn('cache_control_missing', 'the token response lacks Cache-Control: no-store (RFC 6749 §5.1)');
  }
  if (body.refresh_token !== undefined) {
    ctx.warn(
      'refresh_token_issued',
      'a refresh_token came with a client_credentials grant (RFC 6749 §4.4.3: SHOULD NOT)',
    );
  }

  const jwt = tokenConfig?.jwt;
  if (jwt) {
    const jwksUri = jwt.jwksUri ?? inputs.discoveredJwksUri;
    if (!jwksUri) {
      throw new ProbeFailure(
        'token_validation',
        'jwks_unavailable',
        'no JWKS: set token.jwt.jwksUri, or an issuer whose metadata has jwks_uri',
      );
    }
    const issuer = jwt.issuer ?? ctx.probe.issuer;
    await verifyAccessToken(ctx, accessToken, { config: jwt, jwksUri, ...(issuer ? { issuer } : {}) });
  }

  const required = tokenConfig?.requiredScopes ?? [];
  const missing = required.filter((s) => !summary.scopes.includes(s));
  if (missing.length > 0) {
    throw fail(
      'scope_not_granted',
      `granted scopes [${summary.scopes.join(' ')}] lack ${missing.join(' ')} (token.requiredScopes)`,
      missing.join(' '),
    );
  }
  return { accessToken, summary };
}

/**
 * The claims that matter for diagnosis, copied from an unverified token: only the expected types, strings
 * cut at MAX_CLAIM_CHARS, `aud` at MAX_AUDIENCES strings; anything else (a 6000-deep array) is left out.
 */
export function claimsSummary({ header, payload }: DecodedJwt): NonNullable<TokenSummary['claims']> {
  const text = (value: unknown) => (typeof value === 'string' ? oneLine(value, MAX_CLAIM_CHARS) : undefined);
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const claims: NonNullable<TokenSummary['claims']> = {};
  const set = <K extends keyof typeof claims>(key: K, value: (typeof claims)[K] | undefined) => {
    if (value !== undefined && value !== '') claims[key] = value;
  };
  set('iss', text(payload.iss));
  if (typeof payload.aud === 'string') set('aud', text(payload.aud));
  else if (Array.isArray(payload.aud) && payload.aud.every((a) => typeof a === 'string')) {
    set(
      'aud',
      payload.aud.slice(0, MAX_AUDIENCES).map((a) => oneLine(a, MAX_CLAIM_CHARS)),
    );
  }
  set('sub', text(payload.sub));
  set('client_id', text(payload.client_id));
  set('scope', text(payload.scope));
  set('exp', time(payload.exp));
  set('iat', time(payload.iat));
  set('kid', text(header.kid));
  set('alg', text(header.alg));
  set('typ', text(header.typ));
  return claims;
}

/** Response `scope`, else the JWT `scope`/`scp`, else (RFC 6749 §3.3) the scopes requested. */
export function grantedScopes(
  responseScope: unknown,
  payload: Record<string, unknown> | undefined,
  requested: string[],
): string[] {
  const split = (v: unknown): string[] | undefined => {
    if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    return undefined;
  };
  return split(responseScope) ?? split(payload?.scope) ?? split(payload?.scp) ?? requested;
}
