/**
 * The starter config and secrets template `oauth-probe init` writes: one probe with one API step,
 * placeholders named so that nobody mistakes them for working values (the probe, and the email that
 * hears of its alarms). The config is parsed with the
 * schema before it is written, so a starter that the schema rejects is a bug caught by the tests.
 */
import type { ProbesConfig } from '../../functions/config/schema.js';
import type { DiscoveredServer } from './discovery.js';
import { UsageError } from './errors.js';

export interface StarterOptions {
  probeName: string;
  region: string;
  /** `$schema` value. */
  schemaPath: string;
  /** From `--issuer`. */
  server?: DiscoveredServer;
}

export async function starterConfig(options: StarterOptions): Promise<ProbesConfig> {
  const { server } = options;
  const { preferredAuthMethod, probeScopes } = await import('./discovery.js');
  const scopes = server ? probeScopes(server.scopes) : ['api:read'];
  const probe = {
    name: options.probeName,
    description: `${options.probeName}: client-credentials token, then the API with it`,
    ...(server ? { issuer: server.issuer } : { tokenUrl: 'https://auth.example.com/oauth/token' }),
    credentials: { secretId: `oauth-probe/${options.probeName}` },
    clientAuth: server ? preferredAuthMethod(server.authMethods) : 'client_secret_basic',
    ...(scopes.length > 0 ? { scope: scopes } : {}),
    steps: [
      {
        name: 'health',
        request: { method: 'GET', url: 'https://api.example.com/health' },
        expect: { status: 200 },
      },
    ],
  };
  const config = {
    $schema: options.schemaPath,
    homeRegion: options.region,
    regions: [options.region],
    // Every probe can page (its SLO burn alarms): a starter that validates must say who hears of it.
    notifications: {
      targets: { team: { email: 'REPLACE-team@example.com' } },
      warning: { targets: ['team'] },
      critical: { targets: ['team'] },
    },
    probes: [probe],
  };
  const { configSchema } = await import('../../functions/config/schema.js');
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    // Only a name or region the schema does not accept gets here (the rest is ours).
    throw new UsageError(
      'the starter config would be invalid:',
      parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`),
    );
  }
  return config as unknown as ProbesConfig;
}

/** `{ "<secretId>": { "client_id": "...", ... } }` with the fields the probe's client auth needs. */
export function starterSecrets(config: ProbesConfig): Record<string, Record<string, string>> {
  const secrets: Record<string, Record<string, string>> = {};
  for (const probe of config.probes) {
    const fields: Record<string, string> = { client_id: 'REPLACE-client-id' };
    if (probe.clientAuth === 'private_key_jwt') fields.private_key = 'REPLACE: -----BEGIN PRIVATE KEY----- ...';
    else if (probe.clientAuth === 'tls_client_auth') {
      fields.certificate = 'REPLACE: -----BEGIN CERTIFICATE----- ...';
      fields.private_key = 'REPLACE: -----BEGIN PRIVATE KEY----- ...';
    } else fields.client_secret = 'REPLACE-client-secret';
    secrets[probe.credentials.secretId] = fields;
  }
  return secrets;
}
