/**
 * A throwaway PKI for the local servers: one CA that signs the server certificate (127.0.0.1 and
 * localhost) and the tls_client_auth client certificate. ECDSA P-256 keys keep generation fast; the CA and
 * the certificates derived from it are cached per process, because every suite starts an environment.
 */
import { generate } from 'selfsigned';

export interface CertificateAndKey {
  /** Certificate, PEM. */
  cert: string;
  /** Private key (PKCS#8), PEM. */
  key: string;
}

export interface TestPki {
  /** The CA that signed both certificates: what a client trusts, and what the server trusts for mTLS. */
  ca: CertificateAndKey;
  /** Server certificate for 127.0.0.1 (SAN IP 127.0.0.1, DNS localhost), signed by the CA. */
  server: CertificateAndKey;
  /** Client certificate for tls_client_auth, signed by the CA. */
  client: CertificateAndKey & {
    /** Subject DN as the authorization server compares it, e.g. "CN=probe-client". */
    subjectDn: string;
  };
}

export interface TestPkiOptions {
  /** Common name of the client certificate. @default "probe-client" */
  clientCn?: string;
  /** Validity of the server and client certificates, days from now. @default 30 */
  validDays?: number;
}

const DAY_MS = 86_400_000;

const pkiCache = new Map<string, Promise<TestPki>>();

/**
 * Creates (or returns the cached) CA, server certificate and client certificate.
 * @example const pki = await createTestPki({ clientCn: 'probe-client', validDays: 30 });
 */
export function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const clientCn = options.clientCn ?? 'probe-client';
  const validDays = options.validDays ?? 30;
  const cacheKey = `${clientCn}\u0000${validDays}`;
  let pki = pkiCache.get(cacheKey);
  if (!pki) {
    pki = buildPki(clientCn, validDays);
    // A failed generation must not poison the cache for the rest of the process.
    pki.catch(() => pkiCache.delete(cacheKey));
    pkiCache.set(cacheKey, pki);
  }
  return pki;
}

/** A certificate authority (self-signed, `cA: true`). */
export async function createCertificateAuthority(commonName = 'oauth-probe local test CA'): Promise<CertificateAndKey> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * An intermediate CA signed by `issuer`, valid for `validDays` from now: with a server certificate under
 * it, the chain a server presents expires before its leaf does (the case certDaysLeft must catch).
 */
export async function createIntermediateCertificateAuthority(
  issuer: CertificateAndKey,
  validDays: number,
  commonName = 'oauth-probe local test intermediate CA',
): Promise<CertificateAndKey> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + validDays * DAY_MS),
    ca: { key: issuer.key, cert: issuer.cert },
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * A server certificate for 127.0.0.1 and localhost signed by `ca`.
 * `notAfter` may be in the past: that is how the expired-certificate (`tls_error`) case is built.
 */
export async function createServerCert(
  ca: CertificateAndKey,
  validity: { notBefore: Date; notAfter: Date },
): Promise<CertificateAndKey> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: validity.notBefore,
    notAfterDate: validity.notAfter,
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A server certificate for 127.0.0.1 signed by `ca` that expired yesterday. */
export function createExpiredServerCert(ca: CertificateAndKey): Promise<CertificateAndKey> {
  const now = Date.now();
  return createServerCert(ca, { notBefore: new Date(now - 60 * DAY_MS), notAfter: new Date(now - DAY_MS) });
}

/** A tls_client_auth client certificate with subject `CN=<commonName>`, signed by `ca`. */
export async function createClientCert(
  ca: CertificateAndKey,
  commonName: string,
  validDays = 30,
): Promise<CertificateAndKey & { subjectDn: string }> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + validDays * DAY_MS),
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { cert: pems.cert, key: pems.private, subjectDn: `CN=${commonName}` };
}

async function buildPki(clientCn: string, validDays: number): Promise<TestPki> {
  const ca = await createCertificateAuthority();
  const now = Date.now();
  const [server, client] = await Promise.all([
    createServerCert(ca, { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + validDays * DAY_MS) }),
    createClientCert(ca, clientCn, validDays),
  ]);
  return { ca, server, client };
}
