/**
 * What one warm instance (a Lambda execution environment, a CLI process) remembers about each probe's
 * token endpoint between runs: the access token it may reuse (`token.reuse`) and the time until which
 * the endpoint asked not to be asked again (`Retry-After` on a 429 or 503).
 *
 * The caller owns it (one per Lambda container, one per CLI process) and injects it as
 * `EngineDeps.tokens`; the engine stays free of module state. Entries are keyed by probe name and never
 * shared across probes, held in memory only, and never printed: the object serializes and inspects as
 * its counts. A cached token also carries a fingerprint of everything that decides which token the
 * endpoint would issue (URL, client, scope, parameters, validation), so a probe whose config changed
 * under the same name in a warm container never gets the old token.
 */
import { inspect } from 'node:util';
import { DEFAULT_REFRESH_BEFORE_EXPIRY_SEC } from '../config/defaults.js';
import type { IdentityProvider } from '../config/identity-provider.js';
import type { ResolvedTokenConfig } from '../config/resolve.js';
import type { TokenSummary, Warning } from './result.js';

/**
 * A Retry-After longer than this is held for this long only (a day): a server's typo must not silence a
 * probe's token requests for a year. Reached only by a very long-lived instance.
 */
export const MAX_RETRY_AFTER_HOLD_SEC = 86_400;

/** A token obtained and fully validated by an earlier run, with what that run learnt about it. */
export interface CachedToken {
  accessToken: string;
  /** The token summary of the run that obtained it (claims, scopes, lifetime). */
  summary: TokenSummary;
  /** Warnings about the token response and its validation, repeated by every run that reuses it. */
  warnings: Warning[];
  /** When it was requested (the injected clock, ms). */
  obtainedAtMs: number;
  /** When it expires: the earlier of the request time + expires_in and the JWT exp; undefined if unknown. */
  expiresAtMs: number | undefined;
  /** `tokenFingerprint` of the probe and client it was issued for. */
  fingerprint: string;
  /** What the token is bound to and the run must present again (the DPoP key), opaque here. */
  binding?: unknown;
}

/** The token endpoint's Retry-After, held for a probe. */
export interface RetryAfterHold {
  /** No token request before this time (ms). */
  untilMs: number;
  /** The HTTP status that carried it (429 or 503). */
  status: number;
  /** The provider, when recognised, for the hint of the runs that wait. */
  provider?: IdentityProvider;
}

type ReuseSettings = NonNullable<ResolvedTokenConfig['reuse']>;

