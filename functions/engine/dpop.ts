/**
 * Sender-constrained tokens. DPoP (RFC 9449): one key pair per run (or the secret's `dpop_private_key`),
 * a fresh proof for every request, `ath` binding API proofs to the token, one `use_dpop_nonce` retry
 * (§8). Certificate-bound tokens (RFC 8705 §3): the JWT's `cnf["x5t#S256"]` must be the client
 * certificate's thumbprint.
 */
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8, type JWK, SignJWT } from 'jose';
import type { RunContext } from './context.js';
import { ProbeFailure } from './failure.js';
import type { ClientSecret } from './types.js';

type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

export interface DpopKey {
  privateKey: PrivateKey;
  publicJwk: JWK;
  alg: string;
  /** RFC 7638 thumbprint of the public key: what `cnf.jkt` must be. */
  thumbprint: string;
}

// One key per run, created on first use: the run context is the key's lifetime.
const keys = new WeakMap<RunContext, Promise<DpopKey>>();

export function usesDpop(ctx: RunContext): boolean {
  return ctx.probe.tokenBinding === 'dpop';
}

export function dpopKey(ctx: RunContext, secret: ClientSecret): Promise<DpopKey> {
  let key = keys.get(ctx);
  if (!key) {
    ctx.redactor.add(secret.dpop_private_key);
    key = createKey(secret.dpop_private_key, secret.dpop_algorithm);
    keys.set(ctx, key);
  }
  return key;
}

/** The run's DPoP key if it made one: a reusable DPoP-bound token keeps it (the token is bound to it). */
export function runDpopKey(ctx: RunContext): Promise<DpopKey> | undefined {
  return keys.get(ctx);
}

/** Gives a run the DPoP key of the token it reuses; its proofs then match the token's `cnf.jkt`. */
export function adoptDpopKey(ctx: RunContext, key: Promise<DpopKey>, secret: ClientSecret): void {
  ctx.redactor.add(secret.dpop_private_key);
  keys.set(ctx, key);
}

/** The run's DPoP key, created by the token request. */
function keyOf(ctx: RunContext): Promise<DpopKey> {
  const key = keys.get(ctx);
  if (!key) throw new Error('no DPoP key: the token request creates it first');
  return key;
}

/**
 * The headers that present `token` on a request: `Authorization: Bearer`, or for DPoP
 * `Authorization: DPoP` with a fresh proof bound to the token (`ath`) and this method and URL.
 */
export async function authorizationHeaders(
  ctx: RunContext,
  token: string,
  request: { method: string; url: string },
): Promise<Record<string, string>> {
  if (!usesDpop(ctx)) return { authorization: `Bearer ${token}` };
  const proof = await dpopProof(ctx, await keyOf(ctx), { ...request, accessToken: token });
  return { authorization: `DPoP ${token}`, dpop: proof };
}

async function createKey(pem: string | undefined, alg = 'ES256'): Promise<DpopKey> {
  let privateKey: PrivateKey;
  let publicJwk: JWK;
  if (pem) {
    try {
      privateKey = await importPKCS8(pem, alg, { extractable: true });
    } catch (error) {
      throw new ProbeFailure(
        'credentials',
        'secret_malformed',
        'the secret\'s "dpop_private_key" is not a usable PKCS#8 PEM key',
        {
          detail: `"dpop_private_key" must be a PKCS#8 PEM key for ${alg} (set "dpop_algorithm" for another algorithm)`,
        },
        { cause: error },
      );
    }
    const { d: _private, ...pub } = await exportJWK(privateKey);
    publicJwk = pub;
  } else {
    const pair = await generateKeyPair(alg, { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
  }
  return { privateKey, publicJwk, alg, thumbprint: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** A DPoP proof for one request; `accessToken` adds `ath` (requests to the resource server). */
export async function dpopProof(
  ctx: RunContext,
  key: DpopKey,
  request: { method: string; url: string; accessToken?: string; nonce?: string },
): Promise<string> {
  const target = new URL(request.url);
  const htu = `${target.origin}${target.pathname}`;
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    htm: request.method,
    htu,
    iat: Math.floor(ctx.deps.clock.now() / 1000),
  };
  if (request.accessToken) claims.ath = createHash('sha256').update(request.accessToken).digest('base64url');
  if (request.nonce) claims.nonce = request.nonce;
  const proof = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk })
    .sign(key.privateKey);
  ctx.redactor.add(proof);
  return proof;
}

/** RFC 9449 §8: the nonce a server asks for with `use_dpop_nonce`, if this response is that request. */
export function dpopNonceChallenge(response: { status: number; headers: Record<string, string>; body: string }) {
  const nonce = response.headers['dpop-nonce'];
  if (!nonce || (response.status !== 400 && response.status !== 401)) return undefined;
  const asked =
    /use_dpop_nonce/.test(response.headers['www-authenticate'] ?? '') || /"use_dpop_nonce"/.test(response.body);
  return asked ? nonce : undefined;
}

/** Whether a refusal names the DPoP proof (`invalid_dpop_proof`, or a nonce still wanted after the retry). */
export function isDpopRefusal(error: string | undefined, challenge: string | undefined): boolean {
  const codes = /\b(invalid_dpop_proof|use_dpop_nonce)\b/;
  return (
    (error !== undefined && codes.test(error)) ||
    (challenge !== undefined && /^DPoP\b/i.test(challenge) && codes.test(challenge))
  );
}

/**
 * The binding the configured `tokenBinding` demands, checked on the token response and the JWT claims:
 * `token_not_bound` when the server issued a plain bearer token or bound it to something else.
 */
export async function checkTokenBinding(
  ctx: RunContext,
  secret: ClientSecret,
  tokenType: string | null,
  claims: Record<string, unknown> | undefined,
): Promise<void> {
  const binding = ctx.probe.tokenBinding;
  if (!binding) return;
  const notBound = (message: string) =>
    new ProbeFailure('token_validation', 'token_not_bound', message, { detail: message });
  const cnf =
    claims && typeof claims.cnf === 'object' && claims.cnf !== null
      ? (claims.cnf as Record<string, unknown>)
      : undefined;
  if (binding === 'dpop') {
    if (tokenType?.toLowerCase() !== 'dpop') {
      throw notBound(
        `token_type is ${tokenType === null ? 'absent' : JSON.stringify(ctx.quote(tokenType, 40))}, expected "DPoP": the server issued an unbound token`,
      );
    }
    if (!claims) return;
    const { thumbprint } = await dpopKey(ctx, secret);
    if (cnf?.jkt !== thumbprint) {
      throw notBound(
        cnf?.jkt === undefined
          ? 'the JWT has no cnf.jkt (RFC 9449 §6.1)'
          : "the JWT's cnf.jkt is not the thumbprint of the probe's DPoP key",
      );
    }
    return;
  }
  // mtls: RFC 8705 §3.1
  if (!claims) return;
  const expected = certificateThumbprint(secret.certificate);
  const actual = cnf?.['x5t#S256'];
  if (actual !== expected) {
    throw notBound(
      actual === undefined
        ? 'the JWT has no cnf["x5t#S256"] (RFC 8705 §3.1)'
        : 'the JWT\'s cnf["x5t#S256"] is not the thumbprint of the client certificate',
    );
  }
}

/** RFC 8705 §3.1: base64url SHA-256 of the DER certificate. */
export function certificateThumbprint(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
  } catch {
    return undefined;
  }
}
