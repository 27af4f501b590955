/**
 * The one schema of `probes.json`. It is the source of the TypeScript types, the runtime validation
 * (CLI, Lambda event, CDK synth) and the JSON Schema that editors use (`oauth-probe schema`).
 *
 * Defaults cascade from one place: a probe's own value, else `defaults.<field>`, else the documented
 * default (see `resolveProbe` in ./resolve.ts). Every field carries a description so that a reader of
 * `probes.json` never needs to open the source.
 */
import * as z from 'zod';
import { DEFAULT_DEPLOYMENT_NAME, deploymentNameProblem } from '../contract/deployment-name.js';
import { METRICS_PROFILES } from '../contract/metric-catalogue.js';
import {
  BUILT_IN_EXCHANGE_NAMES,
  CLIENT_AUTH_METHODS,
  DEFAULT_CLOCK_TOLERANCE_SEC,
  DEFAULT_HEARTBEAT_SCHEDULE,
  DEFAULT_REFRESH_BEFORE_EXPIRY_SEC,
  DEFAULT_SHARDS,
  HEARTBEAT_MINUTES,
  HTTP_METHODS,
  JWT_ALGORITHMS,
  MAX_SHARDS,
  METRICS_TRANSPORTS,
  PAGE_RULES,
  REJECT_VARIANTS,
  RESERVED_TOKEN_PARAMS,
  SLO_WINDOW_DAYS,
  TOKEN_REUSE_LIMITS,
} from './defaults.js';
import { rateMinutes, scheduleProblem } from './schedule.js';

export * from './defaults.js';

// A probe name becomes a metric dimension, part of alarm names, CDK construct ids and Lambda-safe names.
const probeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
    message: 'use 1-64 letters, digits, "-" or "_", starting with a letter or digit (it becomes a metric dimension)',
  })
  .describe('Unique name of the probe; used as the CloudWatch `Probe` dimension and in alarm names.');

/** The exchanges the probe names itself: a step of that name would be published as them (TokenLatency). */
export const RESERVED_STEP_NAMES = BUILT_IN_EXCHANGE_NAMES;

const stepName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    message: 'use 1-64 letters, digits, ".", "-" or "_" (it becomes a metric dimension)',
  })
  .refine((name) => !(RESERVED_STEP_NAMES as readonly string[]).includes(name.toLowerCase()), {
    message: `${RESERVED_STEP_NAMES.map((n) => `"${n}"`).join(', ')} are the probe's own exchanges: choose another step name`,
  })
  .describe('Name of the step, unique within the probe; used as the `Step` metric dimension.');

const httpsOrHttpUrl = (what: string) =>
  z.string().refine((value) => isHttpUrl(value), {
    message: `${what} must be an absolute http(s) URL, e.g. https://auth.example.com/oauth2/token`,
  });

/** An HTTP CONNECT proxy: `http://[user:password@]host:port` (the proxy is spoken to in plain HTTP). */
const proxyUrl = (what: string) =>
  z
    .string()
    .refine((value) => /^http:\/\/[^/?#\s]+\/?$/.test(value) && URL.canParse(value), {
      message: `${what} must be an http:// proxy URL such as http://proxy.internal:3128 (no path)`,
    })
    .describe(
      `HTTP CONNECT proxy for every request of the probe${what === 'defaults.proxy' ? 's' : ''}: connect time is to the proxy and through the tunnel, TLS is with the origin. @default ${what === 'proxy' ? 'defaults.proxy, else ' : ''}HTTPS_PROXY / HTTP_PROXY unless NO_PROXY exempts the host`,
    );

/** A URL that may contain `{{name}}` placeholders filled from earlier steps' `extract`. */
const templatedUrl = z.string().refine((value) => isHttpUrl(value.replace(/\{\{\s*[\w.-]+\s*\}\}/g, 'x')), {
  message: 'must be an absolute http(s) URL; {{name}} placeholders are allowed',
});

/** RFC 9110 §5.1 field-name = token; values without CR, LF, NUL or other controls (header injection). */
const headerRecord = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
    message: "a header name is an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~ only (no spaces, CR or LF)",
  }),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a header value must not carry
  z.string().regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, {
    message: 'a header value must not contain CR, LF or other control characters',
  }),
);

const positiveMs = (what: string) => z.number().int().positive().max(900_000).describe(what);

/**
 * The shape of a region code (`eu-west-1`, `us-gov-west-1`, `eusc-de-east-1`). Whether AWS has such a
 * region is checked against ./aws-regions.ts with the whole config (it honours `additionalRegions`).
 */
const awsRegion = z
  .string()
  .regex(/^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/, { message: 'must be an AWS region code such as eu-west-1' });

/** A KMS key ARN; its region is checked against the regions the probe runs in by ./kms.ts. */
const kmsKeyArn = z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, {
  message: 'must be a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID',
});

/** `rate(N unit)` or `cron(...)`, as EventBridge Scheduler takes them. Checked in depth by ./schedule.ts. */
const scheduleExpression = z
  .string()
  .describe(
    'EventBridge Scheduler expression, e.g. "rate(1 minute)", "rate(5 minutes)", "cron(0/5 * * * ? *)". @default "rate(1 minute)"',
  );

