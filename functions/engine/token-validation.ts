/**
 * The token response (RFC 6749 §5.1) and, when `token.jwt` is set, the JWT access token (RFC 9068).
 * Produces the token summary; the token itself never leaves this module except as the bearer value.
 */
import type { RunContext } from './context.js';
import { checkTokenBinding } from './dpop.js';
import { ProbeFailure } from './failure.js';
import { decodeUnverified, verifyAccessToken } from './jwt.js';
import type { TokenSummary } from './result.js';
import type { TokenResponse } from './token-request.js';
import type { ClientSecret } from './types.js';

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
    code: 'missing_access_token' | 'unsupported_token_type' | 'invalid_expires_in' | 'scope_not_granted',
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
  const tokenType = typeof body.token_type === 'string' ? body.token_type : null;
  const decoded = decodeUnverified(accessToken);
  const summary: TokenSummary = {
    type: tokenType,
    expiresIn: null,
    scopes: [],
    format: decoded ? 'jwt' : 'opaque',
  };
  if (decoded) {
    const { payload, header } = decoded;
    const claims: NonNullable<TokenSummary['claims']> = {};
    if (typeof payload.iss === 'string') claims.iss = payload.iss;
    if (payload.aud !== undefined) claims.aud = payload.aud;
    if (typeof payload.sub === 'string') claims.sub = payload.sub;
    if (typeof payload.client_id === 'string') claims.client_id = payload.client_id;
    if (typeof payload.scope === 'string') claims.scope = payload.scope;
    if (typeof payload.exp === 'number') claims.exp = payload.exp;
    if (typeof payload.iat === 'number') claims.iat = payload.iat;
    if (header.kid) claims.kid = header.kid;
    if (header.alg) claims.alg = header.alg;
    if (header.typ) claims.typ = header.typ;
    summary.claims = claims;
  }
  summary.scopes = grantedScopes(body.scope, decoded?.payload, inputs.requestedScopes);
  inputs.onSummary(summary);

  // DPoP-bound tokens have token_type DPoP (RFC 9449 §5); certificate-bound ones stay Bearer (RFC 8705 §3).
  if (ctx.probe.tokenBinding === 'dpop') {
    await checkTokenBinding(ctx, inputs.secret, tokenType, decoded?.payload);
  } else if (tokenType?.toLowerCase() !== 'bearer') {
    throw fail(
      'unsupported_token_type',
      `token_type is ${tokenType === null ? 'absent' : JSON.stringify(tokenType)}, expected "Bearer"`,
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
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw fail(
        'invalid_expires_in',
        `expires_in is ${JSON.stringify(expiresIn)}, expected a positive number of seconds`,
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
