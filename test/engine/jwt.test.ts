/**
 * Client assertions (RFC 7523) and JWT access tokens (RFC 9068) across algorithms, against
 * oidc-provider; the few token shapes oidc-provider never issues (no `typ`, `alg: none`) come from a
 * tiny inline authorization server signing with jose.
 */
import { createPrivateKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAlgorithm } from '../../functions/engine/client-auth.js';
import { runProbe } from '../../functions/engine/index.js';
import type { ClientSecret } from '../../functions/engine/types.js';
import {
  type ClientKeyAlgorithm,
  createClientCert,
  generateClientKey,
  type LocalAuthorizationServer,
  type LocalEnvironment,
  type SigningAlgorithm,
  startAuthorizationServer,
  startLocalEnvironment,
} from '../../tools/local-servers/index.js';
import { type InlineServer, resolved, startInlineServer, TestSecretSource } from './helpers.js';

const AUDIENCE = 'https://api.oauth-probe.test';
const ALGORITHMS: ClientKeyAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

function tokenOnlyProbe(
  server: { tokenUrl: string; issuer: string; jwksUri: string },
  secretId: string,
  method = 'private_key_jwt',
) {
  return resolved({
    name: 'jwt-probe',
    tokenUrl: server.tokenUrl,
    credentials: { secretId },
    clientAuth: method,
    scope: 'billing:read',
    token: {
      requiredScopes: ['billing:read'],
      jwt: { issuer: server.issuer, audience: AUDIENCE, jwksUri: server.jwksUri },
    },
  });
}

describe('private_key_jwt client assertions against oidc-provider', () => {
  let server: LocalAuthorizationServer;
  const secrets: Record<string, ClientSecret> = {};

  beforeAll(async () => {
    const keys = await Promise.all(ALGORITHMS.map((alg) => generateClientKey(alg)));
    server = await startAuthorizationServer({
      audience: AUDIENCE,
      clients: keys.map((key) => ({
        clientId: `client-${key.alg}`,
        authMethod: 'private_key_jwt' as const,
        jwks: { keys: [key.publicJwk] },
        scopes: ['billing:read'],
      })),
    });
    for (const key of keys) {
      secrets[`explicit-${key.alg}`] = {
        client_id: `client-${key.alg}`,
        private_key: key.privateKeyPem,
        key_id: key.kid,
        algorithm: key.alg,
      };
      // No algorithm and no kid: the default for the key type, and oidc-provider finds the key by alg.
      secrets[`default-${key.alg}`] = { client_id: `client-${key.alg}`, private_key: key.privateKeyPem };
    }
  });
  afterAll(() => server?.close());

  for (const alg of ALGORITHMS) {
    it(`gets a token with an ${alg} assertion`, async () => {
      const result = await runProbe(tokenOnlyProbe(server, `explicit-${alg}`), {
        secrets: new TestSecretSource(secrets),
      });

      expect(result).toMatchObject({ status: 'pass', code: null });
    });
  }

  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`defaults to ${alg} for its key type when the secret names no algorithm`, async () => {
      const result = await runProbe(tokenOnlyProbe(server, `default-${alg}`), {
        secrets: new TestSecretSource(secrets),
      });

      expect(defaultAlgorithm(createPrivateKey(secrets[`default-${alg}`]!.private_key!))).toBe(alg);
      expect(result.status).toBe('pass');
    });
  }

  it('reports secret_malformed when the algorithm does not fit the key', async () => {
    const source = new TestSecretSource({ s: { ...secrets['explicit-ES256']!, algorithm: 'RS256' } });

    const result = await runProbe(tokenOnlyProbe(server, 's'), { secrets: source });

    expect(result).toMatchObject({ stage: 'credentials', code: 'secret_malformed' });
    expect(result.message).toContain('"algorithm" RS256 does not fit the ec key');
  });

  it('reports invalid_client with an assertion hint when the key is not registered', async () => {
    const other = await generateClientKey('ES256');
    const source = new TestSecretSource({ s: { ...secrets['explicit-ES256']!, private_key: other.privateKeyPem } });

    const result = await runProbe(tokenOnlyProbe(server, 's'), { secrets: source });

    expect(result).toMatchObject({ stage: 'token', code: 'invalid_client' });
    expect(result.hint).toContain('client assertion');
  });
});

