/**
 * The token request (RFC 6749 §4.4) and the classification of its failures (§5.2).
 */

import { RESERVED_TOKEN_PARAMS } from '../config/defaults.js';
import type { IdentityProvider } from '../config/identity-provider.js';
import { classifyTokenResponse, retryAfterSeconds } from './classify.js';
import { authenticateClient, formEncode } from './client-auth.js';
import type { RunContext } from './context.js';
import { dpopKey, dpopNonceChallenge, dpopProof, isDpopRefusal, usesDpop } from './dpop.js';
import { ProbeFailure } from './failure.js';
import type { HttpResponse } from './http.js';
import type { Exchange } from './result.js';
import type { ClientSecret } from './types.js';

export interface TokenResponse {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  exchange: Exchange;
}

/** The `scope` parameter: a string as is, an array space-joined. */
export function scopeParam(scope: string | string[] | undefined): string | undefined {
  if (scope === undefined) return undefined;
  return Array.isArray(scope) ? scope.join(' ') : scope;
}

/** Form parameters that the probe sets itself; tokenParams cannot override them. */
const RESERVED = new Set<string>(RESERVED_TOKEN_PARAMS);

export interface TokenRequestOptions {
  /** The provider behind the endpoint, when recognised: the hint of a throttled request names its quota. */
  provider?: IdentityProvider | undefined;
}

export async function requestToken(
  ctx: RunContext,
  tokenUrl: string,
  secret: ClientSecret,
  options: TokenRequestOptions = {},
): Promise<TokenResponse> {
  const { probe } = ctx;
  const method = probe.clientAuth;
  const scope = scopeParam(probe.scope);
  /** Client authentication and, for DPoP, a proof: both fresh for every attempt (RFC 7523 §3 jti, RFC 9449 jti). */
  const prepare = async (nonce?: string) => {
    const auth = await authenticateClient(method, secret, tokenUrl, ctx.deps.clock);
    for (const value of auth.secrets) ctx.redactor.add(value);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    for (const [name, value] of Object.entries(probe.tokenParams ?? {})) {
      if (!RESERVED.has(name)) form.set(name, value);
    }
    for (const [name, value] of Object.entries(auth.form)) form.set(name, value);
    const headers: Record<string, string> = { ...auth.headers };
    if (usesDpop(ctx)) {
      const key = await dpopKey(ctx, secret);
      headers.dpop = await dpopProof(ctx, key, { method: 'POST', url: tokenUrl, ...(nonce ? { nonce } : {}) });
    }
    return { auth, form, headers };
  };

  const hintContext = {
    clientAuth: method,
    secretId: probe.credentials.secretId,
    ...(secret.key_id ? { keyId: secret.key_id } : {}),
    ...(method === 'client_secret_basic' &&
    secret.client_secret &&
    formEncode(secret.client_secret) !== secret.client_secret
      ? { secretNeedsEncoding: true }
      : {}),
    ...(scope ? { scopes: scope.split(' ') } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  };
  const send = async (nonce?: string) => {
    const { auth, form, headers } = await prepare(nonce);
    return ctx.send({
      stage: 'token',
      target: 'token endpoint',
      name: 'token',
      method: 'POST',
      url: tokenUrl,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...headers,
      },
      body: form.toString(),
      ...(probe.token?.timeoutMs ? { timeoutMs: probe.token.timeoutMs } : {}),
      ...(probe.token?.degradedMs ? { degradedMs: probe.token.degradedMs } : {}),
      ...(auth.tls ? { clientCert: auth.tls } : {}),
      context: hintContext,
    });
  };
  let { response, exchange } = await send();
  // RFC 9449 §8: a server that wants a nonce says so once; a second request carries it.
  const nonce = usesDpop(ctx) ? dpopNonceChallenge(response) : undefined;
  if (nonce) ({ response, exchange } = await send(nonce));
  registerTokens(ctx, response);

  const classification = classifyTokenResponse(response.status, response.headers, response.body);
  if (!classification) {
    return { body: JSON.parse(response.body) as Record<string, unknown>, headers: response.headers, exchange };
  }
  const { oauth, bodyKind } = classification;
  const code =
    usesDpop(ctx) && isDpopRefusal(oauth?.error, response.headers['www-authenticate'])
      ? 'dpop_rejected'
      : classification.code;
  const retryAfterSec = retryAfterSeconds(response.headers['retry-after'], ctx.deps.clock.now());
  let message = `token endpoint answered ${response.status}`;
  if (oauth) {
    message += ` ${ctx.quote(oauth.error, 60)}`;
    const description = oauth.error_description;
    if (description)
      message += `: ${typeof description === 'string' ? ctx.quote(description) : '(error_description is not a string)'}`;
  } else if (bodyKind && bodyKind !== 'json') {
    message += bodyKind === 'empty' ? ' with an empty body' : ` with a ${bodyKind} body, not JSON`;
  } else if (bodyKind === 'json') {
    message += ' with JSON that is neither a token nor an OAuth error';
  }
  if (code === 'rate_limited' && retryAfterSec !== undefined) message += ` (Retry-After ${retryAfterSec} s)`;
  const rateLimit = code === 'rate_limited' ? rateLimitHeaders(ctx, response.headers) : undefined;
  if (rateLimit) message += ` (${rateLimit})`;
  throw new ProbeFailure('token', code, ctx.redactor.redact(message), {
    ...hintContext,
    exchange,
    httpStatus: response.status,
    target: 'the token endpoint',
    ...(oauth ? { oauth } : {}),
    ...(bodyKind ? { bodyKind } : {}),
    ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
    ...(rateLimit ? { rateLimit } : {}),
  });
}

/**
 * Okta's rate limit headers on a 429 (X-Rate-Limit-Limit, -Remaining, -Reset, the reset as epoch
 * seconds), quoted for the message and hint: which bucket is empty and when it refills.
 */
function rateLimitHeaders(ctx: RunContext, headers: Record<string, string>): string | undefined {
  const parts: string[] = [];
  for (const name of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) {
    const value = headers[name];
    if (value === undefined) continue;
    const shown = ctx.quote(value, 40);
    const reset = name === 'x-rate-limit-reset' && /^\d{9,11}$/.test(value.trim()) ? Number(value) * 1000 : undefined;
    parts.push(
      `${name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash}${c.toUpperCase()}`)} ${shown}${reset !== undefined ? ` (${new Date(reset).toISOString()})` : ''}`,
    );
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Whatever tokens came back are secrets from now on, whatever else happens to the response. */
function registerTokens(ctx: RunContext, response: HttpResponse): void {
  try {
    const json = JSON.parse(response.body) as Record<string, unknown>;
    for (const field of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof json[field] === 'string') ctx.redactor.add(json[field] as string);
    }
  } catch {
    // Not JSON: nothing to register.
  }
}