/** AWS tags: what every taggable resource (or a probe's own resources) carries. */
const tagsSchema = (what: string) =>
  z
    .record(
      z
        .string()
        .min(1)
        .max(128)
        .refine((key) => !key.toLowerCase().startsWith('aws:'), {
          message: 'tag keys starting with "aws:" are reserved by AWS',
        }),
      z.string().max(256),
    )
    .refine((tags) => Object.keys(tags).length <= 40, {
      message: 'at most 40 tags (AWS allows 50 per resource; CDK and CloudFormation add their own)',
    })
    .describe(what);

export const jsonPathAssertionSchema = z
  .object({
    path: z.string().min(1).describe('Dot/bracket path into the JSON response, e.g. "data[0].id" or "$.items.length".'),
    equals: z.unknown().optional().describe('The value at `path` must deep-equal this JSON value.'),
    exists: z.boolean().optional().describe('true: the path must resolve; false: it must not.'),
    matches: z
      .string()
      .refine(isValidRegex, { message: 'is not a valid JavaScript regular expression' })
      .optional()
      .describe('The value at `path`, as a string, must match this regular expression.'),
  })
  .strict();

export const stepExpectSchema = z
  .object({
    status: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
      .optional()
      .describe('Expected HTTP status (or any of a list). @default any 2xx'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Response headers that must be present; the value must contain this text (case-insensitive).'),
    json: z.array(jsonPathAssertionSchema).optional().describe('Assertions on the JSON response body.'),
    bodyContains: z.string().optional().describe('Text the response body must contain.'),
  })
  .strict();

export const stepSchema = z
  .object({
    name: stepName,
    request: z
      .object({
        method: z.enum(HTTP_METHODS).default('GET').describe('@default "GET"'),
        url: templatedUrl.describe('URL of the protected API; {{name}} placeholders take values extracted earlier.'),
        headers: headerRecord
          .optional()
          .describe('Extra request headers ({{name}} placeholders allowed). Authorization is set by the probe.'),
        body: z
          .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
          .optional()
          .describe('Request body: a string is sent as is, an object or array as JSON.'),
        followRedirects: z
          .boolean()
          .default(false)
          .describe('Follow redirects (same origin only: the bearer token never crosses origins). @default false'),
      })
      .strict(),
    expect: stepExpectSchema.optional().describe('Assertions on the response. @default status 2xx'),
    rejects: z
      .array(z.enum(REJECT_VARIANTS))
      .min(1)
      .refine((list) => new Set(list).size === list.length, { message: 'list each variant once' })
      .optional()
      .describe(
        'Fail-open detection: after the step passes, re-send its request once per variant (missing_token, garbage_token, tampered_signature, alg_none); each must be refused (rejectStatus), else the run fails with accepts_invalid_token.',
      ),
    rejectStatus: z
      .union([z.number().int().min(400).max(499), z.array(z.number().int().min(400).max(499)).min(1)])
      .optional()
      .describe('Status (or list) with which the API refuses the `rejects` variants. @default 401'),
    extract: z
      .record(z.string().regex(/^[\w.-]+$/), z.string())
      .optional()
      .describe(
        'Values to take from the JSON response for later steps: { "invoiceId": "data[0].id" } → {{invoiceId}}.',
      ),
    timeoutMs: positiveMs('Timeout of this request in ms. @default the probe timeoutMs').optional(),
    degradedMs: positiveMs(
      'This step is degraded when slower than this (ms). @default the probe degradedMs',
    ).optional(),
  })
  .strict();

export const jwtValidationSchema = z
  .object({
    issuer: z
      .string()
      .min(1)
      .optional()
      .describe('Expected `iss`, compared exactly. @default the probe issuer, if any'),
    audience: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('Expected `aud` (one of). Omit only if your provider puts none (Cognito).'),
    jwksUri: httpsOrHttpUrl('token.jwt.jwksUri')
      .optional()
      .describe('JWKS URL. @default jwks_uri from discovery (requires `issuer`)'),
    algorithms: z
      .array(z.enum(JWT_ALGORITHMS))
      .min(1)
      .optional()
      .describe(
        'Allowed signing algorithms ("none" is never accepted). @default RS256, PS256, ES256, EdDSA and their 384/512 variants',
      ),
    clockToleranceSec: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(DEFAULT_CLOCK_TOLERANCE_SEC)
      .describe('Clock skew tolerated on exp/nbf, seconds. @default 30'),
    requireTyp: z
      .boolean()
      .default(false)
      .describe('Require the RFC 9068 header `typ: at+jwt` (Keycloak and PingFederate do not send it). @default false'),
    requiredClaims: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Claims that must be present with exactly these JSON values, e.g. { "client_id": "abc" }.'),
  })
  .strict();

/**
 * `token.reuse`: keep the access token in the warm function instance and reuse it on later runs of the
 * same probe, instead of asking the token endpoint on every run (Auth0 counts every client-credentials
 * token against a monthly quota; Okta and Entra ID rate-limit token requests per minute). Off by default.
 */
export const tokenReuseSchema = z
  .object({
    maxAgeSec: z
      .number()
      .int({ message: 'token.reuse.maxAgeSec is a whole number of seconds' })
      .min(TOKEN_REUSE_LIMITS.maxAgeSec.min, {
        message: `token.reuse.maxAgeSec must be at least ${TOKEN_REUSE_LIMITS.maxAgeSec.min} s: a shorter reuse never outlives the gap between two scheduled runs`,
      })
      .max(TOKEN_REUSE_LIMITS.maxAgeSec.max, {
        message: `token.reuse.maxAgeSec must be at most ${TOKEN_REUSE_LIMITS.maxAgeSec.max} s (a day): a broken token endpoint is only noticed when a new token is requested`,
      })
      .describe(
        'Reuse a token while it is younger than this many seconds (a new token at least this often: a broken token endpoint is noticed within maxAgeSec). 60 to 86400, e.g. 3600.',
      ),
    refreshBeforeExpirySec: z
      .number()
      .int({ message: 'token.reuse.refreshBeforeExpirySec is a whole number of seconds' })
      .min(TOKEN_REUSE_LIMITS.refreshBeforeExpirySec.min, {
        message: `token.reuse.refreshBeforeExpirySec must be at least ${TOKEN_REUSE_LIMITS.refreshBeforeExpirySec.min} s`,
      })
      .max(TOKEN_REUSE_LIMITS.refreshBeforeExpirySec.max, {
        message: `token.reuse.refreshBeforeExpirySec must be at most ${TOKEN_REUSE_LIMITS.refreshBeforeExpirySec.max} s`,
      })
      .optional()
      .describe(
        `Request a new token once the cached one has this many seconds of its lifetime (expires_in, JWT exp) or fewer left. Below maxAgeSec. @default ${DEFAULT_REFRESH_BEFORE_EXPIRY_SEC}`,
      ),
  })
  .strict()
  .superRefine((reuse, ctx) => {
    const refresh = reuse.refreshBeforeExpirySec ?? DEFAULT_REFRESH_BEFORE_EXPIRY_SEC;
    // A maxAgeSec out of bounds has its own message already.
    if (reuse.maxAgeSec >= TOKEN_REUSE_LIMITS.maxAgeSec.min && refresh >= reuse.maxAgeSec) {
      ctx.addIssue({
        code: 'custom',
        path: ['refreshBeforeExpirySec'],
        message: `token.reuse.refreshBeforeExpirySec (${refresh} s${reuse.refreshBeforeExpirySec === undefined ? ', the default' : ''}) must be below maxAgeSec (${reuse.maxAgeSec} s): raise maxAgeSec or set a smaller refreshBeforeExpirySec`,
      });
    }
  });

/** `token.reuse` of a probe: the settings, or `false` to turn off a `defaults.token.reuse`. */
const probeTokenReuse = z
  // describeIssues lists what each branch expects: "expected an object or false (...)".
  .union([tokenReuseSchema, z.literal(false, { error: 'false (to turn defaults.token.reuse off)' })])
  .describe(
    'Reuse the access token across runs of this probe in the same warm function instance (memory only, never shared across probes, dropped on a 401/403 from a step): { "maxAgeSec": 3600 }. `false` turns off defaults.token.reuse for this probe. @default defaults.token.reuse, else off (a new token every run)',
  );

export const tokenSchema = z
  .object({
    requiredScopes: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Scopes the granted token must carry (from the `scope` response field, else the JWT `scope`/`scp` claim).',
      ),
    jwt: jwtValidationSchema
      .optional()
      .describe('Validate the access token as a JWT (RFC 9068). Omit for opaque tokens.'),
    introspection: z
      .object({
        url: httpsOrHttpUrl('token.introspection.url')
          .optional()
          .describe(
            'Introspection endpoint (RFC 7662). @default introspection_endpoint from discovery (requires `issuer`)',
          ),
        clientAuth: z
          .enum(CLIENT_AUTH_METHODS)
          .optional()
          .describe('How the probe authenticates to it. @default the probe clientAuth'),
      })
      .strict()
      .optional()
      .describe(
        'Introspect the token after the token request (RFC 7662): it must be active, unexpired, of this client and carry requiredScopes. Uses the same credentials unless the secret has introspection_client_id / introspection_client_secret.',
      ),
    minExpiresInSec: z.number().int().min(0).optional().describe('Warn when `expires_in` is below this many seconds.'),
    timeoutMs: positiveMs('Timeout of the token request in ms. @default the probe timeoutMs').optional(),
    degradedMs: positiveMs(
      'The token request is degraded when slower than this (ms). @default the probe degradedMs',
    ).optional(),
    reuse: probeTokenReuse.optional(),
  })
  .strict();