describe('the client assertion itself', () => {
  let echo: InlineServer;
  beforeAll(async () => {
    echo = await startInlineServer((_req, res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":"invalid_client"}');
    });
  });
  afterAll(() => echo?.close());

  it('has iss = sub = client_id, aud = token endpoint, exp ≤ 60 s, and a fresh jti on the retry after a cached secret', async () => {
    const key = await generateClientKey('ES256');
    const secret = { client_id: 'probe-jwt', private_key: key.privateKeyPem, key_id: key.kid, algorithm: 'ES256' };
    const source = new TestSecretSource({ s: secret }, { s: secret });
    const tokenUrl = `${echo.url}/oauth2/token`;

    const result = await runProbe(tokenOnlyProbe({ tokenUrl, issuer: echo.url, jwksUri: `${echo.url}/jwks` }, 's'), {
      secrets: source,
    });

    const assertions = echo.requests.map((r) => new URLSearchParams(r.body).get('client_assertion')!);
    expect(result.code).toBe('invalid_client');
    expect(assertions).toHaveLength(2);
    const [first, second] = assertions.map((a) => ({ header: decodeProtectedHeader(a), claims: decodeJwt(a) }));
    expect(first!.header).toMatchObject({ alg: 'ES256', kid: key.kid });
    expect(first!.claims).toMatchObject({ iss: 'probe-jwt', sub: 'probe-jwt', aud: tokenUrl });
    expect(first!.claims.exp! - first!.claims.iat!).toBeLessThanOrEqual(60);
    expect(first!.claims.jti).not.toBe(second!.claims.jti);
    expect(new URLSearchParams(echo.requests[0]!.body).get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
  });
});

describe('JWT access tokens signed with each algorithm', () => {
  for (const signingAlg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as SigningAlgorithm[]) {
    it(`validates an ${signingAlg} access token from oidc-provider`, async () => {
      const server = await startAuthorizationServer({
        audience: AUDIENCE,
        signingAlg,
        clients: [
          {
            clientId: 'c',
            authMethod: 'client_secret_post',
            clientSecret: 'a-long-client-secret',
            scopes: ['billing:read'],
          },
        ],
      });
      try {
        const result = await runProbe(tokenOnlyProbe(server, 's', 'client_secret_post'), {
          secrets: new TestSecretSource({ s: { client_id: 'c', client_secret: 'a-long-client-secret' } }),
        });

        expect(result.status).toBe('pass');
        expect(result.token?.claims?.alg).toBe(signingAlg);
      } finally {
        await server.close();
      }
    });
  }
});

describe('token shapes oidc-provider does not issue', () => {
  let as: InlineServer;
  let sign: (header: Record<string, unknown>) => Promise<string>;
  let mode: 'no-typ' | 'none' = 'no-typ';

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    as = await startInlineServer(async (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      if (req.url === '/jwks') {
        res.end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      const claims = { scope: 'billing:read', client_id: 'c' };
      const token =
        mode === 'none'
          ? new UnsecuredJWT(claims)
              .setIssuer(as.url)
              .setAudience(AUDIENCE)
              .setIssuedAt()
              .setExpirationTime('5m')
              .encode()
          : await sign({ alg: 'ES256', kid: 'k1' });
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300, scope: 'billing:read' }));
    });
    sign = (header) =>
      new SignJWT({ scope: 'billing:read', client_id: 'c' })
        .setProtectedHeader(header as { alg: string })
        .setIssuer(as.url)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
  });
  afterAll(() => as?.close());

  const probe = (requireTyp: boolean) =>
    resolved({
      name: 'shapes',
      tokenUrl: `${as.url}/token`,
      credentials: { secretId: 's' },
      clientAuth: 'client_secret_post',
      token: { jwt: { issuer: as.url, audience: AUDIENCE, jwksUri: `${as.url}/jwks`, requireTyp } },
    });
  const secrets = new TestSecretSource({ s: { client_id: 'c', client_secret: 'inline-secret' } });

  it('warns token_typ_missing when typ is absent and not required (Keycloak, PingFederate)', async () => {
    mode = 'no-typ';

    const result = await runProbe(probe(false), { secrets });

    expect(result.status).toBe('pass');
    expect(result.warnings.map((w) => w.code)).toEqual(['token_typ_missing']);
  });

  it('reports jwt_claim_invalid when requireTyp is set and typ is absent', async () => {
    mode = 'no-typ';

    const result = await runProbe(probe(true), { secrets });

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_claim_invalid' });
    expect(result.message).toContain('at+jwt');
  });

  it('never accepts alg none', async () => {
    mode = 'none';

    const result = await runProbe(probe(false), { secrets });

    expect(result).toMatchObject({ stage: 'token_validation', code: 'jwt_signature_invalid' });
  });
});

describe('tls_client_auth credentials', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
  });
  afterAll(() => env?.close());

  it('reports credentials_expired when the client certificate has expired', async () => {
    const expired = await createClientCert(env.pki!.ca, 'probe-client', -0.5);
    const secrets = new TestSecretSource({
      ...env.secrets,
      'local/mtls': { ...env.secrets['local/mtls']!, certificate: expired.cert, private_key: expired.key },
    });

    const result = await runProbe(resolved(env.probe('tls_client_auth')), { secrets });

    expect(result).toMatchObject({ stage: 'credentials', code: 'credentials_expired' });
    expect(result.message).toContain('client certificate');
  });

  it('reports credentialDaysLeft from the client certificate', async () => {
    const result = await runProbe(resolved(env.probe('tls_client_auth')), {
      secrets: new TestSecretSource(env.secrets),
    });

    expect(result.status).toBe('pass');
    expect(result.credentialDaysLeft).toBeGreaterThanOrEqual(28);
    expect(result.credentialDaysLeft).toBeLessThanOrEqual(30);
  });

  it('reports invalid_client when the certificate subject is not the registered one', async () => {
    const stranger = await createClientCert(env.pki!.ca, 'someone-else');
    const secrets = new TestSecretSource({
      ...env.secrets,
      'local/mtls': { ...env.secrets['local/mtls']!, certificate: stranger.cert, private_key: stranger.key },
    });

    const result = await runProbe(resolved(env.probe('tls_client_auth')), { secrets });

    expect(result).toMatchObject({ stage: 'token', code: 'invalid_client' });
    expect(result.hint).toContain('client certificate');
  });
});
