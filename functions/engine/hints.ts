/**
 * Code → one line an on-call engineer can act on, specialised by what we know about the failure.
 * Hints quote the RFC clause that decides when that helps settle an argument with a provider.
 */

import type { FailureContext } from './failure.js';
import type { ResultCode, Stage } from './result.js';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post']);

/** `detail` of a `timeout` reported by the Lambda runtime when the engine overran its own deadline. */
export const ENGINE_OVERRUN_DETAIL = 'engine_overrun';
/** `target` of an `invalid_config` reported by the Lambda runtime for a schedule event it cannot read. */
export const SCHEDULE_EVENT_TARGET = 'the schedule event';

/**
 * The hint of a code. Longer than the house limit of ~80 lines on purpose: it is a table, one case per
 * code, and the switch is exhaustive over `ResultCode`, so a new code fails the typecheck until it has a hint.
 */
export function hintFor(code: ResultCode, stage: Stage | null, ctx: FailureContext = {}): string {
  const target = ctx.target ?? 'the server';
  const host = ctx.host ?? 'the host';
  switch (code) {
    case 'dns_failure':
      return `${host} does not resolve: check the host name in the URL, and the DNS resolver (VPC settings) where the probe runs.`;
    case 'connection_refused':
      return `nothing accepts connections on ${host}: the server is down or the port is wrong.`;
    case 'connection_error':
      if (ctx.wrongScheme === 'https') return `${host} speaks TLS on this port: use https:// in the URL.`;
      return `the connection to ${host} broke before a complete response${ctx.transport?.errorCode ? ` (${ctx.transport.errorCode})` : ''}: look at load balancers, proxies or firewalls in between, and at the server's logs.`;
    case 'timeout':
      if (ctx.detail === ENGINE_OVERRUN_DETAIL) {
        return "the engine overran its own deadline: a failure of oauth-probe itself (report it); the probed servers may also be very slow, see the function's log.";
      }
      if (ctx.detail === 'deadline') {
        return 'the whole run exceeded deadlineMs: raise deadlineMs, or find which exchange is slow in `exchanges`.';
      }
      return `${target} did not answer in time: it hangs, or packets are dropped (a firewall looks the same); raise timeoutMs only if it is legitimately slow.`;
    case 'tls_error':
      return tlsHint(ctx);
    case 'secret_not_found':
      return `no secret "${ctx.secretId ?? '?'}": check credentials.secretId (and the region, for Secrets Manager).`;
    case 'secret_malformed':
      return `the secret must be a JSON object with "client_id"${ctx.clientAuth ? ` and, for ${ctx.clientAuth}, ${needed(ctx.clientAuth)}` : ''}${ctx.detail ? `; ${ctx.detail}` : ''}.`;
    case 'secret_access_denied':
      return 'the probe cannot read the secret: allow secretsmanager:GetSecretValue on it (and kms:Decrypt for a customer-managed key).';
    case 'secret_unavailable':
      return "the secret store could not be reached: this is the probe's own infrastructure failing, not the authorization server.";
    case 'credentials_expired':
      return `the credential expired${ctx.expiresAt ? ` at ${ctx.expiresAt}` : ''}: issue a new one at the provider (Entra client secrets last at most 24 months) and update credentials.secretId.`;
    case 'discovery_failed':
      return 'no usable metadata at <issuer>/.well-known/oauth-authorization-server (RFC 8414) nor /.well-known/openid-configuration: check `issuer`, or set `tokenUrl` (and token.jwt.jwksUri) instead.';
    case 'issuer_mismatch':
      return `RFC 8414 §3.3: the metadata issuer must be identical to the configured one${ctx.detail ? ` (${ctx.detail})` : ''}; mind the trailing slash, and fix \`issuer\` in probes.json.`;
    case 'invalid_client':
      return invalidClientHint(ctx);
    case 'invalid_scope':
      return `the client may not be granted the requested scope${ctx.scopes?.length ? ` (${ctx.scopes.join(' ')})` : ''}: grant it to the client or fix \`scope\` (Okta's org server rejects custom scopes; Entra ID wants "<resource>/.default").`;
    case 'invalid_request':
      return 'the token endpoint found the request malformed (RFC 6749 §5.2): check tokenParams, scope and the client authentication method.';
    case 'invalid_grant':
      return 'RFC 6749 §5.2 invalid_grant: for client credentials this usually means a policy on the client or the API denies it.';
    case 'unauthorized_client':
      return 'the client is not allowed the client_credentials grant: enable it for the client (Auth0: "Grant type \'client_credentials\' not allowed for the client").';
    case 'unsupported_grant_type':
      return 'the server does not support client_credentials at this endpoint: check tokenUrl.';
    case 'invalid_target':
      return 'RFC 8707 §2: the requested resource is not valid for this client; check tokenParams.resource (an absolute URI without a fragment) or audience.';
    case 'oauth_error':
      return oauthErrorHint(ctx);
    case 'rate_limited':
      return rateLimitedHint(stage, ctx);
    case 'server_error':
      return `${target} failed with HTTP ${ctx.httpStatus ?? '5xx'}: an outage on the server side; check its status page and logs.`;
    case 'unexpected_status':
      if (stage === 'token') {
        return `the token endpoint answered HTTP ${ctx.httpStatus ?? '?'} without an OAuth error body: is tokenUrl right (404/405 mean a wrong path)?`;
      }
      return `${target} answered HTTP ${ctx.httpStatus ?? '?'}${ctx.detail ? `, ${ctx.detail}` : ''}.`;
    case 'malformed_response':
      return `${target} did not answer with a JSON object (${ctx.bodyKind ?? 'unknown'} body): a proxy, WAF or login page answered instead; check tokenUrl.`;
    case 'missing_access_token':
      return 'RFC 6749 §5.1: a successful token response must carry a non-empty access_token.';
    case 'malformed_access_token':
      return 'RFC 6750 §2.1: a bearer token is a b64token (letters, digits, -._~+/ and trailing =); this one has control or non-ASCII characters, so it cannot be sent in an Authorization header: a fault of the token endpoint, not of the network.';
    case 'unsupported_token_type':
      return 'the probe (like RFC 6750 clients) uses Bearer tokens; the server issued another token_type (DPoP? MAC?) or none.';
    case 'invalid_expires_in':
      return 'RFC 6749 §5.1: expires_in must be a positive number of seconds; clients that cache tokens will misbehave.';
    case 'scope_not_granted':
      return `the server granted fewer scopes than token.requiredScopes${ctx.detail ? ` (missing: ${ctx.detail})` : ''}: grant them to the client (RFC 6749 §3.3 lets a server narrow the scope).`;
    case 'jwt_malformed':
      return 'the access token is not a valid JWS: the provider issues opaque tokens for this API (remove token.jwt), or the token is corrupt.';
    case 'jwt_signature_invalid':
      return `the signature does not verify${ctx.keyId ? ` (kid ${ctx.keyId})` : ''}: the signing key is not in the JWKS (rotation?), the algorithm is not in token.jwt.algorithms, or jwksUri is another server's.`;
    case 'jwt_expired':
      return 'the token is already expired on arrival: the server clock or ours is wrong, or the lifetime is shorter than clockToleranceSec.';
    case 'jwt_not_yet_valid':
      return 'the token is not valid yet (nbf/iat in the future): the server clock runs ahead of ours; check NTP on both sides.';
    case 'jwt_issuer_mismatch':
      return "the token's iss is not the expected issuer: they are compared exactly, trailing slash included; fix token.jwt.issuer (or the probe issuer).";
    case 'jwt_audience_mismatch':
      return 'the token is not for this API (RFC 9700 §2.3): request the right audience or resource (Auth0 `audience`, RFC 8707 `resource` in tokenParams), or fix token.jwt.audience.';
    case 'jwt_claim_invalid':
      return 'compare token.jwt.requiredClaims and requireTyp with what the provider issues (Keycloak and PingFederate send no typ at+jwt).';
    case 'jwks_unavailable':
      // Fetched, but the key that matches the token is broken (detail says how): the provider's JWKS is at fault.
      if (ctx.target === 'JWKS' && ctx.detail)
        return `the JWKS was fetched, but its key for this token is unusable (${ctx.detail}): the provider publishes a broken key; raise it with the provider.`;
      return 'the signing keys could not be fetched: check token.jwt.jwksUri (or the jwks_uri from discovery) and that it returns {"keys": [...]}.';
    case 'invalid_token':
      return `${target} rejected the token (RFC 6750 §3.1 invalid_token): it may expect another issuer or audience, or hold a stale JWKS after a key rotation.`;
    case 'insufficient_scope':
      return `${target} needs a scope the token lacks (RFC 6750 §3.1)${ctx.detail ? `: ${ctx.detail}` : ''}; add it to \`scope\` and grant it to the client.`;
    case 'unauthorized':
      return `${target} answered 401 without an error code: RFC 6750 §3.1 sends none when no credentials arrived; does a proxy strip the Authorization header?`;
    case 'forbidden':
      return `${target} answered 403: the token was accepted but the caller is not allowed (an authorization policy, not authentication).`;
    case 'assertion_failed':
      return `the response did not meet the step's expectations${ctx.detail ? `: ${ctx.detail}` : ''}; the API changed, or the expectation is stale.`;
    case 'accepts_invalid_token':
      return `SECURITY: ${target} accepted a request it must refuse${ctx.detail ? ` (${ctx.detail})` : ''}: it is not validating bearer tokens (a removed middleware, a disabled gateway rule, alg not pinned). Treat it as an incident.`;
    case 'dpop_rejected':
      return `${target} refused the DPoP proof (RFC 9449)${ctx.detail ? `: ${ctx.detail}` : ''}: check the allowed dpop_signing_alg_values, the server's clock (iat), the nonce it asks for, and that htu matches the URL it sees behind proxies.`;
    case 'token_not_bound':
      return `the token is not sender-constrained as tokenBinding requires${ctx.detail ? ` (${ctx.detail})` : ''}: enable DPoP (RFC 9449) or certificate-bound tokens (RFC 8705) for this client at the authorization server, or remove tokenBinding.`;
    case 'token_inactive':
      return `the authorization server's introspection says the token is not usable${ctx.detail ? ` (${ctx.detail})` : ''} (RFC 7662 §2.2): it was revoked, expired at once, or belongs to another client.`;
    case 'introspection_failed':
      return `the introspection endpoint did not answer as RFC 7662 §2.2 requires${ctx.detail ? ` (${ctx.detail})` : ''}: check token.introspection.url (or introspection_endpoint in discovery) and that the client may introspect.`;
    case 'slow_response':
      return `${target} is slower than its degradedMs threshold${ctx.detail ? ` (${ctx.detail})` : ''}; see the phase timings in exchanges.`;
    case 'invalid_config':
      if (ctx.target === SCHEDULE_EVENT_TARGET) {
        return 'the deployed schedule input does not match the probe event contract: redeploy with the current CDK app (cdk deploy) so that the schedule and the function agree.';
      }
      return `fix the probe configuration${ctx.detail ? `: ${ctx.detail}` : ''}.`;
    case 'internal_error':
      return "a bug in oauth-probe, not in the probed system: please report it with this message (in Lambda, with the probe function's log).";
  }
}

