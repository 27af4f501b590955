/**
 * The constants and documented defaults of `probes.json`, free of zod so that the Lambda functions and
 * the CDK app can read them without loading the schema (the notifier bundle carries no zod).
 */

export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'tls_client_auth',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** JWS algorithms we accept for JWT access tokens and sign client assertions with. `none` is never allowed. */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Algorithms a client assertion (private_key_jwt) may be signed with. */
export const ASSERTION_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/**
 * Form parameters the probe sets itself: tokenParams cannot override them. Here, not in ./schema.ts:
 * the engine reads it, and importing the schema module built the whole zod schema in every process
 * that loads the engine.
 */
export const RESERVED_TOKEN_PARAMS = [
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** @default 10000 */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** @default 30 seconds of clock skew tolerated on exp/nbf/iat */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
/** @default 'rate(1 minute)' */
export const DEFAULT_SCHEDULE = 'rate(1 minute)';
/** @default 'OAuthProbe' */
export const DEFAULT_NAMESPACE = 'OAuthProbe';
/** @default 2 */
export const DEFAULT_GLOBAL_FAILURE_REGIONS = 2;
/** How the probe function publishes its regional metrics: the PutMetricData API, or an EMF log line. */
export const METRICS_TRANSPORTS = ['putMetricData', 'emf'] as const;
export type MetricsTransport = (typeof METRICS_TRANSPORTS)[number];
export const DEFAULT_METRICS_TRANSPORT: MetricsTransport = 'putMetricData';

/** `slo.objective` in percent. @default 99.9 */
export const DEFAULT_SLO_OBJECTIVE = 99.9;
/** `slo.window` in days. @default 30 */
export const DEFAULT_SLO_WINDOW_DAYS = 30;
/** The SLO window CloudWatch can serve: at least a week, at most the 30 days the burn-rate table is written for. */
export const SLO_WINDOW_DAYS = { min: 7, max: 30 } as const;
/**
 * @default 64 shard stacks per region: a probe-region is about 14 resources (schedule, 4 alarms, 6 SLO
 * window alarms and 3 burn composites, the global alarm at home), so 1,000 probes put about 16 in each
 * shard (the fullest about 25, some 350 resources) under the 400-resource budget (80 % of
 * CloudFormation's 500). 32 shards held the fleet before the SLO alarms (9 per probe-region); fewer would
 * overflow at 1,000 probes, more would add nested stacks (synth time, deploy time) for small fleets. See
 * functions/config/limits.ts and docs/scaling.md.
 */
export const DEFAULT_SHARDS = 64;
/** A region's stack holds one resource per shard (the nested stack) besides its own. */
export const MAX_SHARDS = 200;

/**
 * Fail-open detection variants (`steps[].rejects`): requests the API must refuse. `missing_token` sends no
 * Authorization header, `garbage_token` a random opaque token, `tampered_signature` the real JWT with one
 * signature byte flipped, `alg_none` the real JWT's claims re-encoded with `alg: none` and no signature.
 */
export const REJECT_VARIANTS = ['missing_token', 'garbage_token', 'tampered_signature', 'alg_none'] as const;
export type RejectVariant = (typeof REJECT_VARIANTS)[number];
/** @default 401: the status RFC 6750 §3.1 gives for a missing or invalid token. */
export const DEFAULT_REJECT_STATUS = 401;

/** When a probe pages: failing from globalFailureRegions regions at once, from any one region, or never. */
export const PAGE_RULES = ['global', 'any-region', 'never'] as const;
export type PageRule = (typeof PAGE_RULES)[number];
export const DEFAULT_PAGE_RULE: PageRule = 'global';
/** @default the PagerDuty Events API v2 endpoint (US service region). */
export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/**
 * The exchanges the probe makes and names itself. A step of such a name would be taken for them (its
 * latency published as TokenLatency, or left out of StepLatency), so the schema reserves them.
 */
export const BUILT_IN_EXCHANGE_NAMES = ['token', 'jwks', 'discovery', 'introspection'] as const;

/** `notifications.heartbeat.schedule`: the watchdog pings every 5 minutes while the alert path is healthy. */
export const DEFAULT_HEARTBEAT_SCHEDULE = 'rate(5 minutes)';
/** A heartbeat period is 1 to 60 minutes: the external service's expected period, and the watchdog's look-back. */
export const HEARTBEAT_MINUTES = { min: 1, max: 60 } as const;
/**
 * `token.reuse.refreshBeforeExpirySec`: a cached token with this many seconds of its lifetime or fewer
 * left is not reused. @default 60
 */
export const DEFAULT_REFRESH_BEFORE_EXPIRY_SEC = 60;
/**
 * Bounds of `token.reuse`: at least a minute (the shortest schedule), at most a day (a broken token
 * endpoint is only noticed when a new token is requested); refreshing up to an hour before expiry.
 */
export const TOKEN_REUSE_LIMITS = {
  maxAgeSec: { min: 60, max: 86_400 },
  refreshBeforeExpirySec: { min: 1, max: 3_600 },
} as const;
