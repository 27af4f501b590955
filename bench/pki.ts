/**
 * The bench's certificates (from tools/local-servers/certificates.ts), written to files so that the
 * measuring process can trust the CA through NODE_EXTRA_CA_CERTS, the way a public CA is trusted, and
 * the hold server can present the server certificate.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestPki } from '../tools/local-servers/certificates.js';

export const PKI_DIR_ENV = 'BENCH_PKI_DIR';

export interface BenchPki {
  caPath: string;
  ca: string;
  serverKey: string;
  serverCert: string;
  /** tls_client_auth client certificate and key (mutual TLS), signed by the CA. */
  clientKey: string;
  clientCert: string;
  clientKeyPath: string;
  clientCertPath: string;
}

export async function writeBenchPki(dir: string): Promise<string> {
  const pki = await createTestPki();
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, 'ca.pem'), pki.ca.cert),
    writeFile(join(dir, 'server-key.pem'), pki.server.key),
    writeFile(join(dir, 'server-cert.pem'), pki.server.cert),
    writeFile(join(dir, 'client-key.pem'), pki.client.key),
    writeFile(join(dir, 'client-cert.pem'), pki.client.cert),
  ]);
  return join(dir, 'ca.pem');
}

export async function readBenchPki(dir = process.env[PKI_DIR_ENV]): Promise<BenchPki> {
  if (!dir) throw new Error(`${PKI_DIR_ENV} is not set: run the bench with npm run bench`);
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  const [ca, serverKey, serverCert, clientKey, clientCert] = await Promise.all([
    read('ca.pem'),
    read('server-key.pem'),
    read('server-cert.pem'),
    read('client-key.pem'),
    read('client-cert.pem'),
  ]);
  return {
    caPath: join(dir, 'ca.pem'),
    ca,
    serverKey,
    serverCert,
    clientKey,
    clientCert,
    clientKeyPath: join(dir, 'client-key.pem'),
    clientCertPath: join(dir, 'client-cert.pem'),
  };
}
