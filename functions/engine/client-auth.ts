/**
 * Client authentication at the token endpoint: the four methods of `clientAuth`.
 */
import { createPrivateKey, type KeyObject, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ASSERTION_ALGORITHMS } from '../config/defaults.js';
import type { ClientAuthMethod } from '../config/schema.js';
import { formEncode } from './redact.js';
import type { ClientSecret, Clock } from './types.js';

export { formEncode };

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** RFC 7523 assertions live this long: long enough for clock skew on the way, short enough to be useless if leaked. */
export const ASSERTION_LIFETIME_SEC = 60;

export interface ClientAuthentication {
  /** Headers to add to the token request (Authorization for client_secret_basic). */
  headers: Record<string, string>;
  /** Form parameters to add. */
  form: Record<string, string>;
  /** Client certificate and key for the TLS connection (tls_client_auth). */
  tls?: { cert: string; key: string };
  /** The signed assertion (private_key_jwt), so that the run can keep it out of every message. */
  assertion?: string;
  /**
   * Every secret value this method puts on the wire, as it puts it there (the Basic credential with and
   * without its scheme, the secret, the assertion, the key): the run registers each with its redactor,
   * which adds every encoding a server could echo it back in. Built here, by the code that encodes.
   */
  secrets: string[];
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined and Base64-encoded. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

/** The secret fields each method needs. */
export const REQUIRED_FIELDS: Record<ClientAuthMethod, readonly (keyof ClientSecret)[]> = {
  client_secret_basic: ['client_secret'],
  client_secret_post: ['client_secret'],
  private_key_jwt: ['private_key'],
  tls_client_auth: ['certificate', 'private_key'],
};

/** The default assertion algorithm for a key type: RS256 for RSA, ES256 for P-256, EdDSA for Ed25519. */
export function defaultAlgorithm(key: KeyObject): string | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return 'RS256';
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ES256' : undefined;
    case 'ed25519':
      return 'EdDSA';
    default:
      return undefined;
  }
}

/** Whether `alg` can be used with `key`. */
export function algorithmFits(alg: string, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (alg === 'RS256' || alg === 'PS256') return type === 'rsa' || type === 'rsa-pss';
  if (alg === 'ES256') return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (alg === 'EdDSA') return type === 'ed25519';
  return false;
}

/** Thrown when the secret cannot serve the method; the message names fields, never values. */
export class SecretShapeError extends Error {
  override name = 'SecretShapeError';
}

/** Parses the PEM private key of a secret. Throws SecretShapeError. */
export function parsePrivateKey(secret: ClientSecret): KeyObject {
  try {
    return createPrivateKey(secret.private_key ?? '');
  } catch (cause) {
    throw new SecretShapeError('"private_key" is not a PEM private key (PKCS#8, PKCS#1 or SEC1)', { cause });
  }
}

/** The assertion algorithm for this secret. Throws SecretShapeError. */
export function assertionAlgorithm(secret: ClientSecret, key: KeyObject): string {
  if (secret.algorithm !== undefined) {
    if (!(ASSERTION_ALGORITHMS as readonly string[]).includes(secret.algorithm)) {
      throw new SecretShapeError(
        `"algorithm" ${JSON.stringify(secret.algorithm)} is not supported: use one of ${ASSERTION_ALGORITHMS.join(', ')}`,
      );
    }
    if (!algorithmFits(secret.algorithm, key)) {
      throw new SecretShapeError(
        `"algorithm" ${secret.algorithm} does not fit the ${key.asymmetricKeyType} key in "private_key"`,
      );
    }
    return secret.algorithm;
  }
  const alg = defaultAlgorithm(key);
  if (!alg) {
    throw new SecretShapeError(
      `"private_key" is a ${key.asymmetricKeyType} key: use an RSA, P-256 or Ed25519 key, or set "algorithm"`,
    );
  }
  return alg;
}

/** RFC 7523 §3 client assertion: iss = sub = client_id, aud = token endpoint, short exp, fresh jti. */
export async function signClientAssertion(
  secret: ClientSecret,
  key: KeyObject,
  tokenUrl: string,
  clock: Clock,
): Promise<string> {
  const alg = assertionAlgorithm(secret, key);
  const now = Math.floor(clock.now() / 1000);
  const header: { alg: string; typ: string; kid?: string } = { alg, typ: 'JWT' };
  if (secret.key_id) header.kid = secret.key_id;
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(secret.client_id)
    .setSubject(secret.client_id)
    .setAudience(tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SEC)
    .setJti(randomUUID())
    .sign(key);
}

/** Builds the client authentication for one token request attempt (a fresh assertion each call). */
export async function authenticateClient(
  method: ClientAuthMethod,
  secret: ClientSecret,
  tokenUrl: string,
  clock: Clock,
): Promise<ClientAuthentication> {
  switch (method) {
    case 'client_secret_basic': {
      const authorization = basicAuthorization(secret.client_id, secret.client_secret ?? '');
      const credential = authorization.slice('Basic '.length);
      const rawCredential = Buffer.from(`${secret.client_id}:${secret.client_secret ?? ''}`).toString('base64');
      return {
        headers: { authorization },
        form: {},
        secrets: [secret.client_secret ?? '', authorization, credential, rawCredential],
      };
    }
    case 'client_secret_post':
      return {
        headers: {},
        form: { client_id: secret.client_id, client_secret: secret.client_secret ?? '' },
        secrets: [secret.client_secret ?? ''],
      };
    case 'private_key_jwt': {
      const assertion = await signClientAssertion(secret, parsePrivateKey(secret), tokenUrl, clock);
      return {
        headers: {},
        form: {
          client_id: secret.client_id,
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: assertion,
        },
        assertion,
        secrets: [assertion, assertion.split('.')[2] ?? '', secret.private_key ?? ''],
      };
    }
    case 'tls_client_auth':
      return {
        headers: {},
        form: { client_id: secret.client_id },
        tls: { cert: secret.certificate ?? '', key: secret.private_key ?? '' },
        secrets: [secret.private_key ?? ''],
      };
  }
}
