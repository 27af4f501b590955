/**
 * The faults `oauth-probe local --fault NAME` injects into the playground, to rehearse a failure before
 * it happens in production, as data: what each does and the diagnosis a playground probe gets while it
 * is in place. Free of imports with side effects (the CLI reads it for `local --help` and its flag
 * checks); ./faults.ts injects them. docs/cli.md lists them with real runs, and the docs test checks
 * every diagnosis here (test/docs/fault-samples.test.ts).
 */
import type { ProbeStatus, ResultCode, Stage } from '../../functions/engine/index.js';

export interface Diagnosis {
  status: ProbeStatus;
  stage: Stage;
  code: ResultCode;
  /** The API step, for a failure at the api stage (the playground's first step is `list-invoices`). */
  step?: string;
}

export interface FaultDescription {
  name: string;
  /** What the servers do, in one line. */
  effect: string;
  /** What a playground probe reads while the fault is in place. */
  diagnosis: Diagnosis;
  /** The fault needs the servers over HTTPS (`local` turns it on). */
  https?: boolean;
}

/** Seconds the token-429 fault asks the client to wait. */
export const RETRY_AFTER_SEC = 30;
/** The audience the wrong-audience fault issues tokens for. */
export const WRONG_AUDIENCE = 'https://other-api.oauth-probe.test';

export const PLAYGROUND_FAULTS = [
  {
    name: 'token-429',
    effect: `the token endpoint answers 429 Too Many Requests with Retry-After: ${RETRY_AFTER_SEC}`,
    diagnosis: { status: 'fail', stage: 'token', code: 'rate_limited' },
  },
  {
    name: 'token-503',
    effect: 'the token endpoint answers 503 Service Unavailable',
    diagnosis: { status: 'fail', stage: 'token', code: 'server_error' },
  },
  {
    name: 'token-html',
    effect: 'the token endpoint answers 200 with an HTML page (a proxy or WAF login page)',
    diagnosis: { status: 'fail', stage: 'token', code: 'malformed_response' },
  },
  {
    name: 'token-hang',
    effect: 'the token endpoint accepts the connection and never answers',
    diagnosis: { status: 'fail', stage: 'token', code: 'timeout' },
  },
  {
    name: 'wrong-audience',
    effect: `the authorization server issues tokens for another API (aud ${WRONG_AUDIENCE})`,
    diagnosis: { status: 'fail', stage: 'token_validation', code: 'jwt_audience_mismatch' },
  },
  {
    name: 'expired-certificate',
    effect: "the authorization server's TLS certificate expired yesterday (HTTPS)",
    diagnosis: { status: 'fail', stage: 'token', code: 'tls_error' },
    https: true,
  },
  {
    name: 'jwks-rotated',
    effect: 'the signing keys rotate; the API keeps verifying tokens with the old JWKS',
    diagnosis: { status: 'fail', stage: 'api', code: 'invalid_token', step: 'list-invoices' },
  },
  {
    name: 'api-401',
    effect: 'the API answers 401 to every request, without an RFC 6750 error code',
    diagnosis: { status: 'fail', stage: 'api', code: 'unauthorized', step: 'list-invoices' },
  },
  {
    name: 'api-500',
    effect: 'the API answers 500 Internal Server Error to every request',
    diagnosis: { status: 'fail', stage: 'api', code: 'server_error', step: 'list-invoices' },
  },
  {
    name: 'api-hang',
    effect: 'the API reads every request and never answers',
    diagnosis: { status: 'fail', stage: 'api', code: 'timeout', step: 'list-invoices' },
  },
] as const satisfies readonly FaultDescription[];

export type PlaygroundFaultName = (typeof PLAYGROUND_FAULTS)[number]['name'];

export const PLAYGROUND_FAULT_NAMES: readonly PlaygroundFaultName[] = PLAYGROUND_FAULTS.map((fault) => fault.name);

export function describeFault(name: PlaygroundFaultName): FaultDescription {
  return PLAYGROUND_FAULTS.find((fault) => fault.name === name)!;
}
