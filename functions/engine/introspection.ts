/**
 * RFC 7662 token introspection, for opaque access tokens (and as a second opinion on JWTs): after the
 * token request, ask the authorization server whether the token is active, and check what it says
 * about expiry, client and scopes. Timed as its own exchange, `introspection`, at the token_validation stage.
 */
import type { ClientAuthMethod } from '../config/schema.js';
import { parseJsonObject } from './classify.js';
import { authenticateClient, formEncode } from './client-auth.js';
import type { RunContext } from './context.js';
import { ProbeFailure } from './failure.js';
import type { Exchange } from './result.js';
import type { ClientSecret } from './types.js';

const STAGE = 'token_validation';
const TARGET = 'introspection endpoint';

export async function introspectToken(
  ctx: RunContext,
  accessToken: string,
  secret: ClientSecret,
  discoveredUrl: string | undefined,
): Promise<void> {
  const config = ctx.probe.token?.introspection;
  if (!config) return;
  const url = config.url ?? discoveredUrl;
  if (!url) {
    throw new ProbeFailure('config', 'invalid_config', 'token.introspection: no introspection endpoint is known', {
      detail:
        'set token.introspection.url, or use an issuer whose metadata advertises introspection_endpoint (RFC 8414 §2)',
    });
  }
  const method: ClientAuthMethod = config.clientAuth ?? ctx.probe.clientAuth;
  const client = introspectionClient(secret);
  ctx.redactor.add(client.client_secret);
  const auth = await authenticateClient(method, client, url, ctx.deps.clock);
  ctx.redactor.add(auth.assertion);
  ctx.redactor.add(auth.headers.authorization);
  if (client.client_secret) ctx.redactor.add(formEncode(client.client_secret));

  const form = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' });
  for (const [name, value] of Object.entries(auth.form)) form.set(name, value);
  const { response, exchange } = await ctx.send({
    stage: STAGE,
    target: TARGET,
    name: 'introspection',
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
    body: form.toString(),
    ...(ctx.probe.token?.timeoutMs ? { timeoutMs: ctx.probe.token.timeoutMs } : {}),
    ...(auth.tls ? { clientCert: auth.tls } : {}),
    context: { clientAuth: method },
  });
  const failed = (message: string, detail: string) =>
    new ProbeFailure(STAGE, 'introspection_failed', ctx.redactor.redact(message), {
      target: TARGET,
      exchange,
      httpStatus: response.status,
      detail: ctx.redactor.redact(detail),
    });
  if (response.status !== 200) {
    const json = parseJsonObject(response.body);
    const why =
      typeof json?.error === 'string'
        ? `${ctx.quote(json.error, 60)}${typeof json.error_description === 'string' ? `: ${ctx.quote(json.error_description)}` : ''}`
        : '';
    throw failed(
      `introspection endpoint answered ${response.status}${why ? ` ${why}` : ''}`,
      `HTTP ${response.status}${why ? ` ${why}` : ''}${response.status === 401 ? ': may this client introspect?' : ''}`,
    );
  }
  const body = parseJsonObject(response.body);
  if (!body)
    throw failed('introspection endpoint answered 200 without a JSON object', 'the response is not a JSON object');
  judge(ctx, body, client.client_id === secret.client_id ? secret.client_id : undefined, exchange);
}

/** What the introspection response must say (RFC 7662 §2.2), checked in order of diagnostic value. */
function judge(
  ctx: RunContext,
  body: Record<string, unknown>,
  expectedClientId: string | undefined,
  exchange: Exchange,
): void {
  const inactive = (message: string) =>
    new ProbeFailure(STAGE, 'token_inactive', ctx.redactor.redact(message), {
      target: TARGET,
      exchange,
      httpStatus: 200,
      detail: ctx.redactor.redact(message),
    });
  if (body.active !== true)
    throw inactive(`introspection says active: ${ctx.quote(JSON.stringify(body.active) ?? 'absent', 40)}`);
  const nowSec = ctx.deps.clock.now() / 1000;
  if (typeof body.exp === 'number' && Number.isFinite(body.exp) && body.exp <= nowSec) {
    throw inactive(`introspection says the token expired ${Math.round(nowSec - body.exp)} s ago (exp)`);
  }
  if (expectedClientId !== undefined && typeof body.client_id === 'string' && body.client_id !== expectedClientId) {
    throw inactive(
      `introspection says the token belongs to client "${ctx.quote(body.client_id, 80)}", not this probe's client`,
    );
  }
  const required = ctx.probe.token?.requiredScopes ?? [];
  if (required.length > 0 && typeof body.scope === 'string') {
    const granted = new Set(body.scope.split(' '));
    const missing = required.filter((scope) => !granted.has(scope));
    if (missing.length > 0) {
      throw new ProbeFailure(STAGE, 'scope_not_granted', `introspection: the token lacks ${missing.join(' ')}`, {
        target: TARGET,
        exchange,
        detail: `missing ${missing.join(' ')}`,
        scopes: missing,
      });
    }
  }
}

/** The introspection credentials: the secret's own, unless it carries a separate introspection client. */
function introspectionClient(secret: ClientSecret): ClientSecret {
  if (!secret.introspection_client_id) return secret;
  const client: ClientSecret = { client_id: secret.introspection_client_id };
  if (secret.introspection_client_secret) client.client_secret = secret.introspection_client_secret;
  return client;
}