export const alarmSettingsSchema = z
  .object({
    evaluationPeriods: z
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .describe('Availability alarm: N datapoints looked at. @default 5'),
    datapointsToAlarm: z
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .describe('Availability alarm: M failing datapoints out of N that raise it. @default 3'),
    expiryDaysThreshold: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .describe('Alarm when a certificate or credential has fewer days left than this. @default 14'),
    latencyEvaluationPeriods: z
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .describe('Latency alarm periods (5 min each). @default 3'),
    missingRunsPeriods: z
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .describe('"Probe stopped running" alarm: how many empty periods before it fires. @default 3'),
  })
  .strict();

// A target name is referenced from `notify`, and becomes an SNS filter value: keep it simple.
const targetName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
    message: 'use 1-64 letters, digits, "-" or "_", starting with a letter or digit',
  })
  .describe('Name of a target defined under `notifications.targets`.');

/** A probe's own routing: names of `notifications.targets` per severity. */
export const probeNotifySchema = z
  .object({
    warning: z
      .array(targetName)
      .optional()
      .describe("Targets told of this probe's warnings (one region). @default notifications.warning"),
    critical: z
      .array(targetName)
      .optional()
      .describe("Targets told of this probe's critical alerts (pages). @default notifications.critical"),
  })
  .strict();

