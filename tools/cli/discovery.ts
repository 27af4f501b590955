/**
 * `oauth-probe init --issuer URL`: reads the authorization server's metadata (RFC 8414, then OpenID
 * Connect discovery, at the URLs the engine's own discovery uses) to fill a starter config. Failures
 * are usage errors naming the URL and what to check; nothing here runs as a probe.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Agent, request } from 'undici';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../../functions/config/defaults.js';
import { metadataUrls } from '../../functions/engine/index.js';
import { UsageError } from './errors.js';

/** Each metadata request is aborted after this long. */
export const DISCOVERY_DEADLINE_MS = 10_000;
const MAX_METADATA_BYTES = 1_000_000;

export interface DiscoveredServer {
  issuer: string;
  tokenEndpoint: string;
  /** `token_endpoint_auth_methods_supported` as advertised (RFC 8414 default: client_secret_basic). */
  authMethods: string[];
  /** `scopes_supported`, when advertised. */
  scopes: string[];
  /** The metadata URL that answered. */
  url: string;
}

/** Scopes of OpenID Connect's user login, of no use to a client-credentials probe. */
const USER_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** The scopes worth requesting from what the server advertises (the user-login ones dropped). */
export function probeScopes(advertised: readonly string[]): string[] {
  return advertised.filter((scope) => !USER_SCOPES.has(scope));
}

/** The client authentication to start with: the first advertised one oauth-probe supports, by preference. */
export function preferredAuthMethod(advertised: readonly string[]): ClientAuthMethod {
  return CLIENT_AUTH_METHODS.find((method) => advertised.includes(method)) ?? 'client_secret_basic';
}

export async function discoverServer(
  issuer: string,
  options: { caFile?: string; cwd: string },
): Promise<DiscoveredServer> {
  let urls: string[];
  try {
    urls = metadataUrls(issuer);
  } catch {
    throw new UsageError(`--issuer must be an absolute URL such as https://auth.example.com/, got '${issuer}'`);
  }
  const ca = options.caFile ? await readCa(options.caFile, options.cwd) : undefined;
  const dispatcher = new Agent({ connect: ca ? { ca } : {} });
  const problems: string[] = [];
  try {
    for (const url of urls) {
      const metadata = await fetchJson(url, dispatcher, problems);
      if (!metadata) continue;
      if (metadata.issuer !== issuer) {
        throw new UsageError(
          `metadata at ${url} names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}: give --issuer exactly as the server names itself`,
        );
      }
      if (typeof metadata.token_endpoint !== 'string') throw new UsageError(`metadata at ${url} has no token_endpoint`);
      return {
        issuer,
        tokenEndpoint: metadata.token_endpoint,
        authMethods: stringList(metadata.token_endpoint_auth_methods_supported) ?? ['client_secret_basic'],
        scopes: stringList(metadata.scopes_supported) ?? [],
        url,
      };
    }
  } finally {
    await dispatcher.close();
  }
  throw new UsageError(`no authorization server metadata for ${issuer}: ${problems.join('; ')}`);
}

async function fetchJson(
  url: string,
  dispatcher: Agent,
  problems: string[],
): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await request(url, {
      dispatcher,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(DISCOVERY_DEADLINE_MS),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      problems.push(`${url} answered ${response.statusCode}`);
      return undefined;
    }
    const json = text.length <= MAX_METADATA_BYTES ? (JSON.parse(text) as unknown) : undefined;
    if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
    problems.push(`${url} answered without a JSON object`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    problems.push(
      `${url}: ${code ?? (error as Error).name}${code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? ' (pass the CA with --ca FILE)' : ''}`,
    );
  }
  return undefined;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

async function readCa(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch {
    throw new UsageError(`CA file not found: ${file} (check the path given to --ca)`);
  }
}
