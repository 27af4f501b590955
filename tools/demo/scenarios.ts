/**
 * The failures the demo walks through: each injected into the real local servers (never into the
 * classifier), with the verdict the probe must reach and the fix that heals it.
 */
import type { ProbeResult, ProbeStatus, ResultCode, Stage } from '../../functions/engine/index.js';
import type { LocalEnvironment } from '../local-servers/index.js';

/** What the demo works with: the servers, and the secret store the probes read (it can be updated). */
export interface DemoContext {
  env: LocalEnvironment;
  /** secretId → secret object, read by the probes through a MemorySecretSource. */
  secretStore: Map<string, unknown>;
}

export interface Expectation {
  status: ProbeStatus;
  stage: Stage | null;
  code: ResultCode | null;
  step?: string | null;
}

export interface Scenario {
  /** Short id, e.g. `rotated-secret`. */
  id: string;
  title: string;
  /** What happens in real life, one or two lines. */
  story: string;
  /** What the demo does to the servers to make it happen. */
  injection: string;
  inject(ctx: DemoContext): Promise<void>;
  /** What fixes it. */
  healing: string;
  heal(ctx: DemoContext): Promise<void>;
  /** The diagnosis each demo probe must reach while the fault is in place, by probe name. */
  expect: Record<string, Expectation>;
}

export const MAIN_PROBE = 'billing-api';
export const SECOND_PROBE = 'partner-sync';
/** The degraded threshold of the demo probes, and the token delay injected to cross it. */
export const DEMO_DEGRADED_MS = 2000;
export const DEMO_TOKEN_DELAY_MS = 3000;
/** The scope the API starts requiring in the scope scenario; no client's token carries it. */
export const MISSING_SCOPE = 'billing:admin';

const PASS: Expectation = { status: 'pass', stage: null, code: null, step: null };
const both = (expectation: Expectation): Record<string, Expectation> => ({
  [MAIN_PROBE]: expectation,
  [SECOND_PROBE]: expectation,
});

let rotation = 0;
/** The secret set at the authorization server by the rotation, until the heal stores it. */
const pendingSecret = new WeakMap<Map<string, unknown>, string>();

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'rotated-secret',
    title: 'A rotated client secret',
    story:
      "Someone rotated billing-api's client secret at the authorization server; the services still hold the old one.",
    injection: 'authServer.setClientSecret("probe-basic", <new secret>)',
    async inject({ env, secretStore }) {
      rotation += 1;
      const next = `rotated-${rotation}-${Math.random().toString(36).slice(2)}`;
      env.authServer.setClientSecret('probe-basic', next);
      pendingSecret.set(secretStore, next);
    },
    healing: 'the new secret is stored where the probe reads it (Secrets Manager in AWS)',
    async heal({ secretStore }) {
      const next = pendingSecret.get(secretStore);
      const current = secretStore.get('local/basic') as Record<string, unknown>;
      secretStore.set('local/basic', { ...current, client_secret: next });
    },
    expect: {
      [MAIN_PROBE]: { status: 'fail', stage: 'token', code: 'invalid_client', step: null },
      // A different client, untouched: the failure is told apart per client.
      [SECOND_PROBE]: PASS,
    },
  },
  {
    id: 'scope-removed',
    title: "A scope missing from the client's grant",
    story:
      `The API needs ${MISSING_SCOPE}, which the clients' grant does not include (a scope removed from the client, ` +
      'at providers that grant the assigned scopes when none is requested, such as Auth0): tokens still come back, the API answers 403.',
    injection: `resourceServer.injectFault({ kind: "require_scope", scope: "${MISSING_SCOPE}" })`,
    async inject({ env }) {
      await env.resourceServer.injectFault({ kind: 'require_scope', scope: MISSING_SCOPE });
    },
    healing: 'the scope is granted again (here: the API stops requiring it)',
    async heal({ env }) {
      await env.resourceServer.clearFaults();
    },
    expect: both({ status: 'fail', stage: 'api', code: 'insufficient_scope', step: 'list-invoices' }),
  },
  {
    id: 'slow-authorization-server',
    title: 'A slow authorization server',
    story: `The token endpoint takes ${DEMO_TOKEN_DELAY_MS} ms to answer; the probes call it slow above ${DEMO_DEGRADED_MS} ms (degradedMs).`,
    injection: `authServer.injectFault({ kind: "delay", ms: ${DEMO_TOKEN_DELAY_MS}, path: "token" })`,
    async inject({ env }) {
      env.authServer.injectFault({ kind: 'delay', ms: DEMO_TOKEN_DELAY_MS, path: 'token' });
    },
    healing: 'the authorization server is fast again',
    async heal({ env }) {
      env.authServer.clearFaults();
    },
    expect: both({ status: 'degraded', stage: 'token', code: 'slow_response', step: null }),
  },
  {
    id: 'stale-signing-keys',
    title: 'A signing-key rotation the API has not picked up',
    story:
      'The authorization server rotated its signing keys; the API still verifies tokens with the old key set, so every new token is rejected.',
    injection: 'resourceServer.injectFault({ kind: "stale_keys" }); await authServer.rotateSigningKeys()',
    async inject({ env }) {
      // The API takes its snapshot of the keys before they rotate.
      await env.resourceServer.injectFault({ kind: 'stale_keys' });
      await env.authServer.rotateSigningKeys();
    },
    healing: 'the API refreshes its JWKS',
    async heal({ env }) {
      await env.resourceServer.clearFaults();
    },
    expect: both({ status: 'fail', stage: 'api', code: 'invalid_token', step: 'list-invoices' }),
  },
  {
    id: 'api-down',
    title: 'The API down while tokens still flow',
    story: 'The protected API stops listening; the authorization server keeps issuing tokens.',
    injection: 'resourceServer.injectFault({ kind: "down" })',
    async inject({ env }) {
      // Resolves once the port is closed: the next run meets a closed port.
      await env.resourceServer.injectFault({ kind: 'down' });
    },
    healing: 'the API is back on the same port',
    async heal({ env }) {
      await env.resourceServer.clearFaults();
    },
    expect: both({ status: 'fail', stage: 'api', code: 'connection_refused', step: 'list-invoices' }),
  },
];

/** Differences between a result and what was expected, in words; empty when it matches. */
export function compare(result: ProbeResult, expected: Expectation): string[] {
  const differences: string[] = [];
  const check = (field: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) differences.push(`${field} ${String(actual)}, expected ${String(wanted)}`);
  };
  check('status', result.status, expected.status);
  check('stage', result.stage, expected.stage);
  check('code', result.code, expected.code);
  if (expected.step !== undefined) check('step', result.step, expected.step);
  return differences;
}

/** The demo probes: the local environment's ready-made probes under friendlier names, with a degraded threshold. */
export function demoProbeConfigs(env: LocalEnvironment) {
  // Generous: on a busy CI machine a healthy local request must never look slow.
  const settings = { timeoutMs: 8000, degradedMs: DEMO_DEGRADED_MS };
  return [
    env.probe('client_secret_basic', {
      name: MAIN_PROBE,
      description: 'client_secret_basic, JWT access token, two API steps',
      ...settings,
    }),
    env.probe('private_key_jwt', {
      name: SECOND_PROBE,
      description: 'private_key_jwt (signed client assertion), same API',
      ...settings,
    }),
  ];
}
