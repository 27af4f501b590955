/**
 * JWT access token validation (RFC 9068) with jose: keys from the JWKS (fetched through the timed
 * HTTP client, refetched once on an unknown `kid`), an algorithm allow-list that never holds `none`,
 * exact issuer, audience, exp/nbf with clock tolerance, optional `typ: at+jwt`, required claims.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import { JWT_ALGORITHMS } from '../config/defaults.js';
import type { JwtValidationConfig } from '../config/schema.js';
import { classifyJoseError, parseJsonObject } from './classify.js';
import type { RunContext } from './context.js';
import { ProbeFailure } from './failure.js';
import { jsonEquals } from './json-path.js';
import { oneLine, showValue } from './redact.js';

export interface DecodedJwt {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
}

/** Decodes without verifying, for the claims summary; undefined when not a JWS compact token. */
export function decodeUnverified(token: string): DecodedJwt | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

type Jwks = ReturnType<typeof createLocalJWKSet>;

/** A JWKS key that matched the token but could not be used (a bad modulus, a private key): the JWKS is broken. */
class JwksKeyError extends Error {
  override name = 'JwksKeyError';
}

/**
 * The key lookup, with a key that cannot be imported reported as the JWKS's fault (`jwks_unavailable`),
 * not the token's: jose throws the import error as it is.
 */
function guardKeyImport(jwks: Jwks): Jwks {
  const guarded = async (...args: Parameters<Jwks>) => {
    try {
      return await jwks(...args);
    } catch (error) {
      if (
        error instanceof joseErrors.JWKSNoMatchingKey ||
        error instanceof joseErrors.JWKSMultipleMatchingKeys ||
        error instanceof joseErrors.JOSENotSupported ||
        error instanceof joseErrors.JWSInvalid
      ) {
        throw error;
      }
      throw new JwksKeyError(`a key in the JWKS cannot be used (${error instanceof Error ? error.name : 'error'})`, {
        cause: error,
      });
    }
  };
  return guarded as unknown as Jwks;
}

/**
 * Verifies with the JWKS. When several keys match (no `kid` in the token or in the keys), each is tried,
 * as jose documents for JWKSMultipleMatchingKeys: one that verifies is enough. A key that matched but
 * cannot verify anything (an RSA modulus that is no base64url or under 2048 bits, a wrong key type) is
 * the JWKS's fault: jose throws those as plain TypeErrors (or WebCrypto DOMExceptions), never as a
 * JOSEError, which is what it throws for the token.
 */
async function verifyWithJwks(token: string, jwks: Jwks, options: Parameters<typeof jwtVerify>[2]) {
  try {
    return await jwtVerify(token, jwks, options);
  } catch (error) {
    if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) throw keyFault(error) ?? error;
    let unusable: JwksKeyError | undefined;
    let signatureFailed = false;
    for await (const key of error as unknown as AsyncIterable<Parameters<typeof jwtVerify>[1] & object>) {
      try {
        return await jwtVerify(token, key, options);
      } catch (inner) {
        if (inner instanceof joseErrors.JWSSignatureVerificationFailed) {
          signatureFailed = true;
          continue;
        }
        const fault = keyFault(inner);
        if (!fault) throw inner;
        unusable ??= fault;
      }
    }
    // A usable key that did not verify: the signature is what is wrong; every key unusable: the JWKS is.
    throw unusable && !signatureFailed ? unusable : new joseErrors.JWSSignatureVerificationFailed();
  }
}

/** The key's fault, as a JwksKeyError, for an error jose raised while verifying; undefined for the token's. */
function keyFault(error: unknown): JwksKeyError | undefined {
  if (error instanceof joseErrors.JOSEError || error instanceof JwksKeyError || error instanceof ProbeFailure)
    return undefined;
  const name = error instanceof Error ? error.name : '';
  if (!(error instanceof TypeError) && !WEBCRYPTO_KEY_ERRORS.has(name)) return undefined;
  const why = error instanceof Error ? oneLine(error.message, 160) : name;
  return new JwksKeyError(why, { cause: error });
}

/** DOMException names WebCrypto gives a key it cannot import or use. */
const WEBCRYPTO_KEY_ERRORS = new Set(['DataError', 'InvalidAccessError', 'NotSupportedError']);

async function fetchJwks(ctx: RunContext, jwksUri: string): Promise<Jwks> {
  const { response, exchange } = await ctx.send({
    stage: 'token_validation',
    target: 'JWKS',
    name: 'jwks',
    method: 'GET',
    url: jwksUri,
    headers: { accept: 'application/json' },
  });
  const fail = (why: string) =>
    new ProbeFailure('token_validation', 'jwks_unavailable', `JWKS ${exchange.url} ${why}`, {
      exchange,
      httpStatus: response.status,
      target: 'JWKS',
    });
  if (response.status !== 200) throw fail(`answered ${response.status}`);
  const json = parseJsonObject(response.body);
  if (!json || !Array.isArray(json.keys)) throw fail('is not a JSON object with "keys"');
  try {
    return guardKeyImport(createLocalJWKSet(json as never));
  } catch (error) {
    throw new ProbeFailure(
      'token_validation',
      'jwks_unavailable',
      `JWKS ${exchange.url} is invalid`,
      { exchange },
      {
        cause: error,
      },
    );
  }
}

export interface JwtCheck {
  config: JwtValidationConfig;
  jwksUri: string;
  issuer?: string;
}

