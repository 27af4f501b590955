/** Probes pointed at the hold servers: a token request plus API steps, opaque token, client_secret_basic. */
import { type ResolvedProbe, resolveProbes } from '../functions/config/resolve.js';
import { configSchema } from '../functions/config/schema.js';
import type { Exchange, ProbeResult } from '../functions/engine/index.js';
import { MemorySecretSource } from '../functions/secrets/memory-source.js';
import type { BenchPki } from './pki.js';
import type { HoldServers } from './servers.js';

export const SECRET_ID = 'bench/client';
/** tls_client_auth credentials (the bench client certificate), for the mutual TLS variant. */
export const MTLS_SECRET_ID = 'bench/mtls-client';

/** The bench's secrets; with the PKI, the mutual TLS client's certificate and key too. */
export const benchSecrets = (pki?: Pick<BenchPki, 'clientCert' | 'clientKey'>) =>
  new MemorySecretSource({
    [SECRET_ID]: { client_id: 'bench-client', client_secret: 'bench-client-secret' },
    ...(pki
      ? {
          [MTLS_SECRET_ID]: { client_id: 'bench-mtls-client', certificate: pki.clientCert, private_key: pki.clientKey },
        }
      : {}),
  });

/**
 * How the probe reaches the hold servers:
 * - `http`: plain HTTP;
 * - `https`: HTTPS whose CA is in the process's default trust store (NODE_EXTRA_CA_CERTS), the way a
 *   public CA is trusted: the probe sets no `tls.ca`;
 * - `https+tls.ca`: HTTPS with the CA given in the probe's `tls.ca`, the way a private CA is trusted.
 */
export const VARIANTS = ['http', 'https', 'https+tls.ca'] as const;
/** The same, plus `mtls`: the token endpoint requires the client certificate (tls_client_auth). */
export const FRESH_VARIANTS = [...VARIANTS, 'mtls'] as const;
export type Variant = (typeof FRESH_VARIANTS)[number];

export const variantLabel = (variant: Variant) =>
  variant === 'mtls' ? 'mutual TLS' : variant.toUpperCase().replace('+TLS.CA', ' + tls.ca');

export interface HoldPlan {
  variant: Variant;
  tokenHoldMs: number;
  /** One API step per entry, each held this long. */
  stepHoldMs: number[];
}

/** A validated, resolved probe whose URLs are unique to `tag` (so held times can be matched to exchanges). */
export function holdProbe(servers: HoldServers, plan: HoldPlan, rawTag: string): ResolvedProbe {
  // The tag becomes part of the probe name (a metric dimension) and of URL paths.
  const tag = rawTag.replace(/[^A-Za-z0-9-]/g, '');
  const protocol = plan.variant === 'http' ? 'http' : 'https';
  const mtls = plan.variant === 'mtls';
  const config = configSchema.parse({
    probes: [
      {
        name: `bench-${tag}`,
        tokenUrl: servers.url(mtls ? 'mtls' : protocol, plan.tokenHoldMs, 'token', tag),
        credentials: { secretId: mtls ? MTLS_SECRET_ID : SECRET_ID },
        ...(mtls ? { clientAuth: 'tls_client_auth' } : {}),
        scope: 'bench:read',
        steps: plan.stepHoldMs.map((ms, i) => ({
          name: `step-${i + 1}`,
          request: { url: servers.url(protocol, ms, 'api', `${tag}-${i + 1}`) },
          expect: { status: 200 },
        })),
        ...(plan.variant === 'https+tls.ca' ? { tls: { ca: servers.ca } } : {}),
      },
    ],
  });
  return resolveProbes(config)[0]!;
}

/** The server-side held time of an exchange, by the path of its URL. */
export function heldFor(exchange: Exchange, held: Map<string, number>): number {
  const ms = held.get(new URL(exchange.url).pathname);
  if (ms === undefined) throw new Error(`no server-side record for ${exchange.url}`);
  return ms;
}

/** A bench run against healthy servers must pass; anything else would make the figure meaningless. */
export function assertPassed(result: ProbeResult): void {
  if (result.status !== 'pass') {
    throw new Error(`probe ${result.probe} did not pass: ${result.code} ${result.message}`);
  }
}
