/**
 * Checking `tls.ca` where a config is loaded (`validate`, `run`, `cdk synth`), so that a directory, an
 * unreadable file or text that is no PEM certificate is a config error naming the field (exit 2), not a
 * failed run at 3 a.m.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { errorCode } from '../guards.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

/** What is wrong with a `tls.ca` value (inline PEM, or a file at `path`), or undefined when it is usable. */
export function caProblem(ca: string, path: string | undefined): string | undefined {
  if (path === undefined) return pemProblem(ca, 'the inline PEM');
  let text: string;
  try {
    if (statSync(path).isDirectory()) {
      return `${path} is a directory: give the path of a PEM file (relative to probes.json), or inline PEM text`;
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT')
      return `file not found: ${path} (a PEM file path relative to probes.json, or inline PEM text)`;
    return `cannot read ${path} (${code ?? 'unknown error'}): give a readable PEM file, or inline PEM text`;
  }
  return pemProblem(text, path);
}

function pemProblem(text: string, what: string): string | undefined {
  const pem = PEM_CERTIFICATE.exec(text)?.[0];
  if (!pem) return `${what} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate in PEM`;
  try {
    new X509Certificate(pem);
    return undefined;
  } catch {
    return `${what} holds a PEM block that is not a valid X.509 certificate: give the CA certificate in PEM`;
  }
}
