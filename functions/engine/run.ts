/**
 * One probe run: credentials → discovery → token → token validation → API steps. Every failure of the
 * probed system ends as a result; only a bug becomes `internal_error`.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DEFAULT_ALARMS, isInlinePem, type ResolvedProbe } from '../config/resolve.js';
import { errorCode, errorMessage } from '../guards.js';
import { containResult } from './contain.js';
import { type ResolvedDeps, RunContext } from './context.js';
import { loadCredentials } from './credentials.js';
import { expiryWarnings } from './expiry-warnings.js';
import { emptyRun, failResult, internalErrorMessage, type RunRecord, withVerdict } from './fail-result.js';
import { ProbeFailure } from './failure.js';
import { hintFor } from './hints.js';
import { obtainToken } from './obtain-token.js';
import { DEGRADED_CODE, type ProbeResult, type TokenSummary } from './result.js';
import { runSteps } from './steps.js';
import type { TokenCache } from './token-cache.js';
import { type Clock, type SecretSource, systemClock } from './types.js';
import { prepareTransport } from './warm-up.js';

export interface EngineDeps {
  /** Where `credentials.secretId` is looked up. */
  secrets: SecretSource;
  /** @default the system clock */
  clock?: Clock;
  /** Reads a `tls.ca` file. @default fs.readFile(path, 'utf8') */
  readFile?: (path: string) => Promise<string>;
  /** Proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), used when a probe sets no `proxy`. @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * What this warm instance remembers between runs: the token a probe with `token.reuse` may reuse, and
   * the token endpoint's Retry-After. One per Lambda container or CLI process, owned by the caller.
   * @default none: every run requests a token, and a Retry-After is only quoted
   */
  tokens?: TokenCache;
}

const defaultReadFile = (path: string) => readFile(path, 'utf8');

export function resolveDeps(deps: EngineDeps): ResolvedDeps {
  return {
    secrets: deps.secrets,
    clock: deps.clock ?? systemClock,
    readFile: deps.readFile ?? defaultReadFile,
    env: deps.env ?? process.env,
    ...(deps.tokens ? { tokens: deps.tokens } : {}),
  };
}

/**
 * Runs one probe. Never throws: a failure of the probed system is a `fail` result with its stage and
 * code; anything else (a bug, a broken injected dependency) is `internal_error`.
 */
export async function runProbe(probe: ResolvedProbe, deps: EngineDeps): Promise<ProbeResult> {
  // Once per process, before the run's clock: see ./warm-up.ts.
  await prepareTransport();
  const startedMono = performance.now();
  try {
    // Bounded and scrubbed value by value: server data never makes a result unserializable.
    return containResult(await run(probe, deps));
  } catch (error) {
    const run = emptyRun(probe.name, Date.now(), Math.round(performance.now() - startedMono));
    return failResult(run, { stage: null, code: 'internal_error', message: internalErrorMessage(error) });
  }
}

async function run(probe: ResolvedProbe, deps: EngineDeps): Promise<ProbeResult> {
  const resolved = resolveDeps(deps);
  const clock = resolved.clock;
  const startedAt = clock.now();
  const startedMono = performance.now();
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), probe.deadlineMs);
  let ctx: RunContext | undefined;
  let token: TokenSummary | null = null;
  let credentialDaysLeft: number | undefined;
  try {
    const ca = await readCa(probe, resolved);
    ctx = new RunContext(probe, resolved, deadline.signal, ca);
    const credentials = await loadCredentials(ctx);
    if (credentials.daysLeft !== undefined) credentialDaysLeft = credentials.daysLeft;

    const accessToken = await obtainToken(ctx, credentials, {
      onSummary: (summary) => {
        token = summary;
      },
      onCredentialDaysLeft: (days) => {
        credentialDaysLeft = days;
      },
    });
    await runSteps(ctx, accessToken);

    return passOrDegraded(baseResult(probe, ctx, startedAt, startedMono, token, credentialDaysLeft), ctx);
  } catch (error) {
    // A step refused the token: whatever the cause, the next run asks for a fresh one.
    if (error instanceof ProbeFailure && isTokenRefusal(error)) resolved.tokens?.drop(probe.name);
    return failed(baseResult(probe, ctx, startedAt, startedMono, token, credentialDaysLeft), ctx, error);
  } finally {
    clearTimeout(deadlineTimer);
  }
}

