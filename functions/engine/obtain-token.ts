/**
 * The token of a run: the one an earlier run of the probe left in the instance's token cache
 * (`token.reuse`), or a new one: discovery, the token request (a cached secret read once more on
 * `invalid_client`), validation and introspection. Keeps the cache in step: a fully validated token is
 * stored for reuse, and a Retry-After from the token endpoint holds the probe's token requests.
 *
 * A reused token is not validated again: its signature, issuer, audience, scopes and binding were
 * checked when it was issued, and the bytes have not changed. What can change is its lifetime, which the
 * cache checks (`maxAgeSec`, `refreshBeforeExpirySec`), and whether the API still accepts it, which the
 * steps find out: a 401 or 403 drops it (./run.ts). So a reused run sends the API steps only: no
 * discovery, no token request, no JWKS and no introspection request (what plan/token-budget.ts counts).
 */
import { DEFAULT_REFRESH_BEFORE_EXPIRY_SEC } from '../config/defaults.js';
import { type IdentityProvider, identityProviderOf } from '../config/identity-provider.js';
import type { RunContext } from './context.js';
import type { Credentials } from './credentials.js';
import { loadCredentials } from './credentials.js';
import { discover, type ServerMetadata } from './discovery.js';
import { adoptDpopKey, type DpopKey, runDpopKey, usesDpop } from './dpop.js';
import { ProbeFailure } from './failure.js';
import { introspectToken } from './introspection.js';
import type { TokenSummary } from './result.js';
import { type CachedToken, expiryOf, type RetryAfterHold, tokenFingerprint } from './token-cache.js';
import { requestToken, scopeParam, type TokenResponse } from './token-request.js';
import { validateToken } from './token-validation.js';

/** What the run reports as soon as it is known, so that a later failure still carries it. */
export interface TokenReports {
  /** The token summary (of this run's token, or of the run that obtained the reused one). */
  onSummary: (summary: TokenSummary) => void;
  /** Days left on the credential read again after an `invalid_client` (a rotation). */
  onCredentialDaysLeft: (days: number) => void;
}

/** The statuses whose Retry-After holds the token requests: too many requests, service unavailable. */
const HOLDING_STATUSES = new Set([429, 503]);

/** The access token of the run. */
export async function obtainToken(ctx: RunContext, credentials: Credentials, reports: TokenReports): Promise<string> {
  const { probe, deps } = ctx;
  const cache = deps.tokens;
  if (!cache) return issueToken(ctx, credentials, reports);
  const reuse = probe.token?.reuse;
  const fingerprint = tokenFingerprint(probe, credentials.secret.client_id);
  const now = deps.clock.now();
  const cached = reuse ? cache.reusable(probe.name, fingerprint, now, reuse) : undefined;
  if (cached) return reuseToken(ctx, cached, credentials, reports);
  const held = cache.held(probe.name, now);
  if (!held) return issueToken(ctx, credentials, reports);
  // The endpoint asked us to wait: a token that still works beats a failure the probe caused itself.
  const fallback = reuse ? cache.stillValid(probe.name, fingerprint, now, reuse) : undefined;
  if (!fallback) throw heldFailure(held);
  ctx.warn(
    'token_reused_during_retry_after',
    `the token endpoint's Retry-After holds token requests for ${held.secondsLeft} s more: reused a token past token.reuse's limits${fallback.expiresAtMs !== undefined ? ` (it expires in ${Math.max(0, Math.floor((fallback.expiresAtMs - now) / 1000))} s)` : ''}`,
  );
  return reuseToken(ctx, fallback, credentials, reports);
}

function reuseToken(ctx: RunContext, cached: CachedToken, credentials: Credentials, reports: TokenReports): string {
  ctx.redactor.add(cached.accessToken);
  if (cached.binding) adoptDpopKey(ctx, cached.binding as Promise<DpopKey>, credentials.secret);
  // What the issuing run found about the token response still describes this token.
  for (const warning of cached.warnings) ctx.warn(warning.code, warning.message);
  reports.onSummary({ ...structuredClone(cached.summary), reused: true });
  return cached.accessToken;
}

/** No request: the endpoint's Retry-After still runs. Reported as `rate_limited` with the seconds left. */
function heldFailure(held: RetryAfterHold & { secondsLeft: number }): ProbeFailure {
  return new ProbeFailure(
    'token',
    'rate_limited',
    `token request not sent: the token endpoint answered ${held.status} with Retry-After, ${held.secondsLeft} s left`,
    {
      target: 'the token endpoint',
      retryAfterSec: held.secondsLeft,
      retryAfterHeld: true,
      httpStatus: null,
      ...(held.provider ? { provider: held.provider } : {}),
    },
  );
}

