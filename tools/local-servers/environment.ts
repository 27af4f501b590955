/**
 * One call that starts the local authorization server and protected API with one client per
 * authentication method, and hands back the secrets and ready-made probe configs that use them.
 * Used by the engine's integration tests, the demo, the Lambda handler test and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import type { ClientAuthMethod, ProbeConfig } from '../../functions/config/schema.js';
import type { ClientSecret } from '../../functions/engine/index.js';
import { startAuthorizationServer } from './authorization-server.js';
import { createTestPki, type TestPki } from './certificates.js';
import { type ClientKey, generateClientKey } from './client-keys.js';
import { startResourceServer } from './resource-server.js';
import type {
  AuthorizationServerOptions,
  LocalAuthorizationServer,
  LocalClientRegistration,
  LocalResourceServer,
} from './types.js';

/** The audience (RFC 8707 resource) of the local API, as the tokens carry it in `aud`. */
export const LOCAL_AUDIENCE = 'https://api.oauth-probe.test';

/** Client ids and secret ids of the four registered clients, by authentication method. */
export const LOCAL_CLIENTS = {
  client_secret_basic: { clientId: 'probe-basic', secretId: 'local/basic' },
  client_secret_post: { clientId: 'probe-post', secretId: 'local/post' },
  private_key_jwt: { clientId: 'probe-jwt', secretId: 'local/jwt' },
  tls_client_auth: { clientId: 'probe-mtls', secretId: 'local/mtls' },
} as const satisfies Record<ClientAuthMethod, { clientId: string; secretId: string }>;

export interface LocalEnvironmentOptions {
  /** Serve both servers over HTTPS with certificates from one test CA; registers the mTLS client. @default false */
  https?: boolean;
  /** Access token lifetime, seconds. @default 300 */
  accessTokenTtlSec?: number;
  /** Sender-constrained token settings of the authorization server (DPoP nonce, certificate-bound tokens). */
  authServer?: Pick<AuthorizationServerOptions, 'requireDpopNonce' | 'certificateBoundAccessTokens'>;
  /**
   * The authorization server's port; the protected API listens on the next one (`port + 1`). A port in
   * use rejects with node's EADDRINUSE error. @default two free ports chosen by the OS
   */
  port?: number;
}

export interface LocalEnvironment {
  authServer: LocalAuthorizationServer;
  resourceServer: LocalResourceServer;
  /** `aud` of the access tokens (also what `resource=` must name). */
  audience: string;
  /** The test CA (PEM) that both servers' certificates chain to; only with `https`. */
  caPem?: string;
  /** The test PKI (CA, server and client certificates); only with `https`. */
  pki?: TestPki;
  /** Credentials keyed by secretId ("local/basic", "local/post", "local/jwt", "local/mtls"). */
  secrets: Record<string, ClientSecret>;
  /**
   * A complete probe config for a client auth method: token endpoint, scope billing:read, JWT validation,
   * a GET /v1/invoices?limit=1 step that extracts `invoiceId`, and a GET /v1/invoices/{{invoiceId}} step.
   * `overrides` replace top-level fields.
   */
  probe(method: ClientAuthMethod, overrides?: Partial<ProbeConfig>): ProbeConfig;
  close(): Promise<void>;
}

let clientKey: Promise<ClientKey> | undefined;

/** One private_key_jwt key per process: key generation is the slow part of starting an environment. */
function sharedClientKey(): Promise<ClientKey> {
  clientKey ??= generateClientKey('ES256');
  return clientKey;
}

/**
 * Starts the authorization server and the protected API on 127.0.0.1.
 * @example
 * const env = await startLocalEnvironment({ https: true });
 * const result = await runProbe(env.probe('tls_client_auth'), { secrets: env.secrets });
 * await env.close();
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const useHttps = options.https ?? false;
  const [pki, key] = await Promise.all([useHttps ? createTestPki() : undefined, sharedClientKey()]);
  const credentials: LocalCredentials = { basicSecret: randomSecret(), postSecret: randomSecret(), key, pki };

  const tls = pki ? { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert } : undefined;
  const authServer = await startAuthorizationServer({
    audience: LOCAL_AUDIENCE,
    clients: localClients(credentials),
    ...(options.accessTokenTtlSec !== undefined ? { accessTokenTtlSec: options.accessTokenTtlSec } : {}),
    ...(tls ? { tls: { ...tls, clientCa: tls.ca } } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...options.authServer,
  });
  let resourceServer: LocalResourceServer;
  try {
    resourceServer = await startResourceServer({
      issuer: authServer.issuer,
      jwksUri: authServer.jwksUri,
      audience: LOCAL_AUDIENCE,
      ...(tls ? { tls } : {}),
      ...(options.port !== undefined ? { port: options.port + 1 } : {}),
    });
  } catch (error) {
    await authServer.close();
    throw error;
  }

  let closed: Promise<void> | undefined;
  return {
    authServer,
    resourceServer,
    audience: LOCAL_AUDIENCE,
    ...(pki ? { caPem: pki.ca.cert, pki } : {}),
    secrets: localSecrets(credentials),
    probe: (method, overrides = {}) => ({
      ...localProbeConfig(method, authServer, resourceServer, pki),
      ...overrides,
    }),
    close() {
      closed ??= Promise.all([resourceServer.close(), authServer.close()]).then(() => undefined);
      return closed;
    },
  };
}

/** The credentials of the local clients, made fresh for each environment (the key once per process). */
interface LocalCredentials {
  basicSecret: string;
  postSecret: string;
  key: ClientKey;
  pki: TestPki | undefined;
}