/**
 * A throttled run: what the server asked, what this instance does about it, and for the token endpoint
 * which quota to look at (the provider's, when recognised: docs/providers.md).
 */
function rateLimitedHint(stage: Stage | null, ctx: FailureContext): string {
  const quota = providerQuota(stage, ctx);
  if (ctx.retryAfterHeld) {
    return `no token request was sent: the token endpoint answered an earlier run with Retry-After, and runs of this probe in this instance wait ${ctx.retryAfterSec ?? '?'} s more (with token.reuse, a still-valid token is used meanwhile).${quota}`;
  }
  const retry = ctx.retryAfterSec !== undefined ? `; Retry-After: ${ctx.retryAfterSec} s` : ' (no Retry-After)';
  const limits = ctx.rateLimit ? ` (${ctx.rateLimit})` : '';
  const advice =
    stage === 'token'
      ? 'request tokens less often (token.reuse, a slower schedule) or ask for a higher quota'
      : 'probe less often or ask for a higher quota';
  const honoured = ctx.retryAfterHonoured
    ? ' Runs of this probe in this instance send no token request until the time has passed.'
    : '';
  return `${ctx.target ?? 'the server'} is throttling the probe${retry}${limits}: ${advice}.${honoured}${quota}`;
}

/** The quota sentence of a token endpoint's throttling: the provider's if known, else what to ask. */
function providerQuota(stage: Stage | null, ctx: FailureContext): string {
  if (stage !== 'token') return '';
  const provider = ctx.provider;
  if (!provider) {
    return ' Ask the provider which token quota or rate limit applies (per minute, per month) and which other clients share it.';
  }
  if (provider.recognisedBy === 'request') {
    return ` The token endpoint looks like ${provider.name} (/oauth/token with an audience parameter): ${provider.quota}.`;
  }
  return ` ${provider.quota}.`;
}

