/**
 * The runbooks shipped in docs/runbooks/, one per failure code family, and the first checks of each:
 * a notification of a probe with no `runbookUrl` carries those steps in the message itself, so the
 * person paged never starts from nothing. A test keeps these steps identical to the first numbered
 * checks of each runbook file, and maps every result code of the engine to a family.
 */
import type { AlarmKind } from './alarm-naming.js';

export const RUNBOOK_FAMILIES = [
  'credentials',
  'discovery',
  'token',
  'token_validation',
  'api',
  'transport',
  'degraded',
  'stopped',
] as const;
export type RunbookFamily = (typeof RUNBOOK_FAMILIES)[number];

/** Where the runbooks live in the repository. */
export const RUNBOOK_DIR = 'docs/runbooks';

/** Codes of a failed connection, at whatever stage it happened (the engine's TRANSPORT_CODES). */
const TRANSPORT = new Set(['dns_failure', 'connection_refused', 'connection_error', 'timeout', 'tls_error']);

export const RUNBOOK_FIRST_STEPS: Record<RunbookFamily, readonly string[]> = {
  credentials: [
    'Read the code in the latest result: secret_not_found, secret_access_denied, secret_malformed, secret_unavailable or credentials_expired.',
    'Check that the secret exists in the failing region (replica) and was not rotated or deleted in the last hour.',
    'Check the probe function role may read it (secretsmanager:GetSecretValue, and kms:Decrypt through Secrets Manager for a customer key).',
  ],
  discovery: [
    "Fetch the issuer's /.well-known/openid-configuration (or oauth-authorization-server) yourself and compare issuer with the probe's `issuer`.",
    'Check the provider status page and whether the issuer URL changed (tenant, realm or custom domain).',
    'If discovery is flaky but the token endpoint is stable, set `tokenUrl` and `token.jwt.jwksUri` directly.',
  ],
  token: [
    'Read the code and HTTP status of the token request: invalid_client/unauthorized_client (401) is the credential, invalid_scope/invalid_target the request, rate_limited (429) or server_error (5xx) the provider.',
    'Check whether the client secret or key was rotated, or the client disabled, in the last hour (provider audit log).',
    'Compare the failing regions: all regions points at the provider, one region at its network path.',
  ],
  token_validation: [
    'Read the code: jwt_signature_invalid or jwks_unavailable (keys), jwt_issuer_mismatch/jwt_audience_mismatch (configuration), scope_not_granted (client grants), jwt_expired/jwt_not_yet_valid (clocks).',
    'Decode the token claims in the latest result (iss, aud, scope, kid) and compare them with `token.jwt` and `token.requiredScopes`.',
    'For signature errors, fetch the JWKS and check the kid is present: a key rotation may not have propagated.',
  ],
  api: [
    'Read the step, code and HTTP status: invalid_token/unauthorized (401) means the API rejects the token, forbidden/insufficient_scope (403) the grants, rate_limited (429) quotas, server_error (5xx) the API itself.',
    "Check the API's deploys and status page for the failing step; the token stage passed, so the authorization server is not the cause.",
    'For 401/403, compare the audience and scopes the API expects with those in the latest token summary.',
  ],
  transport: [
    'Read the code and stage: dns_failure, connection_refused, connection_error, timeout or tls_error, at the token endpoint or an API step.',
    'Compare regions: one region failing is a network path (VPC egress, NAT, DNS resolver), all regions the endpoint itself.',
    'For tls_error, check the certificate chain and expiry of the endpoint (CertificateDaysLeft) and any `tls.ca` the probe uses.',
  ],
  degraded: [
    'Find which request is slow in the latency widgets (token or step) and which phase grows (DNS, connect, TLS, first byte) on the Debug dashboard.',
    'Compare regions: one region slow is its network path; every region slow is the server (first byte grows).',
    'Check the provider and API status pages; raise `degradedMs` only if the new latency is accepted as normal.',
  ],
  stopped: [
    'Check the EventBridge Scheduler schedule of the probe in that region is enabled and targets the probe function.',
    'Check the probe function for errors and throttles (Lambda metrics, function log) and MetricPublishFailures.',
    'Run the probe from your machine (`oauth-probe run --probe NAME`) to tell a broken probe from a broken flow.',
  ],
};

/** The family of a result (`stage`, `code`) or, without one, of the alarm kind. */
export function runbookFamily(input: { kind?: AlarmKind; stage?: string | null; code?: string | null }): RunbookFamily {
  if (input.kind === 'stopped') return 'stopped';
  if (input.kind === 'expiry') return 'credentials';
  if (input.kind === 'latency' || input.code === 'slow_response') return 'degraded';
  if (input.code && TRANSPORT.has(input.code)) return 'transport';
  switch (input.stage) {
    case 'credentials':
    case 'discovery':
    case 'token':
    case 'token_validation':
    case 'api':
      return input.stage;
    case 'config':
      return 'stopped';
    default:
      // No result in hand (or internal_error): the probe itself is the first suspect.
      return input.code ? 'stopped' : 'token';
  }
}

/** `docs/runbooks/token-validation.md` */
export function runbookPath(family: RunbookFamily): string {
  return `${RUNBOOK_DIR}/${family.replace('_', '-')}.md`;
}