async function issueToken(ctx: RunContext, first: Credentials, reports: TokenReports): Promise<string> {
  const { probe, deps } = ctx;
  const warningsBefore = ctx.warnings.length;
  let credentials = first;
  let metadata: ServerMetadata | undefined;
  const needsJwksFromDiscovery = probe.token?.jwt && !probe.token.jwt.jwksUri;
  const needsIntrospectionFromDiscovery = probe.token?.introspection && !probe.token.introspection.url;
  if (probe.issuer && (!probe.tokenUrl || needsJwksFromDiscovery || needsIntrospectionFromDiscovery)) {
    metadata = await discover(ctx, probe.issuer);
  }
  const tokenUrl =
    probe.tokenUrl ??
    (probe.clientAuth === 'tls_client_auth' ? metadata?.mtls_endpoint_aliases?.token_endpoint : undefined) ??
    metadata!.token_endpoint;
  const provider = identityProviderOf({
    tokenUrl,
    issuer: probe.issuer,
    tokenParams: probe.tokenParams,
    metadata: metadata as Record<string, unknown> | undefined,
  });

  const requestedAtMs = deps.clock.now();
  let response: TokenResponse;
  try {
    try {
      response = await requestToken(ctx, tokenUrl, credentials.secret, { provider });
    } catch (error) {
      // A cached secret may be stale after a rotation: read it fresh and try once more.
      if (!(error instanceof ProbeFailure && error.code === 'invalid_client' && credentials.fromCache)) throw error;
      credentials = await loadCredentials(ctx, { bypassCache: true });
      if (credentials.daysLeft !== undefined) reports.onCredentialDaysLeft(credentials.daysLeft);
      response = await requestToken(ctx, tokenUrl, credentials.secret, { provider });
    }
  } catch (error) {
    holdOnRetryAfter(ctx, error, provider);
    throw error;
  }

  const scope = scopeParam(probe.scope);
  let summary: TokenSummary | undefined;
  const validated = await validateToken(ctx, response, {
    ...(metadata?.jwks_uri ? { discoveredJwksUri: metadata.jwks_uri } : {}),
    requestedScopes: scope ? scope.split(' ') : [],
    secret: credentials.secret,
    onSummary: (issued) => {
      summary = issued;
      reports.onSummary(issued);
    },
  });
  const discoveredIntrospection = metadata?.introspection_endpoint;
  await introspectToken(
    ctx,
    validated.accessToken,
    credentials.secret,
    typeof discoveredIntrospection === 'string' ? discoveredIntrospection : undefined,
  );
  if (summary) keepForReuse(ctx, validated.accessToken, summary, credentials, requestedAtMs, warningsBefore);
  return validated.accessToken;
}

/** A 429 or 503 with Retry-After from the token endpoint: the probe's next runs here wait that long. */
function holdOnRetryAfter(ctx: RunContext, error: unknown, provider: IdentityProvider | undefined): void {
  const cache = ctx.deps.tokens;
  if (!cache || !(error instanceof ProbeFailure) || error.stage !== 'token') return;
  const { retryAfterSec, httpStatus } = error.context;
  if (retryAfterSec === undefined || typeof httpStatus !== 'number' || !HOLDING_STATUSES.has(httpStatus)) return;
  const held = cache.hold(ctx.probe.name, ctx.deps.clock.now(), retryAfterSec, {
    status: httpStatus,
    ...(provider ? { provider } : {}),
  });
  if (held) error.context.retryAfterHonoured = true;
}

/** Stores a token that passed every check, when the probe reuses tokens; warns when its lifetime cuts reuse short. */
function keepForReuse(
  ctx: RunContext,
  accessToken: string,
  summary: TokenSummary,
  credentials: Credentials,
  requestedAtMs: number,
  warningsBefore: number,
): void {
  const { probe, deps } = ctx;
  const reuse = probe.token?.reuse;
  if (!deps.tokens || !reuse) return;
  const expiresAtMs = expiryOf(summary, requestedAtMs);
  if (expiresAtMs !== undefined) {
    // As the server states it (expires_in), else from the JWT exp (whole seconds, so rounded up).
    const lifetimeSec = summary.expiresIn ?? Math.ceil((expiresAtMs - requestedAtMs) / 1000);
    const refreshSec = reuse.refreshBeforeExpirySec ?? DEFAULT_REFRESH_BEFORE_EXPIRY_SEC;
    const usableSec = lifetimeSec - refreshSec;
    if (usableSec < reuse.maxAgeSec) {
      ctx.warn(
        'token_reuse_limited',
        usableSec <= 0
          ? `the token lives ${lifetimeSec} s, no longer than token.reuse.refreshBeforeExpirySec (${refreshSec} s): it is never reused; lower refreshBeforeExpirySec`
          : `the token lives ${lifetimeSec} s: with refreshBeforeExpirySec ${refreshSec} s it is reused for ${usableSec} s at most, not token.reuse.maxAgeSec ${reuse.maxAgeSec} s (more token requests than planned)`,
      );
    }
  }
  const binding = usesDpop(ctx) ? runDpopKey(ctx) : undefined;
  deps.tokens.store(probe.name, {
    accessToken,
    summary: structuredClone(summary),
    warnings: ctx.warnings.slice(warningsBefore).map((warning) => ({ ...warning })),
    obtainedAtMs: requestedAtMs,
    expiresAtMs,
    fingerprint: tokenFingerprint(probe, credentials.secret.client_id),
    ...(binding ? { binding } : {}),
  });
}
