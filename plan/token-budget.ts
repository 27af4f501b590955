/**
 * The token budget of a deployment: how many token requests (and discovery, JWKS and introspection
 * requests) each authorization server gets a month from the probes, summed over probes and regions, and
 * the `validate` warning for a probe that would exhaust Auth0's free machine-to-machine token quota.
 * Pure and synchronous: resolved probes in, numbers out (`validate`'s summary and `cost --json`'s
 * `identityProviders` read it).
 *
 * The model is what the engine does (functions/engine/obtain-token.ts):
 * - without `token.reuse`, every run requests a token, in every region;
 * - with it, a run reuses the token an earlier run obtained in the same warm instance while the token is
 *   younger than `maxAgeSec`: one token per ceil(maxAgeSec / interval) runs, plus one per cold start (a
 *   new instance has no token), never more than the runs. This assumes the provider's tokens live longer
 *   than maxAgeSec + refreshBeforeExpirySec (the run warns `token_reuse_limited` when they do not), and
 *   it is an upper bound: an instance that lives exactly a whole number of maxAgeSec needs no extra token
 *   at its start;
 * - discovery (a probe with `issuer` that needs the metadata), JWKS (`token.jwt`) and introspection
 *   (`token.introspection`) go with each token request, one each; a reused run sends none of them. (A
 *   discovery that falls back to the second metadata URL, a JWKS refetched for an unknown `kid` or a DPoP
 *   nonce retry add requests this count leaves out.)
 */
import {
  AUTH0_FREE_M2M_TOKENS_PER_MONTH,
  type IdentityProvider,
  identityProviderOf,
} from '../functions/config/identity-provider.js';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import { runsPerMonth } from '../functions/config/schedule.js';

/** Seconds in the 30-day month that `runsPerMonth` counts in. */
const SECONDS_PER_MONTH = 30 * 24 * 3600;

/** Cold starts a month of one region's probe function instance(s) running `probe` (the cost model's). */
export type ColdStartsPerMonth = (probe: ResolvedProbe) => number;

/** What one authorization server gets from the deployment in a month. */
export interface IdentityProviderBudget {
  /** The token endpoint's host (with a non-default port), or the issuer's for a probe that discovers it. */
  host: string;
  /** Client-credentials token requests, summed over probes and regions. */
  tokenRequestsPerMonth: number;
  /** Discovery, JWKS and introspection requests to it, summed over probes and regions. */
  otherRequestsPerMonth: number;
  /** The probes that ask it for tokens, in config order. */
  probes: string[];
}

/** One probe's requests a month, all regions together. */
export interface ProbeTokenBudget {
  probe: string;
  host: string;
  regions: number;
  runsPerMonth: number;
  tokenRequestsPerMonth: number;
  otherRequestsPerMonth: number;
}

/** Token requests `probe` makes a month in ONE region, given that region's cold starts. */
export function tokenRequestsPerRegion(probe: ResolvedProbe, coldStarts: number): number {
  if (probe.enabled === false) return 0;
  const runs = runsPerMonth(probe.schedule);
  const reuse = probe.token?.reuse;
  if (!reuse || runs <= 0) return runs;
  const intervalSec = SECONDS_PER_MONTH / runs;
  // A token serves the run that obtained it and every later run younger than maxAgeSec.
  const runsPerToken = Math.max(1, Math.ceil(reuse.maxAgeSec / intervalSec));
  return Math.min(runs, Math.ceil(runs / runsPerToken) + Math.max(0, Math.ceil(coldStarts)));
}

/** Discovery, JWKS and introspection requests that come with each token request of `probe`. */
export function otherRequestsPerToken(probe: ResolvedProbe): number {
  const jwt = probe.token?.jwt;
  const introspection = probe.token?.introspection;
  const discovers =
    probe.issuer !== undefined && (!probe.tokenUrl || (jwt && !jwt.jwksUri) || (introspection && !introspection.url));
  return (discovers ? 1 : 0) + (jwt ? 1 : 0) + (introspection ? 1 : 0);
}

/** The host a probe's token requests go to (the issuer's when the endpoint is discovered). */
export function tokenHost(probe: Pick<ResolvedProbe, 'tokenUrl' | 'issuer'>): string {
  for (const url of [probe.tokenUrl, probe.issuer]) {
    if (!url) continue;
    try {
      return new URL(url).host.toLowerCase();
    } catch {
      // The schema accepts only absolute URLs; an unparsable one is left to the next candidate.
    }
  }
  return '(unknown)';
}

/** Each probe's token and other requests a month, all its regions together. */
export function probeTokenBudgets(
  probes: readonly ResolvedProbe[],
  coldStartsPerMonth: ColdStartsPerMonth,
): ProbeTokenBudget[] {
  return probes
    .filter((probe) => probe.enabled !== false)
    .map((probe) => {
      const regions = probe.regions.length;
      const tokens = tokenRequestsPerRegion(probe, coldStartsPerMonth(probe)) * regions;
      return {
        probe: probe.name,
        host: tokenHost(probe),
        regions,
        runsPerMonth: runsPerMonth(probe.schedule) * regions,
        tokenRequestsPerMonth: tokens,
        otherRequestsPerMonth: tokens * otherRequestsPerToken(probe),
      };
    });
}

