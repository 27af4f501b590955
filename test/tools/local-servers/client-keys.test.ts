import { compactVerify, importJWK, importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type ClientKeyAlgorithm, generateClientKey } from '../../../tools/local-servers/client-keys.js';

describe('generateClientKey', () => {
  it.each<ClientKeyAlgorithm>(['RS256', 'PS256', 'ES256', 'EdDSA'])(
    '%s: the PKCS#8 private key signs what the public JWK verifies',
    async (alg) => {
      const key = await generateClientKey(alg);

      const jws = await new SignJWT({ sub: 'probe' })
        .setProtectedHeader({ alg, kid: key.kid })
        .sign(await importPKCS8(key.privateKeyPem, alg));
      const verified = await compactVerify(jws, await importJWK(key.publicJwk, alg));

      expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(key.publicJwk).toMatchObject({ kid: key.kid, alg, use: 'sig' });
      expect(key.publicJwk).not.toHaveProperty('d');
      expect(verified.protectedHeader.kid).toBe(key.kid);
    },
  );

  it('gives every key its own kid', async () => {
    const [a, b] = await Promise.all([generateClientKey('ES256'), generateClientKey('ES256')]);

    expect(a.kid).not.toBe(b.kid);
  });
});