/** One client per authentication method (mTLS only over HTTPS), as the authorization server registers them. */
function localClients({ basicSecret, postSecret, key, pki }: LocalCredentials): LocalClientRegistration[] {
  const clients: LocalClientRegistration[] = [
    {
      clientId: LOCAL_CLIENTS.client_secret_basic.clientId,
      authMethod: 'client_secret_basic',
      clientSecret: basicSecret,
      scopes: ['billing:read', 'billing:write'],
    },
    {
      clientId: LOCAL_CLIENTS.client_secret_post.clientId,
      authMethod: 'client_secret_post',
      clientSecret: postSecret,
      scopes: ['billing:read'],
    },
    {
      clientId: LOCAL_CLIENTS.private_key_jwt.clientId,
      authMethod: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
      scopes: ['billing:read'],
    },
  ];
  if (pki) {
    clients.push({
      clientId: LOCAL_CLIENTS.tls_client_auth.clientId,
      authMethod: 'tls_client_auth',
      tlsSubjectDn: pki.client.subjectDn,
      scopes: ['billing:read'],
    });
  }
  return clients;
}

/** The same clients' secrets, keyed by secretId, as a probe reads them. */
function localSecrets({ basicSecret, postSecret, key, pki }: LocalCredentials): Record<string, ClientSecret> {
  const secrets: Record<string, ClientSecret> = {
    [LOCAL_CLIENTS.client_secret_basic.secretId]: {
      client_id: LOCAL_CLIENTS.client_secret_basic.clientId,
      client_secret: basicSecret,
    },
    [LOCAL_CLIENTS.client_secret_post.secretId]: {
      client_id: LOCAL_CLIENTS.client_secret_post.clientId,
      client_secret: postSecret,
    },
    [LOCAL_CLIENTS.private_key_jwt.secretId]: {
      client_id: LOCAL_CLIENTS.private_key_jwt.clientId,
      private_key: key.privateKeyPem,
      key_id: key.kid,
      algorithm: key.alg,
    },
  };
  if (pki) {
    secrets[LOCAL_CLIENTS.tls_client_auth.secretId] = {
      client_id: LOCAL_CLIENTS.tls_client_auth.clientId,
      certificate: pki.client.cert,
      private_key: pki.client.key,
    };
  }
  return secrets;
}

function localProbeConfig(
  method: ClientAuthMethod,
  authServer: LocalAuthorizationServer,
  resourceServer: LocalResourceServer,
  pki: TestPki | undefined,
): ProbeConfig {
  if (method === 'tls_client_auth' && !pki) {
    throw new TypeError('tls_client_auth needs an HTTPS environment: startLocalEnvironment({ https: true })');
  }
  const api = resourceServer.url;
  return {
    name: `local-${LOCAL_CLIENTS[method].clientId.replace(/^probe-/, '')}`,
    tokenUrl: authServer.tokenUrl,
    credentials: { secretId: LOCAL_CLIENTS[method].secretId },
    clientAuth: method,
    scope: 'billing:read',
    token: {
      requiredScopes: ['billing:read'],
      jwt: {
        issuer: authServer.issuer,
        audience: LOCAL_AUDIENCE,
        jwksUri: authServer.jwksUri,
        clockToleranceSec: 30,
        requireTyp: false,
      },
    },
    steps: [
      {
        name: 'list-invoices',
        request: { method: 'GET', url: `${api}/v1/invoices?limit=1`, followRedirects: false },
        expect: { status: 200 },
        extract: { invoiceId: 'data[0].id' },
      },
      {
        name: 'get-invoice',
        request: { method: 'GET', url: `${api}/v1/invoices/{{invoiceId}}`, followRedirects: false },
        expect: { status: 200 },
      },
    ],
    ...(pki ? { tls: { ca: pki.ca.cert } } : {}),
  };
}

/** 32 random bytes, base64url: no characters that need form-encoding. */
function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
