/**
 * What the engine needs from the outside world. Everything is injected, so the same engine serves the
 * CLI, the Lambda and the tests (which use real servers on 127.0.0.1).
 */
import type { ResultCode } from './result.js';

/** The credential object stored in the secret (JSON). */
export interface ClientSecret {
  client_id: string;
  /** client_secret_basic and client_secret_post. */
  client_secret?: string;
  /** PEM private key: private_key_jwt signing key, or the mTLS client key. */
  private_key?: string;
  /** `kid` header of the client assertion (private_key_jwt). */
  key_id?: string;
  /** Client assertion algorithm: RS256 (default for RSA keys), PS256, ES256, EdDSA. */
  algorithm?: string;
  /** PEM client certificate (tls_client_auth). */
  certificate?: string;
  /** ISO 8601: when the credential itself expires (Entra client secrets do). */
  expires_at?: string;
  /** RFC 7662: a separate client for the introspection endpoint (resource servers often have their own). */
  introspection_client_id?: string;
  introspection_client_secret?: string;
  /** RFC 9449: a fixed DPoP key (PKCS#8 PEM) instead of a fresh key per run, and its algorithm (default ES256). */
  dpop_private_key?: string;
  dpop_algorithm?: string;
}

export interface SecretLookup {
  secret: ClientSecret;
  /** True when served from a cache: an `invalid_client` may then mean "rotated since", and is retried fresh. */
  fromCache: boolean;
  /** The secret version read (Secrets Manager's VersionId), when the source knows it: logged, never the value. */
  versionId?: string;
}

/**
 * Where credentials come from: a local JSON file (CLI) or AWS Secrets Manager (Lambda).
 * Failures are thrown as `CredentialsError` with a credentials-stage code.
 */
export interface SecretSource {
  /** `signal` fires at the run's deadline: a source that does I/O aborts it then. */
  get(secretId: string, options?: { bypassCache?: boolean; signal?: AbortSignal }): Promise<SecretLookup>;
}

export type CredentialsErrorCode =
  | 'secret_not_found'
  | 'secret_malformed'
  | 'secret_access_denied'
  | 'credentials_expired'
  | 'secret_unavailable';

/** A failure to obtain usable credentials. The message names fields, never values. */
export class CredentialsError extends Error {
  constructor(
    readonly code: CredentialsErrorCode & ResultCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CredentialsError';
  }
}

/** Injectable clock: tests move time, the engine never calls Date.now() directly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
