import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../functions/engine/index.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../functions/local/index.js';
import { resolved, TestSecretSource } from './helpers.js';

describe('runProbe against oidc-provider', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
  });
  afterAll(() => env?.close());

  for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth'] as const) {
    it(`passes end to end with ${method}`, async () => {
      const probe = resolved(env.probe(method));

      const result = await runProbe(probe, { secrets: new TestSecretSource(env.secrets) });

      expect(result).toMatchObject({ status: 'pass', code: null, stage: null, message: null });
      expect(result.exchanges.map((e) => [e.name, e.status])).toEqual([
        ['token', 200],
        ['jwks', 200],
        ['list-invoices', 200],
        ['get-invoice', 200],
      ]);
      console.log(JSON.stringify(result));
    });
  }
});