/** `"30d"`: the SLO window in whole days, 7 to 30 (see SLO_WINDOW_DAYS in ./defaults.ts). */
const sloWindow = z
  .string()
  .regex(/^\d{1,2}d$/, { message: 'write the window in whole days, e.g. "30d" (7 to 30 days)' })
  .refine(
    (value) => {
      const days = Number.parseInt(value, 10);
      return days >= SLO_WINDOW_DAYS.min && days <= SLO_WINDOW_DAYS.max;
    },
    { message: `the window must be ${SLO_WINDOW_DAYS.min} to ${SLO_WINDOW_DAYS.max} days, e.g. "30d"` },
  );

export const sloSchema = z
  .object({
    objective: z
      .number()
      .gt(0, { message: 'objective is a percentage of successful runs, e.g. 99.9' })
      .lt(100, { message: 'objective must be below 100 (an objective of 100 % leaves no error budget)' })
      .optional()
      .describe('Share of runs that must succeed over the window, in percent (e.g. 99.9). @default 99.9'),
    window: sloWindow.optional().describe('Rolling SLO window in whole days, "7d" to "30d". @default "30d"'),
  })
  .strict();

export const probeSchema = z
  .object({
    name: probeName,
    description: z.string().optional().describe('Free text shown in alarm descriptions and notifications.'),
    tokenUrl: httpsOrHttpUrl('tokenUrl').optional().describe('Token endpoint. Give this or `issuer`.'),
    issuer: httpsOrHttpUrl('issuer')
      .optional()
      .describe('Issuer for RFC 8414 / OIDC discovery of the token endpoint and JWKS. Give this or `tokenUrl`.'),
    credentials: z
      .object({
        secretId: z
          .string()
          .min(1)
          .describe('Secrets Manager secret name or ARN (or a key of the --secrets file locally).'),
        kmsKeyArn: kmsKeyArn
          .optional()
          .describe(
            'The customer-managed KMS key that encrypts the secret, if any: the probe may use it only through Secrets Manager. A multi-Region key (key/mrk-...) stands for its replica in each region the probe runs in (same key id, that region in the ARN); a single-Region key only for its own region: a probe running elsewhere reads a replica secret encrypted with another key, so give that key in `kmsKeyArns`.',
          ),
        kmsKeyArns: z
          .record(awsRegion, kmsKeyArn)
          .optional()
          .describe(
            'Per region, the KMS key that encrypts the replica of the secret there, e.g. { "eu-west-1": "arn:aws:kms:eu-west-1:...:key/...", "us-east-1": "arn:aws:kms:us-east-1:...:key/..." }. A region listed here wins over `kmsKeyArn`; a region in neither (nor covered by a multi-Region `kmsKeyArn`) gets no KMS grant: its replica uses the AWS managed key.',
          ),
        rotationTest: z
          .boolean()
          .optional()
          .describe(
            "This probe tests its secret's rotation: the ProbeRotationTest construct may attach it to the rotation function's testSecret step, and a failed rotation test is published, diagnosed, to the notification topic. See docs/deploy.md (Rotation safety). @default false",
          ),
      })
      .strict(),
    clientAuth: z
      .enum(CLIENT_AUTH_METHODS)
      .default('client_secret_basic')
      .describe('Client authentication at the token endpoint. @default "client_secret_basic"'),
    scope: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('Scopes to request: a space-separated string or an array. Entra ID: "api://<app>/.default".'),
    tokenParams: z
      .record(
        z.string().refine((name) => !(RESERVED_TOKEN_PARAMS as readonly string[]).includes(name), {
          message: `the probe sets ${RESERVED_TOKEN_PARAMS.join(', ')} itself: remove it from tokenParams`,
        }),
        z.string(),
      )
      .optional()
      .describe(
        'Extra token request form parameters, e.g. Auth0 { "audience": "..." } or RFC 8707 { "resource": "..." }.',
      ),
    tokenBinding: z
      .enum(['dpop', 'mtls'])
      .optional()
      .describe(
        'Sender-constrained tokens: "dpop" (RFC 9449: DPoP proofs on the token request and every step; token_type DPoP and cnf.jkt required) or "mtls" (RFC 8705, with tls_client_auth: cnf["x5t#S256"] must be the client certificate\'s). @default none (bearer tokens)',
      ),
    token: tokenSchema.optional().describe('How to validate the token response.'),
    steps: z.array(stepSchema).default([]).describe('Protected API calls made with the token, in order.'),
    timeoutMs: positiveMs('Per-request timeout in ms. @default defaults.timeoutMs, else 10000').optional(),
    proxy: proxyUrl('proxy').optional(),
    degradedMs: positiveMs(
      'A request slower than this makes the run `degraded`. @default defaults.degradedMs, else none',
    ).optional(),
    deadlineMs: positiveMs(
      'Deadline for the whole run in ms. @default timeoutMs × (requests + 1), capped at 60000',
    ).optional(),
    tls: z
      .object({
        ca: z
          .string()
          .min(1)
          .optional()
          .describe('Extra CA for private servers: a PEM file path (relative to probes.json) or inline PEM text.'),
      })
      .strict()
      .optional(),
    // Deployment settings (CDK app).
    regions: z
      .array(awsRegion)
      .min(1)
      .optional()
      .describe('Regions this probe runs from. @default the top-level `regions`'),
    schedule: scheduleExpression.optional(),
    runbookUrl: httpsOrHttpUrl('runbookUrl')
      .optional()
      .describe(
        'Linked from alarm descriptions and notifications. @default none: the notification carries the first steps of the matching runbook in docs/runbooks/ (`validate` warns when a probe that can page has none)',
      ),
    alarms: alarmSettingsSchema.optional().describe('Per-probe overrides of the top-level `alarms`.'),
    slo: sloSchema
      .optional()
      .describe('Per-probe override of the top-level `slo` (objective and window of the success-rate SLO).'),
    tags: tagsSchema(
      "Tags on this probe's own resources (its alarms; added to the top-level `tags`, a probe value wins). EventBridge Scheduler schedules take no tags.",
    ).optional(),
    enabled: z
      .boolean()
      .optional()
      .describe("false removes the probe's schedules and alarms (the config stays for later). @default true"),
    owner: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Who owns this probe (team, channel, person): shown in every notification.'),
    notify: probeNotifySchema
      .optional()
      .describe(
        "This probe's own targets by severity, naming `notifications.targets`. @default notifications.warning/critical",
      ),
    page: z
      .enum(PAGE_RULES)
      .optional()
      .describe(
        'When this probe pages (critical): "global" = failing from globalFailureRegions or more regions at once; "any-region" = failing in any one region (a single-region probe can page); "never" = warnings only. @default "global"',
      ),
  })
  .strict()
  .superRefine((probe, ctx) => {
    if (!probe.tokenUrl && !probe.issuer) {
      ctx.addIssue({
        code: 'custom',
        path: ['tokenUrl'],
        message: 'give either "tokenUrl" (the token endpoint) or "issuer" (to discover it)',
      });
    }
    const seen = new Set<string>();
    probe.steps.forEach((step, index) => {
      if (seen.has(step.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'name'],
          message: `duplicate step name "${step.name}": names must be unique within a probe`,
        });
      }
      seen.add(step.name);
    });
    if (probe.tokenBinding === 'mtls' && probe.clientAuth !== 'tls_client_auth') {
      ctx.addIssue({
        code: 'custom',
        path: ['tokenBinding'],
        message:
          'certificate-bound tokens need a client certificate: set "clientAuth": "tls_client_auth", or use "dpop"',
      });
    }
    if (probe.token?.introspection && !probe.token.introspection.url && !probe.issuer) {
      ctx.addIssue({
        code: 'custom',
        path: ['token', 'introspection', 'url'],
        message:
          'introspection needs an endpoint: set "token.introspection.url", or set "issuer" so that it is discovered',
      });
    }
    if (probe.token?.jwt && !probe.token.jwt.jwksUri && !probe.issuer) {
      ctx.addIssue({
        code: 'custom',
        path: ['token', 'jwt', 'jwksUri'],
        message: 'JWT validation needs keys: set "token.jwt.jwksUri", or set "issuer" so that jwks_uri is discovered',
      });
    }
  });

