/**
 * Key pairs for private_key_jwt clients: the private half goes into the client's secret (PKCS#8 PEM),
 * the public half is registered with the local authorization server as the client's `jwks`.
 */
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';

/** Client assertion algorithms the local authorization server accepts (the engine signs with these). */
export type ClientKeyAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

export interface ClientKey {
  /** PKCS#8 PEM: what the probe's secret carries as `private_key`. */
  privateKeyPem: string;
  /** Public JWK with `kid`, `alg` and `use: "sig"`, ready for the client's registered `jwks`. */
  publicJwk: JWK & { kid: string; alg: ClientKeyAlgorithm; use: 'sig' };
  /** RFC 7638 thumbprint of the public key; the assertion's `kid` header. */
  kid: string;
  alg: ClientKeyAlgorithm;
}

/** Generates a fresh, extractable signing key pair for a client assertion algorithm. */
export async function generateClientKey(alg: ClientKeyAlgorithm = 'ES256'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    // jose generates Ed25519 for EdDSA unless told otherwise; say it so that the choice is visible.
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    privateKeyPem: await exportPKCS8(privateKey),
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    kid,
    alg,
  };
}
