/**
 * Credentials from AWS Secrets Manager, behind the engine's `SecretSource` interface.
 *
 * A warm function keeps each parsed secret for a short TTL so that a 1-minute schedule does not call
 * Secrets Manager every minute. The engine re-reads with `bypassCache` when the token endpoint answers
 * `invalid_client` on a cached copy (the secret may have been rotated since). When Secrets Manager is
 * throttling or unreachable, a cached copy (even an expired one) is better than no run at all; without
 * one the failure is the probe's own infrastructure, and says so.
 *
 * Nothing here logs or throws a secret value: errors name the secret id and the field, never the text.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { localSecretId } from '../../contract/secret-ids.js';
import { type Clock, CredentialsError, type SecretLookup, type SecretSource, systemClock } from '../../engine/index.js';
import { parseSecretString } from '../../secrets/parse.js';
import { callDeadline } from '../shared/clients.js';
import type { RuntimeLogger } from '../shared/log.js';

/** @default 300 seconds */
export const DEFAULT_SECRET_CACHE_TTL_SEC = 300;
/**
 * One GetSecretValue (all its attempts) is aborted after this long, or earlier when the run's deadline
 * passes: a stale cached copy, or a `secret_unavailable` verdict, is then logged in time.
 * @default 5000 ms
 */
export const SECRET_CALL_TIMEOUT_MS = 5_000;

export interface SecretsManagerSourceOptions {
  client: SecretsManagerClient;
  /** The function's own region: an ARN of a replicated secret is rewritten to the local replica. */
  region?: string;
  /** @default 300 (env SECRET_CACHE_TTL_SEC in Lambda) */
  ttlSec?: number;
  clock?: Clock;
  logger?: Pick<RuntimeLogger, 'warn'>;
  /** @default SECRET_CALL_TIMEOUT_MS */
  callTimeoutMs?: number;
  /**
   * Read this version instead of AWSCURRENT (a rotation test: AWSPENDING), by staging label and/or id.
   * Such a source should not be shared with scheduled runs: give it `ttlSec: 0`.
   */
  version?: { stage?: string; id?: string };
}

interface CacheEntry {
  lookup: SecretLookup['secret'];
  versionId: string | undefined;
  fetchedAt: number;
}