const httpsUrl = (what: string) =>
  httpsOrHttpUrl(what).refine((u) => u.startsWith('https://'), { message: 'must use https://' });

const secretId = (what: string) =>
  z
    .string()
    .min(1)
    .refine((v) => v.startsWith('arn:') || (!/^https?:\/\//i.test(v) && !/^[a-z0-9]{32}$/.test(v)), {
      message: `${what} is the Secrets Manager secret id (name or ARN) that holds the value, never the value itself`,
    });

const NOTIFICATION_TARGET_KINDS_DOC =
  'Exactly one of: pagerDuty, slack, teams, chatbot, email, https. Credentials and webhook URLs stay in Secrets Manager (the secret id is given here, never the value).';

export const notificationTargetSchema = z
  .object({
    pagerDuty: z
      .object({
        routingKeySecretId: secretId('pagerDuty.routingKeySecretId').describe(
          'Secrets Manager secret (name or ARN, home region) whose value is the 32-character Events API v2 integration (routing) key: plain text, or JSON { "routingKey": "..." }.',
        ),
        eventsUrl: httpsUrl('pagerDuty.eventsUrl')
          .optional()
          .describe(
            'Events API v2 endpoint; https://events.eu.pagerduty.com/v2/enqueue for the EU service region. @default "https://events.pagerduty.com/v2/enqueue"',
          ),
      })
      .strict()
      .optional()
      .describe('PagerDuty Events API v2: trigger on ALARM, resolve on OK, one dedup_key per probe and severity.'),
    slack: z
      .object({
        webhookSecretId: secretId('slack.webhookSecretId').describe(
          'Secrets Manager secret (home region) whose value is the Slack incoming webhook URL: plain text, or JSON { "url": "..." }.',
        ),
      })
      .strict()
      .optional()
      .describe('Slack incoming webhook: a Block Kit message; a short "recovered" message on OK.'),
    teams: z
      .object({
        webhookSecretId: secretId('teams.webhookSecretId').describe(
          'Secrets Manager secret (home region) whose value is the Teams Workflows webhook URL ("When a Teams webhook request is received"): plain text, or JSON { "url": "..." }.',
        ),
      })
      .strict()
      .optional()
      .describe('Microsoft Teams through a Workflows webhook: an Adaptive Card.'),
    chatbot: z
      .object({
        topicArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
            message: 'must be an SNS topic ARN, arn:aws:sns:REGION:ACCOUNT:NAME',
          })
          .optional()
          .describe(
            'SNS topic that Amazon Q Developer in chat applications (AWS Chatbot) is subscribed to. @default a topic the app creates in the home region (oauth-probe-chat)',
          ),
      })
      .strict()
      .optional()
      .describe(
        'Amazon Q Developer in chat applications (formerly AWS Chatbot): custom notifications, ALARM and OK threaded.',
      ),
    email: z
      .union([z.email(), z.array(z.email()).min(1)])
      .optional()
      .describe('Email address(es), subscribed to the notification topic (each confirms once).'),
    https: z
      .union([httpsUrl('https target'), z.array(httpsUrl('https target')).min(1)])
      .optional()
      .describe(
        'HTTPS endpoint(s) that receive our JSON document (docs/runtime.md), subscribed to the notification topic.',
      ),
  })
  .strict()
  .superRefine((target, ctx) => {
    const kinds = Object.entries(target).filter(([, v]) => v !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `a target has exactly one kind (pagerDuty, slack, teams, chatbot, email or https); this one has ${kinds.length === 0 ? 'none' : kinds.map(([k]) => k).join(' and ')}`,
      });
    }
  })
  .describe(NOTIFICATION_TARGET_KINDS_DOC);

