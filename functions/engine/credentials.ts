/**
 * The credentials stage: fetch the secret, check that it can serve `clientAuth`, and work out how long
 * the credential has left. Messages name fields, never values.
 */
import { X509Certificate } from 'node:crypto';
import type { ClientAuthMethod } from '../config/schema.js';
import { assertionAlgorithm, parsePrivateKey, REQUIRED_FIELDS, SecretShapeError } from './client-auth.js';
import type { RunContext } from './context.js';
import { ProbeFailure } from './failure.js';
import { type ClientSecret, CredentialsError, type SecretLookup } from './types.js';

const DAY_MS = 86_400_000;

export interface Credentials extends SecretLookup {
  /** Days until `expires_at` or the client certificate's notAfter, whichever comes first. */
  daysLeft?: number;
}

export async function loadCredentials(ctx: RunContext, options: { bypassCache?: boolean } = {}): Promise<Credentials> {
  const { probe, deps } = ctx;
  const secretId = probe.credentials.secretId;
  const method = probe.clientAuth;
  let lookup: SecretLookup;
  try {
    lookup = await withDeadline(
      deps.secrets.get(secretId, { ...(options.bypassCache ? { bypassCache: true } : {}), signal: ctx.deadline }),
      ctx.deadline,
    );
  } catch (error) {
    if (error instanceof CredentialsError) {
      throw new ProbeFailure(
        'credentials',
        error.code,
        ctx.redactor.redact(error.message),
        { secretId, clientAuth: method },
        {
          cause: error,
        },
      );
    }
    if (error instanceof DeadlineError) {
      throw new ProbeFailure('credentials', 'timeout', `reading secret "${secretId}": the run deadline passed`, {
        secretId,
        detail: 'deadline',
        target: 'the secret store',
      });
    }
    throw new ProbeFailure(
      'credentials',
      'secret_unavailable',
      `reading secret "${secretId}" failed`,
      { secretId },
      {
        cause: error,
      },
    );
  }
  const { secret } = lookup;
  registerSecrets(ctx, secret);
  const fail = (code: 'secret_malformed' | 'credentials_expired', message: string, extra = {}) =>
    new ProbeFailure('credentials', code, message, { secretId, clientAuth: method, ...extra });

  const missing = REQUIRED_FIELDS[method].filter((field) => !secret[field]);
  if (missing.length > 0) {
    throw fail(
      'secret_malformed',
      `secret "${secretId}" lacks ${missing.map((f) => `"${f}"`).join(' and ')}, needed for ${method}`,
      { detail: `missing ${missing.join(', ')}` },
    );
  }
  let certNotAfter: number | undefined;
  try {
    checkShape(method, secret);
    if (method === 'tls_client_auth') certNotAfter = Date.parse(new X509Certificate(secret.certificate!).validTo);
  } catch (error) {
    const detail = error instanceof SecretShapeError ? error.message : '"certificate" is not a PEM X.509 certificate';
    throw fail('secret_malformed', `secret "${secretId}": ${detail}`, { detail });
  }

  const now = deps.clock.now();
  const expiresAt = secret.expires_at ? Date.parse(secret.expires_at) : undefined;
  const ends = [expiresAt, certNotAfter].filter((t): t is number => t !== undefined && !Number.isNaN(t));
  const end = ends.length > 0 ? Math.min(...ends) : undefined;
  if (end !== undefined && end <= now) {
    const which = end === certNotAfter ? 'client certificate (notAfter)' : 'credential (expires_at)';
    throw fail('credentials_expired', `secret "${secretId}": the ${which} expired at ${new Date(end).toISOString()}`, {
      expiresAt: new Date(end).toISOString(),
    });
  }
  const result: Credentials = { ...lookup };
  if (end !== undefined) result.daysLeft = Math.floor((end - now) / DAY_MS);
  return result;
}

function checkShape(method: ClientAuthMethod, secret: ClientSecret): void {
  if (method === 'private_key_jwt') assertionAlgorithm(secret, parsePrivateKey(secret));
  if (method === 'tls_client_auth') {
    const key = parsePrivateKey(secret);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(secret.certificate!);
    } catch (cause) {
      throw new SecretShapeError('"certificate" is not a PEM X.509 certificate', { cause });
    }
    // Otherwise the TLS library refuses the pair when the connection is set up, which is no server's fault.
    if (!certificate.checkPrivateKey(key)) {
      throw new SecretShapeError('"certificate" and "private_key" do not belong together (the public keys differ)');
    }
  }
}

/** Every value of the secret that must never appear in a result. */
function registerSecrets(ctx: RunContext, secret: ClientSecret): void {
  ctx.redactor.add(secret.client_secret);
  ctx.redactor.add(secret.private_key);
}

class DeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(new DeadlineError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeadlineError());
    deadline.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        deadline.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        deadline.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