function needed(method: string): string {
  if (SECRET_METHODS.has(method)) return '"client_secret"';
  if (method === 'private_key_jwt') return '"private_key" (PEM), optionally "key_id" and "algorithm"';
  return '"certificate" and "private_key" (PEM)';
}

function invalidClientHint(ctx: FailureContext): string {
  const secretRef = `Check credentials.secretId${ctx.secretId ? ` ("${ctx.secretId}")` : ''}.`;
  switch (ctx.clientAuth) {
    case 'client_secret_basic':
      return `the token endpoint rejected the client credentials: was the secret rotated or has it expired? ${secretRef}${ctx.secretNeedsEncoding ? ' The secret has characters that RFC 6749 §2.3.1 form-encodes before Base64 (+ / % & ...), which some servers do not decode: try client_secret_post.' : ''}`;
    case 'client_secret_post':
      return `the token endpoint rejected the client credentials: was the secret rotated or has it expired? ${secretRef}`;
    case 'private_key_jwt':
      return `the token endpoint rejected the client assertion: is the public key${ctx.keyId ? ` (kid ${ctx.keyId})` : ''} registered for the client, the algorithm allowed, our clock right? (RFC 7523 §3: aud is the token endpoint) ${secretRef}`;
    case 'tls_client_auth':
      return `the token endpoint did not accept the client certificate: does its subject match the registration, and does it reach the server (a TLS-terminating proxy drops it)? ${secretRef}`;
    default:
      return `the token endpoint rejected the client authentication. ${secretRef}`;
  }
}