export async function verifyAccessToken(ctx: RunContext, token: string, check: JwtCheck): Promise<DecodedJwt> {
  const decoded = decodeUnverified(token);
  if (!decoded) {
    throw new ProbeFailure(
      'token_validation',
      'jwt_malformed',
      'the access token is not a JWS compact JWT (token.jwt is set)',
    );
  }
  const { config } = check;
  const options = {
    algorithms: [...(config.algorithms ?? JWT_ALGORITHMS)].filter((a) => a !== ('none' as string)),
    clockTolerance: config.clockToleranceSec,
    currentDate: new Date(ctx.deps.clock.now()),
    ...(check.issuer ? { issuer: check.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
    ...(config.requireTyp ? { typ: 'at+jwt' } : {}),
    // RFC 9068 §2.2: exp is REQUIRED in a JWT access token.
    requiredClaims: ['exp'],
  };
  const keyId = typeof decoded.header.kid === 'string' ? oneLine(decoded.header.kid, 100) : undefined;
  let jwks = await fetchJwks(ctx, check.jwksUri);
  try {
    try {
      await verifyWithJwks(token, jwks, options);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      // The server may have rotated keys since our copy: one refetch, as a caching client would.
      jwks = await fetchJwks(ctx, check.jwksUri);
      await verifyWithJwks(token, jwks, options);
    }
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    if (error instanceof JwksKeyError) {
      throw new ProbeFailure(
        'token_validation',
        'jwks_unavailable',
        `JWKS ${check.jwksUri}: the key that matches the token cannot be used: ${error.message}`,
        {
          target: 'JWKS',
          detail: error.message,
          ...(keyId ? { keyId } : {}),
        },
        { cause: error },
      );
    }
    const { code, claim } = classifyJoseError(error);
    const detail = describe(ctx.deps.clock.now(), code, claim, decoded, check, error);
    throw new ProbeFailure(
      'token_validation',
      code,
      oneLine(`access token: ${detail}`, 300),
      {
        detail,
        ...(keyId ? { keyId } : {}),
      },
      { cause: error },
    );
  }

  // jose checks a future iat only with maxTokenAge; a token issued "later" than now means skewed clocks.
  const nowSec = ctx.deps.clock.now() / 1000;
  const iat = decoded.payload.iat;
  if (typeof iat === 'number' && iat > nowSec + config.clockToleranceSec) {
    const detail = `iat ${isoOf(iat)} is in the future (now ${new Date(nowSec * 1000).toISOString()}, tolerance ${config.clockToleranceSec} s)`;
    throw new ProbeFailure('token_validation', 'jwt_not_yet_valid', `access token: ${detail}`, { detail });
  }
  for (const [name, expected] of Object.entries(config.requiredClaims ?? {})) {
    if (!jsonEquals(decoded.payload[name], expected)) {
      const detail = `claim "${name}" is ${decoded.payload[name] === undefined ? 'absent' : showValue(decoded.payload[name])}, required ${showValue(expected)}`;
      throw new ProbeFailure('token_validation', 'jwt_claim_invalid', oneLine(`access token: ${detail}`, 300), {
        detail,
      });
    }
  }
  const typ = typeof decoded.header.typ === 'string' ? decoded.header.typ.toLowerCase() : undefined;
  if (!config.requireTyp && typ !== 'at+jwt' && typ !== 'application/at+jwt') {
    ctx.warn(
      'token_typ_missing',
      `the JWT header typ is ${decoded.header.typ ? showValue(decoded.header.typ, 60) : 'absent'}, not "at+jwt" (RFC 9068 §2.1)`,
    );
  }
  return decoded;
}

function describe(
  nowMs: number,
  code: string,
  claim: string | undefined,
  decoded: DecodedJwt,
  check: JwtCheck,
  error: unknown,
): string {
  const { payload, header } = decoded;
  switch (code) {
    case 'jwt_issuer_mismatch':
      return `iss ${showValue(payload.iss)}, expected ${JSON.stringify(check.issuer)}`;
    case 'jwt_audience_mismatch':
      return `aud ${showValue(payload.aud ?? null)}, expected ${JSON.stringify(check.config.audience)}`;
    case 'jwt_expired':
      return `exp ${isoOf(payload.exp)} is past (now ${new Date(nowMs).toISOString()}, tolerance ${check.config.clockToleranceSec} s)`;
    case 'jwt_not_yet_valid':
      return `${claim ?? 'nbf'} ${isoOf(claim === 'iat' ? payload.iat : payload.nbf)} is in the future (tolerance ${check.config.clockToleranceSec} s)`;
    case 'jwt_signature_invalid':
      if (error instanceof joseErrors.JOSEAlgNotAllowed) {
        return `alg ${showValue(header.alg, 40)} is not in the allowed algorithms`;
      }
      if (error instanceof joseErrors.JWKSNoMatchingKey) {
        return `no key in the JWKS matches kid ${showValue(header.kid ?? null, 60)} / alg ${showValue(header.alg, 40)}, even after a refetch`;
      }
      return `the signature does not verify with the JWKS key (kid ${showValue(header.kid ?? null, 60)})`;
    case 'jwt_claim_invalid':
      if (claim === 'typ') return `header typ ${showValue(header.typ ?? null, 60)}, required "at+jwt"`;
      return `claim ${claim ?? '?'}: ${error instanceof Error ? error.message : 'invalid'}`;
    default:
      return error instanceof Error ? error.message : 'invalid JWT';
  }
}

/** A NumericDate for a message; one outside what a Date can hold (1e13, -1e13) is shown as the number. */
function isoOf(seconds: unknown): string {
  if (typeof seconds !== 'number') return showValue(seconds, 60);
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} (out of range)` : date.toISOString();
}
