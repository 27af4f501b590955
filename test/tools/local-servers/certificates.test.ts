import { X509Certificate } from 'node:crypto';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createExpiredServerCert, createTestPki } from '../../../tools/local-servers/certificates.js';
import { startResourceServer } from '../../../tools/local-servers/resource-server.js';

const DAY_MS = 86_400_000;

describe('createTestPki', () => {
  it('makes a CA, a 127.0.0.1 server certificate and a client certificate, both signed by the CA', async () => {
    const pki = await createTestPki();
    const ca = new X509Certificate(pki.ca.cert);
    const server = new X509Certificate(pki.server.cert);
    const client = new X509Certificate(pki.client.cert);

    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(client.checkIssued(ca) && client.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(client.subject).toBe('CN=probe-client');
    expect(pki.client.subjectDn).toBe('CN=probe-client');
    expect(pki.server.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('makes certificates valid for 30 days by default, or as many as asked', async () => {
    const defaults = await createTestPki();
    const short = await createTestPki({ validDays: 3, clientCn: 'short-lived' });
    const daysLeft = (pem: string) => (Date.parse(new X509Certificate(pem).validTo) - Date.now()) / DAY_MS;

    expect(Math.round(daysLeft(defaults.server.cert))).toBe(30);
    expect(Math.round(daysLeft(short.server.cert))).toBe(3);
    expect(new X509Certificate(short.client.cert).subject).toBe('CN=short-lived');
  });

  it('caches per options within the process', async () => {
    const first = await createTestPki();
    const second = await createTestPki();
    const other = await createTestPki({ clientCn: 'another-client' });

    expect(second).toBe(first);
    expect(other.ca.cert).not.toBe(first.ca.cert);
  });
});

describe('createExpiredServerCert', () => {
  it('makes a CA-signed server certificate whose notAfter is in the past', async () => {
    const pki = await createTestPki();

    const expired = await createExpiredServerCert(pki.ca);
    const certificate = new X509Certificate(expired.cert);

    expect(Date.parse(certificate.validTo)).toBeLessThan(Date.now());
    expect(certificate.checkIssued(new X509Certificate(pki.ca.cert))).toBe(true);
  });

  it('makes a TLS client that trusts the CA fail with CERT_HAS_EXPIRED', async () => {
    const pki = await createTestPki();
    const expired = await createExpiredServerCert(pki.ca);
    const api = await startResourceServer({
      issuer: 'https://127.0.0.1:1',
      jwksUri: 'https://127.0.0.1:1/jwks',
      audience: 'https://api.example.test',
      tls: { key: expired.key, cert: expired.cert, ca: pki.ca.cert },
    });
    const agent = new Agent({ connect: { ca: pki.ca.cert } });
    try {
      const response = request(`${api.url}/health`, { dispatcher: agent });

      await expect(response).rejects.toMatchObject({ code: 'CERT_HAS_EXPIRED' });
    } finally {
      await agent.close();
      await api.close();
    }
  });
});