const NOT_FOUND = new Set(['ResourceNotFoundException']);
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'DecryptionFailure',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
]);
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export class SecretsManagerSecretSource implements SecretSource {
  readonly #client: SecretsManagerClient;
  readonly #region: string | undefined;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #logger: Pick<RuntimeLogger, 'warn'> | undefined;
  readonly #callTimeoutMs: number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #version: { stage?: string; id?: string } | undefined;

  constructor(options: SecretsManagerSourceOptions) {
    this.#client = options.client;
    this.#region = options.region;
    this.#ttlMs = (options.ttlSec ?? DEFAULT_SECRET_CACHE_TTL_SEC) * 1000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#callTimeoutMs = options.callTimeoutMs ?? SECRET_CALL_TIMEOUT_MS;
    this.#version = options.version;
  }

  async get(secretId: string, options: { bypassCache?: boolean; signal?: AbortSignal } = {}): Promise<SecretLookup> {
    const cached = this.#cache.get(secretId);
    if (cached && !options.bypassCache && this.#clock.now() - cached.fetchedAt < this.#ttlMs) {
      return { secret: cached.lookup, fromCache: true, ...versionOf(cached) };
    }
    let text: string;
    let versionId: string | undefined;
    try {
      ({ text, versionId } = await this.#fetch(secretId, callDeadline(this.#callTimeoutMs, options.signal)));
    } catch (error) {
      const failure = classifySecretsManagerError(error, secretId);
      if (failure.transient && cached) {
        this.#logger?.warn('secrets_manager_unavailable_using_cached_copy', {
          event: 'secret_cache_stale_read',
          secretId,
          errorName: errorName(error),
          cachedAgeSec: Math.round((this.#clock.now() - cached.fetchedAt) / 1000),
        });
        return { secret: cached.lookup, fromCache: true, ...versionOf(cached) };
      }
      if (
        this.#version &&
        failure.error.code === 'secret_not_found' &&
        errorName(error) === 'ResourceNotFoundException'
      ) {
        const label = [this.#version.stage, this.#version.id].filter(Boolean).join(' / ');
        throw new CredentialsError(
          'secret_not_found',
          `secret "${secretId}" has no version ${label} in this region: a rotation test reads the pending version where the rotation runs (the primary region), while the rotation is between createSecret and finishSecret`,
          { cause: error },
        );
      }
      throw failure.error;
    }
    // A malformed secret is not cached: the next run reads it again, so a fix is picked up at once.
    const secret = parseSecretString(text, secretId);
    const entry = { lookup: secret, versionId, fetchedAt: this.#clock.now() };
    this.#cache.set(secretId, entry);
    return { secret, fromCache: false, ...versionOf(entry) };
  }

  async #fetch(secretId: string, abortSignal: AbortSignal): Promise<{ text: string; versionId: string | undefined }> {
    const output = await this.#client.send(
      new GetSecretValueCommand({
        SecretId: localSecretId(secretId, this.#region),
        ...(this.#version?.stage ? { VersionStage: this.#version.stage } : {}),
        ...(this.#version?.id ? { VersionId: this.#version.id } : {}),
      }),
      { abortSignal },
    );
    if (typeof output.SecretString === 'string') return { text: output.SecretString, versionId: output.VersionId };
    throw new CredentialsError(
      'secret_malformed',
      output.SecretBinary
        ? `secret "${secretId}" is stored as binary: store the JSON object as the secret string instead`
        : `secret "${secretId}" has no secret string: store a JSON object such as {"client_id": "...", "client_secret": "..."}`,
    );
  }
}

function versionOf(entry: CacheEntry): { versionId?: string } {
  return entry.versionId ? { versionId: entry.versionId } : {};
}

/** Maps a Secrets Manager failure to a credentials-stage error; `transient` ones may be served from cache. */
export function classifySecretsManagerError(
  error: unknown,
  secretId: string,
): { error: CredentialsError; transient: boolean } {
  if (error instanceof CredentialsError) return { error, transient: false };
  const name = errorName(error);
  const cause = { cause: error };
  if (NOT_FOUND.has(name)) {
    return {
      transient: false,
      error: new CredentialsError(
        'secret_not_found',
        `secret "${secretId}" does not exist in this region: create it (or a replica) here, or fix credentials.secretId`,
        cause,
      ),
    };
  }
  if (name === 'InvalidRequestException') {
    // Secrets Manager answers this for a secret scheduled for deletion.
    return {
      transient: false,
      error: new CredentialsError(
        'secret_not_found',
        `secret "${secretId}" cannot be read (${name}): it may be scheduled for deletion; restore it or fix credentials.secretId`,
        cause,
      ),
    };
  }
  if (ACCESS_DENIED.has(name)) {
    const kms = name.startsWith('KMS') || name === 'DecryptionFailure';
    return {
      transient: false,
      error: new CredentialsError(
        'secret_access_denied',
        kms
          ? `secret "${secretId}" cannot be decrypted (${name}): allow the probe function kms:Decrypt on the key of the secret's replica in this region (credentials.kmsKeyArn, or credentials.kmsKeyArns for a key per region)`
          : `the probe function may not read secret "${secretId}" (${name}): allow secretsmanager:GetSecretValue on it`,
        cause,
      ),
    };
  }
  if (isTransient(error, name)) {
    return {
      transient: true,
      error: new CredentialsError(
        'secret_unavailable',
        `Secrets Manager did not answer for "${secretId}" (${name}) and no cached copy was in hand: the probe's own infrastructure failed, not the authorization server`,
        cause,
      ),
    };
  }
  return {
    transient: false,
    error: new CredentialsError(
      'secret_unavailable',
      `reading secret "${secretId}" from Secrets Manager failed (${name}): the probe's own infrastructure failed, not the authorization server`,
      cause,
    ),
  };
}

function isTransient(error: unknown, name: string): boolean {
  if (THROTTLED.has(name)) return true;
  const e = error as { $fault?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown } | null;
  if (!e || typeof e !== 'object') return true;
  if (e.$retryable) return true;
  if (e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  // No HTTP status: the request never got an answer (DNS, connection refused, timeout, socket reset).
  return status === undefined || status >= 500 || status === 429;
}

function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const { name, code } = error as { name?: unknown; code?: unknown };
    if (typeof name === 'string' && name !== 'Error') return name;
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'UnknownError';
}
