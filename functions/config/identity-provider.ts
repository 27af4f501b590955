/**
 * Which identity provider runs a token endpoint, and which quota or rate limit to look at when it
 * throttles: for the `rate_limited` hint (engine), the runbook and `validate`'s token budget warning
 * (plan/token-budget.ts). Recognised from what the config or the run can see: the token endpoint's host
 * (`*.auth0.com`, `*.okta.com`, `login.microsoftonline.com`, `*.amazoncognito.com`), its path (Keycloak's
 * `/realms/<realm>/protocol/openid-connect/token`) and, for Auth0 custom domains, the discovery metadata
 * (`mfa_challenge_endpoint`, an Auth0 extension) or the shape of the request (`/oauth/token` with an
 * `audience` parameter). Zod-free and pure, so that the engine and plan/ can both use it.
 *
 * The quota facts are the providers' own documentation as looked up on 2026-12-07 (docs/providers.md has
 * the table with sources to check): they change, so the hint names what to look at, not a number to trust.
 */

export const IDENTITY_PROVIDERS = ['Auth0', 'Okta', 'Microsoft Entra ID', 'Keycloak', 'Amazon Cognito'] as const;
export type IdentityProviderName = (typeof IDENTITY_PROVIDERS)[number];

/** When the quota facts below were looked up. */
export const PROVIDER_FACTS_DATE = '2026-12-07';

/** Auth0's free plan: machine-to-machine tokens a month before further ones are denied (2026-12-07). */
export const AUTH0_FREE_M2M_TOKENS_PER_MONTH = 1_000;

export interface IdentityProvider {
  name: IdentityProviderName;
  /** What gave it away: the host, the path, the discovery metadata, or the request's shape (a guess). */
  recognisedBy: 'host' | 'path' | 'metadata' | 'request';
  /** Which quota or rate limit to look at when it throttles, one sentence without a trailing period. */
  quota: string;
}

const QUOTAS: Record<IdentityProviderName, string> = {
  Auth0:
    "Auth0 counts every client-credentials token for a custom API against the tenant's monthly machine-to-machine token quota (free plan: 1,000 a month, then denied until the month resets; paid self-service plans: averaged over three months, then upgraded); check the tenant's M2M token usage and any fine-grained hourly or daily M2M quota, and cache tokens (token.reuse)",
  Okta: "Okta rate-limits the token endpoint per minute in one bucket shared by every custom authorization server of the org (one app may use 50 % of it by default); read X-Rate-Limit-Limit, X-Rate-Limit-Remaining and X-Rate-Limit-Reset on the 429 and the org's rate limit dashboard",
  'Microsoft Entra ID':
    'Entra ID throttles applications that request tokens too often (429 with Retry-After: 60 for client credentials), usually a client that does not cache tokens: set token.reuse',
  Keycloak:
    'Keycloak has no built-in per-client token quota: a rate limiter in front of it (gateway, ingress, WAF) answered; ask its operators which limit applies',
  'Amazon Cognito':
    "Amazon Cognito applies per-account request-rate quotas by operation category; check the account's Cognito user pool quotas in Service Quotas",
};

/** What the run or the config knows about the authorization server. */
export interface ProviderClues {
  /** The token endpoint URL (configured or discovered). */
  tokenUrl?: string | undefined;
  /** The configured issuer (a probe that discovers its token endpoint). */
  issuer?: string | undefined;
  /** The probe's extra token request parameters (Auth0's `audience`). */
  tokenParams?: Readonly<Record<string, string>> | undefined;
  /** The discovery metadata, when the run fetched it. */
  metadata?: Readonly<Record<string, unknown>> | undefined;
}

/** The provider behind a token endpoint, or undefined when nothing gives it away. */
export function identityProviderOf(clues: ProviderClues): IdentityProvider | undefined {
  const found = (name: IdentityProviderName, recognisedBy: IdentityProvider['recognisedBy']): IdentityProvider => ({
    name,
    recognisedBy,
    quota: QUOTAS[name],
  });
  const url = parse(clues.tokenUrl) ?? parse(clues.issuer);
  const host = url?.hostname.toLowerCase() ?? '';
  const byHost = providerOfHost(host);
  if (byHost) return found(byHost, 'host');
  const path = url?.pathname ?? '';
  if (/\/realms\/[^/]+(\/protocol\/openid-connect(\/token)?)?\/?$/.test(path)) return found('Keycloak', 'path');
  // Auth0 custom domains: the metadata carries Auth0's MFA API endpoint, which other servers do not publish.
  if (typeof clues.metadata?.mfa_challenge_endpoint === 'string') return found('Auth0', 'metadata');
  const tokenPath = parse(clues.tokenUrl)?.pathname.replace(/\/+$/, '');
  if (tokenPath === '/oauth/token' && typeof clues.tokenParams?.audience === 'string') return found('Auth0', 'request');
  return undefined;
}

/** The provider a host name belongs to (the providers' own domains only). */
export function providerOfHost(hostname: string): IdentityProviderName | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const under = (...domains: string[]) => domains.some((d) => host === d || host.endsWith(`.${d}`));
  if (under('auth0.com')) return 'Auth0';
  if (under('okta.com', 'oktapreview.com', 'okta-emea.com')) return 'Okta';
  if (
    under('login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn', 'ciamlogin.com')
  ) {
    return 'Microsoft Entra ID';
  }
  if (under('amazoncognito.com')) return 'Amazon Cognito';
  return undefined;
}

function parse(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
