/**
 * One way for every AWS-calling command to fail on its environment. An error of the AWS SDK that says
 * nothing about the thing checked (no credentials, expired or rejected credentials, no region, access
 * denied, an endpoint that cannot be reached or does not answer) becomes one line naming the cause and
 * the fix, exit 2 (bad usage or environment): never `internal error` (70), never a verdict about a
 * probe or the alert path. Anything else is left to the command (a missing stack, a secret not found).
 *
 * Pure: it reads the error's name, code and message (the SDK's, smithy's, node's), and imports no SDK.
 */
import { callDeadline } from '../../../functions/runtime/shared/deadline.js';
import { UsageError } from '../errors.js';

export type AwsProblem =
  | 'no_credentials'
  | 'expired_credentials'
  | 'invalid_credentials'
  | 'no_region'
  | 'access_denied'
  | 'unreachable';

/** Where the failed call went, for the message: `CloudWatch`, `eu-west-1`, `cloudwatch:SetAlarmState`. */
export interface AwsCallSite {
  /** The service as people name it (the client's `serviceId`), e.g. `CloudWatch Logs`. */
  service?: string;
  region?: string;
  /** The IAM action, e.g. `logs:DescribeLogGroups`. */
  action?: string;
  /** The deadline that aborted the call, when one did. */
  deadlineMs?: number;
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const REJECTED = new Set([
  'InvalidToken',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AuthFailure',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
]);
/** Node's codes for a host that cannot be reached: DNS, routing, refused, reset, timed out. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
/** What smithy and the abort signal of a deadline reject with. */
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);

interface ErrorFacts {
  name: string;
  code: string | undefined;
  message: string;
}

function factsOf(error: unknown): ErrorFacts | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown; cause?: unknown };
  const cause = e.cause as { code?: unknown } | undefined;
  const code = [e.code, e.Code, cause?.code].find((value): value is string => typeof value === 'string');
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    code,
    message: typeof e.message === 'string' ? e.message : '',
  };
}

/** Which environment problem an SDK error is, or undefined when it is about the thing the call asked for. */
export function classifyAwsError(error: unknown): AwsProblem | undefined {
  const facts = factsOf(error);
  if (!facts) return undefined;
  const { name, code, message } = facts;
  // The credential provider chain found nothing, or an SSO session / refreshable token ran out.
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return /expired|refresh/i.test(message) ? 'expired_credentials' : 'no_credentials';
  }
  if (name === 'Error' && /^Region is missing/.test(message)) return 'no_region';
  if (EXPIRED.has(name) || (code !== undefined && EXPIRED.has(code))) return 'expired_credentials';
  if (REJECTED.has(name) || (code !== undefined && REJECTED.has(code))) return 'invalid_credentials';
  if (DENIED.has(name) || (code !== undefined && DENIED.has(code)) || /^KMSAccessDenied/.test(name)) {
    return 'access_denied';
  }
  if (code !== undefined && NETWORK_CODES.has(code)) return 'unreachable';
  if (TIMEOUT_NAMES.has(name)) return 'unreachable';
  return undefined;
}

