/**
 * `npm run bench`: creates the bench certificates, then runs ./measure.ts in a Node process that trusts
 * the bench CA through NODE_EXTRA_CA_CERTS (as a public CA is trusted), so that HTTPS can be measured
 * both with the CA in the trust store and with it in a probe's `tls.ca`. Arguments are passed on
 * (`--quick` for a smoke run with small counts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { PKI_DIR_ENV, writeBenchPki } from './pki.js';

const pkiDir = fileURLToPath(new URL('./tmp/pki/', import.meta.url));
const caPath = await writeBenchPki(pkiDir);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('./measure.ts', import.meta.url)), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, [PKI_DIR_ENV]: pkiDir } },
);
const [code] = (await once(child, 'exit')) as [number | null];
process.exitCode = code ?? 1;