/** A step answered 401 or 403: the API refuses the token (or the caller), so a reused token must go. */
function isTokenRefusal(error: ProbeFailure): boolean {
  const status = error.context.httpStatus ?? error.context.exchange?.status;
  return error.stage === 'api' && (status === 401 || status === 403);
}

/** The verdict of a run that got through every stage: degraded when an exchange was over its threshold. */
function passOrDegraded(base: RunRecord, ctx: RunContext): ProbeResult {
  const slow = ctx.slow;
  if (!slow) {
    return withVerdict(base, {
      status: 'pass',
      stage: null,
      step: null,
      code: null,
      message: null,
      hint: null,
      httpStatus: null,
    });
  }
  const measured = slow.exchange.timings.totalMs;
  slow.exchange.code = DEGRADED_CODE;
  const detail = `${Math.round(measured)} ms > degradedMs ${slow.thresholdMs} ms`;
  return withVerdict(base, {
    status: 'degraded',
    stage: slow.stage,
    step: slow.step,
    code: DEGRADED_CODE,
    message: `${slow.target} ${slow.exchange.method} ${slow.exchange.url} took ${Math.round(measured)} ms, over degradedMs ${slow.thresholdMs} ms`,
    hint: hintFor(DEGRADED_CODE, slow.stage, { target: slow.target, detail }),
    httpStatus: slow.exchange.status,
  });
}

/** The result of a run that threw: the failure's stage and code, or `internal_error` for anything else. */
function failed(base: RunRecord, ctx: RunContext | undefined, error: unknown): ProbeResult {
  const redact = ctx ? { redact: (text: string) => ctx.redactor.redact(text) } : {};
  if (!(error instanceof ProbeFailure)) {
    // A bug (or a broken injected dependency): keep what was measured, but claim no stage.
    return failResult(base, { stage: null, code: 'internal_error', message: internalErrorMessage(error) }, redact);
  }
  const context = error.context;
  const exchange = context.exchange;
  if (exchange) exchange.code = error.code;
  const failure = {
    stage: error.stage,
    step: context.step ?? null,
    code: error.code,
    message: error.message,
    httpStatus: context.httpStatus ?? exchange?.status ?? null,
    context,
  };
  return failResult(base, failure, redact);
}

function baseResult(
  probe: ResolvedProbe,
  ctx: RunContext | undefined,
  startedAt: number,
  startedMono: number,
  token: TokenSummary | null,
  credentialDaysLeft: number | undefined,
): RunRecord {
  const result: RunRecord = {
    probe: probe.name,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.round(performance.now() - startedMono),
    exchanges: ctx?.exchanges ?? [],
    token,
    warnings: [
      ...(ctx?.warnings ?? []),
      ...expiryWarnings(
        probe.alarms?.expiryDaysThreshold ?? DEFAULT_ALARMS.expiryDaysThreshold,
        credentialDaysLeft,
        ctx?.exchanges ?? [],
      ),
    ],
  };
  if (credentialDaysLeft !== undefined) result.credentialDaysLeft = credentialDaysLeft;
  return result;
}

/** Throws when the PEM text holds no parsable X.509 certificate. */
function checkCertificate(pem: string): void {
  new X509Certificate(pem);
}

/** `tls.ca` is inline PEM or a file path; a file that cannot be read is a config error. */
async function readCa(probe: ResolvedProbe, deps: ResolvedDeps): Promise<string[] | undefined> {
  const ca = probe.tls?.ca;
  if (!ca) return undefined;
  if (isInlinePem(ca)) {
    try {
      checkCertificate(ca);
    } catch {
      throw new ProbeFailure('config', 'invalid_config', 'tls.ca: the inline PEM is not an X.509 certificate', {
        detail: 'tls.ca must be a PEM certificate (-----BEGIN CERTIFICATE-----)',
      });
    }
    return [ca];
  }
  try {
    const text = await deps.readFile(ca);
    if (!isInlinePem(text)) throw new Error('no PEM certificate in the file');
    checkCertificate(text);
    return [text];
  } catch (error) {
    const why = errorCode(error) ?? errorMessage(error) ?? String(error);
    throw new ProbeFailure('config', 'invalid_config', `tls.ca: cannot use ${ca} (${why})`, {
      detail: `tls.ca must be a readable PEM file or inline PEM; ${ca}: ${why}`,
    });
  }
}