export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #holds = new Map<string, RetryAfterHold>();

  /**
   * The token `probe` may reuse at `nowMs`: issued for the same fingerprint, younger than maxAgeSec, and
   * with more than refreshBeforeExpirySec of its lifetime left (when the lifetime is known).
   */
  reusable(probe: string, fingerprint: string, nowMs: number, reuse: ReuseSettings): CachedToken | undefined {
    const cached = this.#current(probe, fingerprint, nowMs);
    if (!cached) return undefined;
    const ageMs = nowMs - cached.obtainedAtMs;
    const refreshMs = (reuse.refreshBeforeExpirySec ?? DEFAULT_REFRESH_BEFORE_EXPIRY_SEC) * 1000;
    const fresh =
      ageMs >= 0 &&
      ageMs < reuse.maxAgeSec * 1000 &&
      (cached.expiresAtMs === undefined || cached.expiresAtMs - nowMs > refreshMs);
    return fresh ? cached : undefined;
  }

  /**
   * The token of `probe` that is still valid at `nowMs` though past the reuse limits: not expired (or,
   * with no known lifetime, younger than maxAgeSec). Used only while a Retry-After holds new requests.
   */
  stillValid(probe: string, fingerprint: string, nowMs: number, reuse: ReuseSettings): CachedToken | undefined {
    const cached = this.#current(probe, fingerprint, nowMs);
    if (!cached) return undefined;
    if (cached.expiresAtMs !== undefined) return cached;
    const ageMs = nowMs - cached.obtainedAtMs;
    return ageMs >= 0 && ageMs < reuse.maxAgeSec * 1000 ? cached : undefined;
  }

  /** The cached token of `probe` if issued for `fingerprint` and not expired; anything else is dropped. */
  #current(probe: string, fingerprint: string, nowMs: number): CachedToken | undefined {
    const cached = this.#tokens.get(probe);
    if (!cached) return undefined;
    if (cached.fingerprint === fingerprint && (cached.expiresAtMs === undefined || cached.expiresAtMs > nowMs)) {
      return cached;
    }
    this.#tokens.delete(probe);
    return undefined;
  }

  store(probe: string, token: CachedToken): void {
    this.#tokens.set(probe, token);
  }

  /** Forgets `probe`'s token (a step answered 401 or 403: the next run asks for a fresh one). */
  drop(probe: string): void {
    this.#tokens.delete(probe);
  }

  /**
   * Holds `probe`'s token requests for `retryAfterSec` (at most MAX_RETRY_AFTER_HOLD_SEC) from `nowMs`;
   * false when there is nothing to hold (Retry-After 0, or not a number).
   */
  hold(probe: string, nowMs: number, retryAfterSec: number, details: Omit<RetryAfterHold, 'untilMs'>): boolean {
    const seconds = Math.min(retryAfterSec, MAX_RETRY_AFTER_HOLD_SEC);
    if (!(seconds > 0)) return false;
    this.#holds.set(probe, { ...details, untilMs: nowMs + seconds * 1000 });
    return true;
  }

  /** The hold on `probe`'s token requests at `nowMs` and the whole seconds left, or undefined once it passed. */
  held(probe: string, nowMs: number): (RetryAfterHold & { secondsLeft: number }) | undefined {
    const hold = this.#holds.get(probe);
    if (!hold) return undefined;
    if (hold.untilMs <= nowMs) {
      this.#holds.delete(probe);
      return undefined;
    }
    return { ...hold, secondsLeft: Math.ceil((hold.untilMs - nowMs) / 1000) };
  }

  /** How many probes have a token and a hold: all this object ever shows of itself. */
  get size(): { tokens: number; holds: number } {
    return { tokens: this.#tokens.size, holds: this.#holds.size };
  }

  toJSON(): { tokens: number; holds: number } {
    return this.size;
  }

  [inspect.custom](): string {
    return `TokenCache { tokens: ${this.#tokens.size}, holds: ${this.#holds.size} }`;
  }
}

/**
 * Everything that decides which token the endpoint issues and how the run validated it: a cached token
 * is reused only under the same fingerprint. Config values and the client id, never a secret.
 */
export function tokenFingerprint(
  probe: {
    tokenUrl?: string | undefined;
    issuer?: string | undefined;
    clientAuth: string;
    scope?: string | string[] | undefined;
    tokenParams?: Record<string, string> | undefined;
    tokenBinding?: string | undefined;
    credentials: { secretId: string };
    token?: Pick<ResolvedTokenConfig, 'jwt' | 'introspection' | 'requiredScopes'> | undefined;
  },
  clientId: string,
): string {
  return JSON.stringify([
    probe.tokenUrl ?? null,
    probe.issuer ?? null,
    probe.clientAuth,
    probe.scope ?? null,
    probe.tokenParams ?? null,
    probe.tokenBinding ?? null,
    probe.credentials.secretId,
    clientId,
    probe.token?.jwt ?? null,
    probe.token?.introspection ?? null,
    probe.token?.requiredScopes ?? null,
  ]);
}

/** When a token expires: the earlier of `expires_in` after the request and the JWT `exp`, if either is known. */
export function expiryOf(summary: TokenSummary, requestedAtMs: number): number | undefined {
  const candidates: number[] = [];
  if (summary.expiresIn !== null) candidates.push(requestedAtMs + summary.expiresIn * 1000);
  const exp = summary.claims?.exp;
  if (typeof exp === 'number' && Number.isFinite(exp)) candidates.push(exp * 1000);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}