/**
 * Per authorization server (token endpoint host): token requests and other requests a month, summed over
 * probes and regions; the busiest first.
 */
export function tokenBudget(
  probes: readonly ResolvedProbe[],
  coldStartsPerMonth: ColdStartsPerMonth,
): IdentityProviderBudget[] {
  const hosts = new Map<string, IdentityProviderBudget>();
  for (const budget of probeTokenBudgets(probes, coldStartsPerMonth)) {
    const entry = hosts.get(budget.host) ?? {
      host: budget.host,
      tokenRequestsPerMonth: 0,
      otherRequestsPerMonth: 0,
      probes: [],
    };
    entry.tokenRequestsPerMonth += budget.tokenRequestsPerMonth;
    entry.otherRequestsPerMonth += budget.otherRequestsPerMonth;
    entry.probes.push(budget.probe);
    hosts.set(budget.host, entry);
  }
  return [...hosts.values()].sort(
    (a, b) => b.tokenRequestsPerMonth - a.tokenRequestsPerMonth || a.host.localeCompare(b.host),
  );
}

/** A `validate` warning about a probe's token requests. */
export interface TokenBudgetWarning {
  /** Index of the probe in the probes given (the config's order when given all of them). */
  index: number;
  probe: string;
  host: string;
  provider: IdentityProvider;
  tokenRequestsPerMonth: number;
  /** `warning: probes[0] "billing-api" will request about 86,400 tokens a month ...`, one line. */
  message: string;
}

/** maxAgeSec values the warning may suggest, from an hour to a day (Auth0 tokens live a day by default). */
const SUGGESTED_MAX_AGES_SEC = [3_600, 7_200, 14_400, 21_600, 43_200, 86_400] as const;

/**
 * The warning for each probe whose token endpoint is Auth0 (`*.auth0.com`, or a custom domain that the
 * config gives away: `/oauth/token` with an `audience` parameter) and that will request more than Auth0's
 * free plan allows in a month (1,000 M2M tokens, then denied until the month resets): the figure, and the
 * `token.reuse` that brings it under, when one can.
 */
export function tokenBudgetWarnings(
  probes: readonly ResolvedProbe[],
  coldStartsPerMonth: ColdStartsPerMonth,
): TokenBudgetWarning[] {
  const warnings: TokenBudgetWarning[] = [];
  probes.forEach((probe, index) => {
    if (probe.enabled === false) return;
    const provider = identityProviderOf({
      tokenUrl: probe.tokenUrl,
      issuer: probe.issuer,
      tokenParams: probe.tokenParams,
    });
    if (provider?.name !== 'Auth0') return;
    const coldStarts = coldStartsPerMonth(probe);
    const regions = probe.regions.length;
    const tokens = tokenRequestsPerRegion(probe, coldStarts) * regions;
    if (tokens <= AUTH0_FREE_M2M_TOKENS_PER_MONTH) return;
    const host = tokenHost(probe);
    const which =
      provider.recognisedBy === 'host'
        ? `${host} (Auth0)`
        : `${host}, which looks like an Auth0 custom domain (/oauth/token with an audience parameter)`;
    const reuse = probe.token?.reuse;
    const how = `${probe.schedule} × ${regions} region${regions === 1 ? '' : 's'}${reuse ? `, token.reuse.maxAgeSec ${reuse.maxAgeSec}` : ''}`;
    warnings.push({
      index,
      probe: probe.name,
      host,
      provider,
      tokenRequestsPerMonth: tokens,
      message: `warning: probes[${index}] "${probe.name}" will request about ${formatCount(tokens)} tokens a month from ${which} (${how}); Auth0 counts each against the tenant's machine-to-machine token quota, and its free plan allows ${formatCount(AUTH0_FREE_M2M_TOKENS_PER_MONTH)} a month, then denies further tokens until the month resets (check your plan's quota). ${remedy(probe, coldStarts, regions)}`,
    });
  });
  return warnings;
}

/** What brings the probe under the free quota: the smallest suggested token.reuse that does, or why none can. */
function remedy(probe: ResolvedProbe, coldStarts: number, regions: number): string {
  const current = probe.token?.reuse?.maxAgeSec ?? 0;
  for (const maxAgeSec of SUGGESTED_MAX_AGES_SEC) {
    if (maxAgeSec <= current) continue;
    const withReuse: ResolvedProbe = { ...probe, token: { ...probe.token, reuse: { maxAgeSec } } };
    const tokens = tokenRequestsPerRegion(withReuse, coldStarts) * regions;
    if (tokens <= AUTH0_FREE_M2M_TOKENS_PER_MONTH) {
      return `${current ? 'Raise token.reuse.maxAgeSec' : 'Set token.reuse'}: with "token": { "reuse": { "maxAgeSec": ${maxAgeSec} } } it requests about ${formatCount(tokens)} a month.`;
    }
  }
  const day: ResolvedProbe = { ...probe, token: { ...probe.token, reuse: { maxAgeSec: 86_400 } } };
  const floor = tokenRequestsPerRegion(day, coldStarts) * regions;
  return `Even "token": { "reuse": { "maxAgeSec": 86400 } } leaves about ${formatCount(floor)} a month (a new instance starts without a token): run it from fewer regions or less often, or plan for a paid Auth0 quota.`;
}

/** 86400 → "86,400". */
function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