function oauthErrorHint(ctx: FailureContext): string {
  const error = ctx.oauth?.error ?? '?';
  const description = typeof ctx.oauth?.error_description === 'string' ? ctx.oauth.error_description : '';
  const aadsts = /AADSTS\d+/.exec(description)?.[0];
  if (aadsts || ctx.oauth?.error_codes !== undefined) {
    return `Entra ID error ${aadsts ?? `"${error}"`}: look the AADSTS code up rather than relying on the description text (Microsoft says it changes).`;
  }
  if (error === 'access_denied') {
    return 'access_denied is not an RFC 6749 §5.2 code; Auth0 sends it when the client has no grant for the API: create a client grant for the `audience`.';
  }
  return `"${error}" is not an RFC 6749 §5.2 error code: read the provider's documentation for it.`;
}

function tlsHint(ctx: FailureContext): string {
  const code = ctx.transport?.errorCode ?? '';
  const host = ctx.host ?? 'the server';
  if (ctx.wrongScheme === 'http')
    return `${host} speaks plain HTTP on this port, not TLS: use http:// in the URL (or the server's TLS port).`;
  if (code === 'CERT_HAS_EXPIRED') return `the certificate of ${host} has expired: renew it (see certDaysLeft).`;
  if (code === 'CERT_NOT_YET_VALID')
    return `the certificate of ${host} is not valid yet: check the server's certificate dates and our clock.`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return `the certificate of ${host} does not name this host: use the host name the certificate was issued for.`;
  }
  if (/SELF_SIGNED|UNABLE_TO|UNTRUSTED/.test(code)) {
    return `the certificate of ${host} is not trusted: for a private CA, set tls.ca to its PEM.`;
  }
  if (ctx.clientAuth === 'tls_client_auth') {
    return `the TLS handshake with ${host} failed (${code || 'no code'}): the server may have refused the client certificate.`;
  }
  return `the TLS handshake with ${host} failed (${code || 'no code'}): check the server's TLS configuration.`;
}
