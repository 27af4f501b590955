/**
 * `npm run bench`: creates this run's work directory and certificates, then runs ./measure.ts in a Node
 * process that trusts the bench CA through NODE_EXTRA_CA_CERTS (as a public CA is trusted), so that
 * HTTPS can be measured both with the CA in the trust store and with it in a probe's `tls.ca`. Arguments
 * are passed on (`--quick` for a smoke run with small counts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PKI_DIR_ENV, writeBenchPki } from './pki.js';
import { WORK_DIR_ENV } from './work-dir.js';

const tmp = fileURLToPath(new URL('./tmp/', import.meta.url));
await mkdir(tmp, { recursive: true });
const workDir = await mkdtemp(join(tmp, 'run-'));
try {
  const pkiDir = join(workDir, 'pki');
  const caPath = await writeBenchPki(pkiDir);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./measure.ts', import.meta.url)), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, [PKI_DIR_ENV]: pkiDir, [WORK_DIR_ENV]: workDir },
    },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exitCode = code ?? 1;
} finally {
  await rm(workDir, { recursive: true, force: true });
}