const notificationTargetsSchema = z
  .object({
    emails: z.array(z.email()).optional().describe('Email addresses (each must confirm the SNS subscription once).'),
    https: z
      .array(httpsUrl('notifications https endpoint'))
      .optional()
      .describe('HTTPS endpoints (generic webhooks) that receive the JSON form of each notification.'),
    targets: z
      .array(targetName)
      .optional()
      .describe('Names of targets under `notifications.targets` (PagerDuty, Slack, Teams, Chatbot, ...).'),
  })
  .strict();

/**
 * `notifications.heartbeat`: the watchdog function (home region) pings an external dead man's switch
 * while the alert path is healthy; when the pings stop, that service pages. docs/deploy.md ("Watchdog").
 */
const heartbeatSchema = z
  .object({
    urlSecretId: secretId('notifications.heartbeat.urlSecretId').describe(
      'Secrets Manager secret (home region) whose value is the heartbeat URL of an external service (Healthchecks.io, Better Stack, Cronitor, Dead Man\'s Snitch): plain text, or JSON { "url": "https://..." }. The URL is a credential: it is never written in probes.json, logged or shown.',
    ),
    schedule: z
      .string()
      .superRefine((expression, ctx) => {
        const minutes = rateMinutes(expression);
        const problem = scheduleProblem(expression);
        if (minutes === undefined || problem !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${problem && minutes !== undefined ? `${problem}; ` : ''}write "rate(N minutes)" with N from ${HEARTBEAT_MINUTES.min} to ${HEARTBEAT_MINUTES.max}, e.g. "${DEFAULT_HEARTBEAT_SCHEDULE}"`,
          });
        } else if (minutes < HEARTBEAT_MINUTES.min || minutes > HEARTBEAT_MINUTES.max) {
          ctx.addIssue({
            code: 'custom',
            message: `a heartbeat every ${minutes} minutes is outside ${HEARTBEAT_MINUTES.min} to ${HEARTBEAT_MINUTES.max} minutes: the external service would page late (or the watchdog look back too far), e.g. "${DEFAULT_HEARTBEAT_SCHEDULE}"`,
          });
        }
      })
      .optional()
      .describe(
        `How often the watchdog checks the alert path and pings: "rate(N minutes)", ${HEARTBEAT_MINUTES.min} to ${HEARTBEAT_MINUTES.max}. Give the external check this period and a grace of at least two periods. @default "${DEFAULT_HEARTBEAT_SCHEDULE}"`,
      ),
  })
  .strict()
  .describe(
    "Watchdog: a function in the home region pings this URL every period, only while the notifier had no errors and no dead letters and the probe alarms are evaluating. When the pings stop, the external service pages: it covers what cannot report itself (the home region's notifier, topic or CloudWatch).",
  );

/** Where the probe function runs in a region that needs a private network. */
const vpcPlacementSchema = z
  .object({
    subnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, { message: 'must be a subnet id such as subnet-0abc1234' }))
      .min(1)
      .describe(
        'Private subnets of the probe function. They need a route to the token endpoint and APIs, and to Secrets Manager, CloudWatch (and CloudWatch Logs for EMF) through a NAT gateway or VPC interface endpoints.',
      ),
    securityGroupIds: z
      .array(z.string().regex(/^sg-[0-9a-f]+$/, { message: 'must be a security group id such as sg-0abc1234' }))
      .min(1)
      .max(5)
      .describe('Security groups of the probe function (egress to port 443 of the endpoints it calls).'),
  })
  .strict();
const isoDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, {
  message: "must be a local date and time without offset, e.g. 2026-12-05T22:00 (the window's timezone applies)",
});

export const maintenanceWindowSchema = z
  .object({
    name: targetName.describe('Name of the window (part of the mute rule name).'),
    probes: z.array(probeName).min(1).optional().describe('Probes muted during the window. @default every probe'),
    start: isoDateTime.optional().describe('One-time window: local start, e.g. "2026-12-05T22:00".'),
    end: isoDateTime
      .optional()
      .describe('One-time window: local end (after start, at most 15 days later: the mute rule limit).'),
    cron: z
      .string()
      .regex(/^\S+ \S+ \S+ \S+ \S+$/, {
        message: 'must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * SUN"',
      })
      .optional()
      .describe(
        'Recurring window: start times as a CloudWatch alarm mute rule cron, 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * SUN".',
      ),
    duration: z
      .string()
      .regex(/^PT?(\d+[DHM])+$|^P\d+DT(\d+[HM])+$/, { message: 'must be an ISO 8601 duration such as "PT2H" or "P1D"' })
      .optional()
      .describe('Recurring window: how long each occurrence lasts, ISO 8601 from PT1M to P15D (e.g. "PT2H").'),
    timezone: z
      .string()
      .min(1)
      .default('UTC')
      .describe('IANA time zone of start/end/cron, e.g. "Europe/Dublin". @default "UTC"'),
    reason: z.string().max(200).optional().describe('Why (shown in the mute rule description).'),
  })
  .strict()
  .superRefine((window, ctx) => {
    const oneTime = window.start !== undefined || window.end !== undefined;
    const recurring = window.cron !== undefined || window.duration !== undefined;
    if (oneTime === recurring) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give either "start" and "end" (one-time) or "cron" and "duration" (recurring)',
      });
      return;
    }
    if (oneTime && (!window.start || !window.end)) {
      ctx.addIssue({
        code: 'custom',
        path: [window.start ? 'end' : 'start'],
        message: 'a one-time window needs both "start" and "end"',
      });
    } else if (oneTime && window.end! <= window.start!) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: '"end" must be after "start"' });
    } else if (oneTime && minutesBetween(window.start!, window.end!) > 15 * 24 * 60) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: 'a window lasts at most 15 days (CloudWatch mute rule limit): split it',
      });
    }
    if (recurring && (!window.cron || !window.duration)) {
      ctx.addIssue({
        code: 'custom',
        path: [window.cron ? 'duration' : 'cron'],
        message: 'a recurring window needs both "cron" and "duration"',
      });
    }
    if (!isTimeZone(window.timezone)) {
      ctx.addIssue({
        code: 'custom',
        path: ['timezone'],
        message: `unknown time zone "${window.timezone}": use an IANA name such as "Europe/Dublin" or "UTC"`,
      });
    }
  });

export const configSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors.'),
    name: z
      .string()
      .superRefine((name, ctx) => {
        const problem = deploymentNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe(
        `Deployment name: prefixes stack names and physical names (topics, KMS alias, dashboards, alarms) so that several deployments share an account; a name other than the default also gets its own metric namespace "OAuthProbe/<name>". Letters, digits and "-". @default "${DEFAULT_DEPLOYMENT_NAME}"`,
      ),
    tags: tagsSchema('Tags on every taggable resource of the deployment (stacks and what they create).').optional(),
    terminationProtection: z
      .boolean()
      .optional()
      .describe(
        'CloudFormation termination protection of every stack of the deployment. @default true for the home stack (it holds the notification topic people subscribed to), false for the others',
      ),
    shards: z
      .number()
      .int()
      .min(1)
      .max(MAX_SHARDS)
      .optional()
      .describe(
        `How many shard stacks a region's probes are spread over (by a hash of the probe name; only non-empty shards are created). Changing it moves most probes to another shard: their alarms are deleted and created again. @default ${DEFAULT_SHARDS}`,
      ),
    vpc: z
      .record(awsRegion, vpcPlacementSchema)
      .optional()
      .describe(
        'Per region, the subnets and security groups that place the probe function in a VPC (internal authorization servers and APIs). Regions not listed run outside any VPC.',
      ),
    reservedConcurrency: z
      .union([
        z.literal('auto'),
        z
          .number()
          .int()
          .min(1, { message: 'reserve at least 1 (0 would stop every run); leave the key out to reserve nothing' }),
      ])
      .optional()
      .describe(
        'Reserved concurrency of the probe function in every region that runs probes, so that other workloads of the account cannot starve the probes: "auto" (enough for the busiest minute, every schedule of the region firing together, at least 5) or a number. Opt-in: Lambda keeps 100 units of the account unreserved per region, and new accounts can start with a total of 10, where any reservation fails the deployment (`oauth-probe preflight` checks the account). Without it, a Throttles alarm still tells you when runs are throttled. @default none (unreserved)',
      ),
    defaults: z
      .object({
        timeoutMs: positiveMs('Default per-request timeout in ms. @default 10000').optional(),
        degradedMs: positiveMs('Default degraded threshold in ms. @default none').optional(),
        schedule: scheduleExpression.optional(),
        proxy: proxyUrl('defaults.proxy').optional(),
        token: z
          .object({
            reuse: tokenReuseSchema
              .optional()
              .describe(
                "Token reuse for every probe (see a probe's token.reuse); a probe's own token.reuse, or false, wins. @default off",
              ),
          })
          .strict()
          .optional()
          .describe('Token defaults for every probe.'),
      })
      .strict()
      .optional()
      .describe('Defaults for every probe; a probe value wins.'),
    additionalRegions: z
      .array(awsRegion)
      .optional()
      .describe(
        'Region codes AWS launched after this release of oauth-probe: accepted in `regions`, `homeRegion`, probe `regions`, `vpc` and `credentials.kmsKeyArns` although oauth-probe does not know them yet. @default none',
      ),
    homeRegion: awsRegion
      .optional()
      .describe('Region of the dashboard and global alarms. @default the first of `regions`'),
    regions: z
      .array(awsRegion)
      .min(1)
      .optional()
      .describe('Default regions every probe runs from. @default ["us-east-1"]'),
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9._/#:-]{1,255}$/)
      .optional()
      .describe('CloudWatch metric namespace. @default "OAuthProbe"'),
    globalFailureRegions: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('A probe failing from at least this many regions at once is critical (paged). @default 2'),
    metrics: z
      .object({
        transport: z
          .enum(METRICS_TRANSPORTS)
          .optional()
          .describe(
            'How each run\'s metrics reach CloudWatch in its own region: "putMetricData" (one API call per run) or "emf" (one Embedded Metric Format line in the function\'s log, extracted by CloudWatch Logs: no API fee, log ingestion instead). Same metric names, units and dimensions either way; the Success copy for the global alarm always goes to the home region by PutMetricData from other regions. @default "putMetricData"; "emf" with profile "lean"',
          ),
        profile: z
          .enum(METRICS_PROFILES)
          .optional()
          .describe(
            'Which metric series are published: "full" (every metric: alarms and the dashboard\'s latency and lifetime graphs) or "lean" (only what the alarms read, with the fewest series: Success every run; Degraded and Failures only when nonzero; the days-left gauges only while below alarms.expiryDaysThreshold; no latency series: the latency alarm counts degraded runs). Every alarm keeps its signal. @default "full"',
          ),
      })
      .strict()
      .optional()
      .describe('Metric publishing.'),
    alarms: alarmSettingsSchema.optional().describe('Alarm settings for every probe.'),
    slo: sloSchema
      .optional()
      .describe(
        'Service level objective of every probe: the share of successful runs over a rolling window, with burn-rate pages and tickets. @default { "objective": 99.9, "window": "30d" }',
      ),
    notifications: z
      .object({
        targets: z
          .record(targetName, notificationTargetSchema)
          .optional()
          .describe(
            "Named targets, defined once and referred to by name from `warning.targets`, `critical.targets` and a probe's `notify`.",
          ),
        warning: notificationTargetsSchema.optional().describe('Told of single-region alarms (tickets).'),
        critical: notificationTargetsSchema
          .optional()
          .describe(
            'Told only of critical notifications: a probe failing from globalFailureRegions or more regions at once (pager). Warning targets are told of both.',
          ),
        dashboardsOnly: z
          .boolean()
          .optional()
          .describe(
            'A deployment that deliberately notifies no one: alarms and dashboards only. Without it, `validate` and synth refuse a probe that can page when no critical target is routed for it. @default false',
          ),
        heartbeat: heartbeatSchema.optional(),
      })
      .strict()
      .optional(),
    maintenance: z
      .array(maintenanceWindowSchema)
      .optional()
      .describe(
        'Planned quiet windows: probes keep running and alarms keep their state, but no one is notified (CloudWatch alarm mute rules).',
      ),
    probes: z.array(probeSchema).min(1, { message: 'add at least one probe' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    routingProblems(config, ctx);
    const seen = new Set<string>();
    config.probes.forEach((probe, index) => {
      if (seen.has(probe.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['probes', index, 'name'],
          message: `duplicate probe name "${probe.name}": names must be unique`,
        });
      }
      seen.add(probe.name);
    });
  });

/** probes.json as written by the user (before defaults). */
export type ProbesConfigInput = z.input<typeof configSchema>;
/** probes.json after validation (zod defaults applied, cascade not yet). */
export type ProbesConfig = z.output<typeof configSchema>;
export type ProbeConfig = z.output<typeof probeSchema>;
export type ProbeConfigInput = z.input<typeof probeSchema>;
export type StepConfig = z.output<typeof stepSchema>;
export type StepExpect = z.output<typeof stepExpectSchema>;
export type JsonPathAssertion = z.output<typeof jsonPathAssertionSchema>;
export type TokenConfig = z.output<typeof tokenSchema>;
export type TokenReuseConfig = z.output<typeof tokenReuseSchema>;
export type JwtValidationConfig = z.output<typeof jwtValidationSchema>;
export type AlarmSettings = z.output<typeof alarmSettingsSchema>;
export type SloSettings = z.output<typeof sloSchema>;

export type NotificationTarget = z.output<typeof notificationTargetSchema>;
export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;
export type ProbeNotify = z.output<typeof probeNotifySchema>;

/** Every target name used in routing must be defined; every probe named by a window must exist. */
function routingProblems(config: ProbesConfig, ctx: z.RefinementCtx): void {
  const defined = new Set(Object.keys(config.notifications?.targets ?? {}));
  const check = (names: readonly string[] | undefined, path: (string | number)[]) => {
    names?.forEach((name, index) => {
      if (!defined.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, index],
          message: `no target "${name}" under notifications.targets${defined.size ? ` (defined: ${[...defined].join(', ')})` : ''}: define it there or fix the name`,
        });
      }
    });
  };
  check(config.notifications?.warning?.targets, ['notifications', 'warning', 'targets']);
  check(config.notifications?.critical?.targets, ['notifications', 'critical', 'targets']);
  config.probes.forEach((probe, index) => {
    check(probe.notify?.warning, ['probes', index, 'notify', 'warning']);
    check(probe.notify?.critical, ['probes', index, 'notify', 'critical']);
  });
  const probes = new Set(config.probes.map((p) => p.name));
  const windows = new Set<string>();
  config.maintenance?.forEach((window, index) => {
    if (windows.has(window.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['maintenance', index, 'name'],
        message: `duplicate window name "${window.name}"`,
      });
    }
    windows.add(window.name);
    window.probes?.forEach((name, i) => {
      if (!probes.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['maintenance', index, 'probes', i],
          message: `no probe named "${name}"`,
        });
      }
    });
  });
}

/** Minutes from one local date-time to another (both in the window's zone, so UTC arithmetic is exact enough). */
export function minutesBetween(start: string, end: string): number {
  return (Date.parse(`${end}:00Z`) - Date.parse(`${start}:00Z`)) / 60_000;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
