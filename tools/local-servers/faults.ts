/**
 * Injects the playground faults of ./fault-catalogue.ts into a local environment: each a real
 * misbehaviour of the local authorization server or API (a fault of ./authorization-server.ts or
 * ./resource-server.ts), never a hand-made answer to the classifier.
 */
import { createExpiredServerCert } from './certificates.js';
import type { LocalEnvironment } from './environment.js';
import { type PlaygroundFaultName, RETRY_AFTER_SEC, WRONG_AUDIENCE } from './fault-catalogue.js';

const json = (body: unknown) => JSON.stringify(body);

const INJECT: Record<PlaygroundFaultName, (env: LocalEnvironment) => Promise<void>> = {
  async 'token-429'(env) {
    env.authServer.injectFault({
      kind: 'respond',
      status: 429,
      headers: { 'retry-after': String(RETRY_AFTER_SEC) },
      body: json({ error: 'too_many_requests', error_description: 'rate limit of the token endpoint exceeded' }),
    });
  },
  async 'token-503'(env) {
    env.authServer.injectFault({
      kind: 'respond',
      status: 503,
      body: json({ error: 'temporarily_unavailable', error_description: 'the service is down for maintenance' }),
    });
  },
  async 'token-html'(env) {
    env.authServer.injectFault({
      kind: 'respond',
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><html><head><title>Sign in</title></head><body><form>Corporate proxy login</form></body></html>',
    });
  },
  async 'token-hang'(env) {
    env.authServer.injectFault({ kind: 'hang', path: 'token' });
  },
  async 'wrong-audience'(env) {
    env.authServer.injectFault({ kind: 'audience', audience: WRONG_AUDIENCE });
  },
  async 'expired-certificate'(env) {
    if (!env.pki) throw new TypeError('the expired-certificate fault needs an HTTPS environment');
    env.authServer.injectFault({ kind: 'tls_certificate', ...(await createExpiredServerCert(env.pki.ca)) });
  },
  async 'jwks-rotated'(env) {
    // The API takes its snapshot of the keys first, then the authorization server rotates them.
    await env.resourceServer.injectFault({ kind: 'stale_keys' });
    await env.authServer.rotateSigningKeys();
  },
  async 'api-401'(env) {
    await env.resourceServer.injectFault({
      kind: 'respond',
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="api"' },
      body: json({ error: 'unauthorized' }),
    });
  },
  async 'api-500'(env) {
    await env.resourceServer.injectFault({ kind: 'respond', status: 500, body: json({ error: 'internal' }) });
  },
  async 'api-hang'(env) {
    await env.resourceServer.injectFault({ kind: 'hang' });
  },
};

/** Injects the named faults, in order (several act together: the first one a request meets wins). */
export async function injectPlaygroundFaults(
  env: LocalEnvironment,
  names: readonly PlaygroundFaultName[],
): Promise<void> {
  for (const name of names) await INJECT[name](env);
}
