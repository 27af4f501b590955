/**
 * RFC 8414 authorization server metadata, with the OpenID Connect discovery document as fallback.
 */
import { parseJsonObject } from './classify.js';
import type { RunContext } from './context.js';
import { ProbeFailure } from './failure.js';

export interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  grant_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  /** RFC 8414 §2 / RFC 7662: where tokens are introspected. */
  introspection_endpoint?: string;
  /** RFC 8705 §5: where mTLS clients should send token requests. */
  mtls_endpoint_aliases?: { token_endpoint?: string };
}

/**
 * RFC 8414 §3.1 inserts the well-known segment between host and path; OpenID Connect Discovery §4
 * appends it to the issuer.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

export async function discover(ctx: RunContext, issuer: string): Promise<ServerMetadata> {
  const problems: string[] = [];
  for (const url of metadataUrls(issuer)) {
    const { response, exchange } = await ctx.send({
      stage: 'discovery',
      target: 'discovery',
      name: 'discovery',
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
    });
    const json = response.status === 200 ? parseJsonObject(response.body) : undefined;
    if (!json) {
      problems.push(
        `${exchange.url} answered ${response.status}${response.status === 200 ? ' without a JSON object' : ''}`,
      );
      continue;
    }
    if (json.issuer !== issuer) {
      throw new ProbeFailure(
        'discovery',
        'issuer_mismatch',
        `metadata at ${exchange.url} names issuer ${JSON.stringify(ctx.quote(String(json.issuer ?? '(none)'), 120))}, configured ${JSON.stringify(issuer)}`,
        { exchange, httpStatus: response.status, detail: `got ${String(json.issuer)}, expected ${issuer}` },
      );
    }
    if (typeof json.token_endpoint !== 'string' || !json.token_endpoint) {
      throw new ProbeFailure('discovery', 'discovery_failed', `metadata at ${exchange.url} has no token_endpoint`, {
        exchange,
        httpStatus: response.status,
      });
    }
    warnAboutSupport(ctx, json as unknown as ServerMetadata);
    return json as unknown as ServerMetadata;
  }
  const last = ctx.exchanges.at(-1);
  throw new ProbeFailure('discovery', 'discovery_failed', `no metadata for issuer ${issuer}: ${problems.join('; ')}`, {
    httpStatus: last?.status ?? null,
    ...(last ? { exchange: last } : {}),
  });
}

function warnAboutSupport(ctx: RunContext, metadata: ServerMetadata): void {
  const method = ctx.probe.clientAuth;
  // RFC 8414 §2: an absent grant_types_supported means ["authorization_code", "implicit"].
  const grants = metadata.grant_types_supported ?? ['authorization_code', 'implicit'];
  if (!grants.includes('client_credentials')) {
    ctx.warn(
      'grant_not_advertised',
      `the metadata does not list client_credentials in grant_types_supported${metadata.grant_types_supported ? '' : ' (absent: RFC 8414 default is authorization_code, implicit)'}`,
    );
  }
  // RFC 8414 §2: an absent token_endpoint_auth_methods_supported means client_secret_basic.
  const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (!methods.includes(method)) {
    ctx.warn(
      'auth_method_not_advertised',
      `the metadata does not list ${method} in token_endpoint_auth_methods_supported`,
    );
  }
}