/** The one line for `problem`: the cause as the SDK named it, then the fix. */
export function awsProblemLine(problem: AwsProblem, error: unknown, site: AwsCallSite = {}): string {
  const facts = factsOf(error);
  const said = facts?.code && facts.code !== facts.name ? facts.code : (facts?.name ?? 'Error');
  const where = [site.service, site.region ? `in ${site.region}` : undefined].filter(Boolean).join(' ');
  const at = where ? ` (${where})` : '';
  switch (problem) {
    case 'no_credentials':
      return 'no AWS credentials found: set AWS_PROFILE (a profile from `aws configure` or `aws configure sso`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and run it again';
    case 'expired_credentials':
      return `your AWS credentials have expired (${said}): refresh them (\`aws sso login\`, or new temporary keys) and run it again`;
    case 'invalid_credentials':
      return `AWS rejected your credentials${at} (${said}): check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY${site.region ? `, and that ${site.region} is enabled in the account` : ''}`;
    case 'no_region':
      return 'no AWS region: set AWS_REGION (e.g. export AWS_REGION=eu-west-1) or a region in your AWS profile';
    case 'access_denied':
      return `AWS denied ${site.action ?? 'the call'}${at} (${said}): grant it to the identity you use (\`aws sts get-caller-identity\` shows which), or use a profile that has it`;
    case 'unreachable': {
      const why = TIMEOUT_NAMES.has(facts?.name ?? '')
        ? `no answer${site.deadlineMs ? ` within ${duration(site.deadlineMs)}` : ''}`
        : (facts?.code ?? said);
      return `cannot reach AWS${at} (${why}): check the network, HTTPS_PROXY, or AWS_ENDPOINT_URL`;
    }
  }
}

/** `10 s`, `200 ms` */
function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

/** A usage error (exit 2) that carries which environment problem it is. */
export class AwsEnvironmentError extends UsageError {
  constructor(
    readonly problem: AwsProblem,
    message: string,
  ) {
    super(message);
    this.name = 'AwsEnvironmentError';
  }
}

/** The `AwsEnvironmentError` for `error`, or undefined when it is not an environment problem. */
export function awsEnvironmentError(error: unknown, site?: AwsCallSite): AwsEnvironmentError | undefined {
  if (error instanceof AwsEnvironmentError) return error;
  const problem = classifyAwsError(error);
  return problem ? new AwsEnvironmentError(problem, awsProblemLine(problem, error, site)) : undefined;
}

/** Throws the `AwsEnvironmentError` for `error` when it is one; returns otherwise (the caller handles it). */
export function throwIfAwsEnvironment(error: unknown, site?: AwsCallSite): void {
  const environment = awsEnvironmentError(error, site);
  if (environment) throw environment;
}

/** True for an error AWS answered (a service exception), as opposed to a bug on this side. */
function isServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ('$metadata' in error || '$fault' in error);
}

/**
 * What a command throws for a failed AWS call it has no better word for: the environment line, or for
 * another answer of AWS a usage error quoting it (`PutAlarmMuteRule failed (CloudWatch in eu-west-1):
 * ValidationError: ...`), exit 2. Anything else (a bug here) is returned as it is.
 */
export function awsFailure(error: unknown, site: AwsCallSite): unknown {
  const environment = awsEnvironmentError(error, site);
  if (environment) return environment;
  if (!isServiceError(error)) return error;
  const facts = factsOf(error);
  const where = [site.service, site.region ? `in ${site.region}` : undefined].filter(Boolean).join(' ');
  const first = (facts?.message ?? '').split('\n')[0]?.slice(0, 300) ?? '';
  return new UsageError(
    `${site.action ?? 'an AWS call'} failed${where ? ` (${where})` : ''}: ${facts?.name ?? 'Error'}: ${first}`,
  );
}

/**
 * Runs one AWS call with an abort deadline (the SDK's own timeouts only warn); an environment problem
 * becomes its `AwsEnvironmentError`, any other error is rethrown for the caller to judge.
 * @example await awsCall({ service: 'CloudWatch', region, action: 'cloudwatch:SetAlarmState', deadlineMs: 10_000 },
 *   (abortSignal) => client.send(new SetAlarmStateCommand(input), { abortSignal }));
 */
export async function awsCall<T>(
  site: AwsCallSite & { deadlineMs: number },
  call: (abortSignal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
): Promise<T> {
  try {
    return await call(callDeadline(site.deadlineMs, parent));
  } catch (error) {
    throwIfAwsEnvironment(error, site);
    throw error;
  }
}

/** Runs `run` (AWS calls at `site`); whatever it throws becomes `awsFailure`'s answer. */
export async function explainingAws<T>(site: AwsCallSite, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw awsFailure(error, site);
  }
}
