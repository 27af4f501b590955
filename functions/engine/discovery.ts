/**
 * RFC 8414 authorization server metadata, with the OpenID Connect discovery document as fallback.
 */
import { parseJsonObject } from './classify.js';
import type { RunContext } from './context.js';
import { ProbeFailure } from './failure.js';
import { urlProblem } from './request-check.js';

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
  /** Auth0's MFA API: only read to recognise an Auth0 custom domain (config/identity-provider.ts). */
  mfa_challenge_endpoint?: string;
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
        `metadata at ${exchange.url} names issuer ${JSON.stringify(ctx.quote(typeof json.issuer === 'string' ? json.issuer : `(${json.issuer === undefined ? 'none' : typeof json.issuer})`, 120))}, configured ${JSON.stringify(issuer)}`,
        {
          exchange,
          httpStatus: response.status,
          detail: `got ${typeof json.issuer === 'string' ? ctx.quote(json.issuer, 120) : typeof json.issuer}, expected ${issuer}`,
        },
      );
    }
    const metadata = typedMetadata(ctx, json, issuer, (why) => {
      throw new ProbeFailure('discovery', 'discovery_failed', `metadata at ${exchange.url}: ${why}`, {
        exchange,
        httpStatus: response.status,
        detail: why,
      });
    });
    warnAboutSupport(ctx, metadata);
    return metadata;
  }
  const last = ctx.exchanges.at(-1);
  throw new ProbeFailure('discovery', 'discovery_failed', `no metadata for issuer ${issuer}: ${problems.join('; ')}`, {
    httpStatus: last?.status ?? null,
    ...(last ? { exchange: last } : {}),
  });
}

/**
 * The metadata fields the probe uses, type-checked: they are the server's to get wrong, and a wrong type
 * must end as `discovery_failed` (or a warning for fields only read for warnings), never as a crash.
 */
function typedMetadata(
  ctx: RunContext,
  json: Record<string, unknown>,
  issuer: string,
  fail: (why: string) => never,
): ServerMetadata {
  const url = (name: string, value: unknown) => {
    const problem = urlProblem(value);
    if (problem) fail(`${name} ${value === undefined ? 'is missing' : problem}`);
    return value as string;
  };
  const metadata: ServerMetadata = { issuer, token_endpoint: url('token_endpoint', json.token_endpoint) };
  const needsJwks = ctx.probe.token?.jwt && !ctx.probe.token.jwt.jwksUri;
  if (json.jwks_uri !== undefined || needsJwks) {
    if (needsJwks) metadata.jwks_uri = url('jwks_uri', json.jwks_uri);
    else if (!urlProblem(json.jwks_uri)) metadata.jwks_uri = json.jwks_uri as string;
  }
  const needsIntrospection = ctx.probe.token?.introspection && !ctx.probe.token.introspection.url;
  if (json.introspection_endpoint !== undefined || needsIntrospection) {
    // Absent with introspection configured is the run's config problem (introspection.ts says so); a bad one is the server's.
    if (json.introspection_endpoint !== undefined) {
      metadata.introspection_endpoint = url('introspection_endpoint', json.introspection_endpoint);
    }
  }
  const aliases = json.mtls_endpoint_aliases;
  if (ctx.probe.clientAuth === 'tls_client_auth' && isObject(aliases) && aliases.token_endpoint !== undefined) {
    metadata.mtls_endpoint_aliases = {
      token_endpoint: url('mtls_endpoint_aliases.token_endpoint', aliases.token_endpoint),
    };
  }
  if (typeof json.mfa_challenge_endpoint === 'string') metadata.mfa_challenge_endpoint = json.mfa_challenge_endpoint;
  for (const name of ['grant_types_supported', 'token_endpoint_auth_methods_supported'] as const) {
    const value = json[name];
    if (value === undefined) continue;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) metadata[name] = value;
    else {
      ctx.warn(
        'metadata_field_invalid',
        `the metadata's ${name} is not an array of strings (RFC 8414 §2); it is ignored`,
      );
    }
  }
  return metadata;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
