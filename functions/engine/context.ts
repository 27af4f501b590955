/**
 * The state of one run: what every stage shares (exchanges, warnings, the redactor, the deadline) and
 * `send`, the one way a stage talks HTTP: it records the exchange, turns a transport error into a
 * `ProbeFailure` with the right code, and notes the first exchange slower than its threshold.
 */
import type { ResolvedProbe } from '../config/resolve.js';
import { isCleartextRemote } from '../config/transport.js';
import { classifyTransport, type TransportClassification } from './classify.js';
import { type FailureContext, ProbeFailure } from './failure.js';
import { exchange, type HttpRequest, type HttpResponse, type TlsOptions, TransportError } from './http.js';
import { type ProxyEnv, proxyFor } from './proxy.js';
import { oneLine, Redactor } from './redact.js';
import { requestProblem } from './request-check.js';
import type { Exchange, ResultCode, Stage, Warning } from './result.js';
import { isPlainHttpReply, speaksTls } from './scheme-check.js';
import type { TokenCache } from './token-cache.js';
import type { Clock, SecretSource } from './types.js';

export interface ResolvedDeps {
  secrets: SecretSource;
  clock: Clock;
  readFile: (path: string) => Promise<string>;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (./proxy.ts). */
  env: ProxyEnv;
  /** The caller's token cache (token reuse, Retry-After holds); absent: every run requests a token. */
  tokens?: TokenCache;
}

export interface SlowExchange {
  stage: Stage;
  step: string | null;
  exchange: Exchange;
  thresholdMs: number;
  target: string;
}

export interface SendOptions extends Omit<HttpRequest, 'deadline' | 'timeoutMs' | 'tls'> {
  stage: Stage;
  /** For messages and hints: `token endpoint`, `discovery`, `JWKS`, `API step "x"`. */
  target: string;
  step?: string;
  timeoutMs?: number;
  /** The degraded threshold of this exchange. @default the probe degradedMs */
  degradedMs?: number;
  /** Client certificate for mTLS; the probe's CA is added by `send`. */
  clientCert?: { cert: string; key: string };
  /** Extra hint context for a transport failure (e.g. the client auth method). */
  context?: FailureContext;
}

export class RunContext {
  readonly exchanges: Exchange[] = [];
  readonly warnings: Warning[] = [];
  readonly redactor = new Redactor();
  slow: SlowExchange | null = null;

  constructor(
    readonly probe: ResolvedProbe,
    readonly deps: ResolvedDeps,
    readonly deadline: AbortSignal,
    /** Extra CA PEMs from tls.ca, read once per run. */
    readonly ca: string[] | undefined,
  ) {}

  /** Server text fit for a message: secrets redacted first, then trimmed (trimming first could cut a secret in two). */
  quote(text: string, max = 200): string {
    return oneLine(this.redactor.redact(text), max);
  }

  warn(code: string, message: string): void {
    if (this.warnings.some((w) => w.code === code)) return;
    this.warnings.push({ code, message: this.redactor.redact(message) });
  }

  /** After a connection failure: does the endpoint speak the other scheme? Bounded by the run deadline. */
  private async wrongScheme(url: string, transport: TransportClassification): Promise<'http' | 'https' | undefined> {
    if (this.deadline.aborted) return undefined;
    return schemeOf(url, transport, Math.min(2000, this.probe.timeoutMs));
  }

  async send(options: SendOptions): Promise<{ response: HttpResponse; exchange: Exchange }> {
    const { stage, target, step, degradedMs, clientCert, context, ...request } = options;
    const tls: TlsOptions = {};
    if (this.ca) tls.ca = this.ca;
    if (clientCert) Object.assign(tls, clientCert);
    const host = hostOf(request.url);
    const problem = requestProblem(request.url, request.headers);
    if (problem) {
      // Nothing was sent: the value came from the server (metadata, a Location) or from an extracted value.
      const blame = UNSENDABLE[stage];
      throw new ProbeFailure(blame.stage, blame.code, `${target}: not sent: ${problem}`, {
        ...context,
        target,
        host,
        detail: problem,
        ...(step ? { step } : {}),
      });
    }
    if (isCleartextRemote(request.url)) {
      // RFC 8414 §2 and RFC 7517 §9.3 require TLS for metadata and keys too: cleartext metadata decides
      // where the secret goes, a cleartext JWKS which keys are trusted.
      this.warn(
        'insecure_transport',
        stage === 'token' || stage === 'api'
          ? `${target} is plain http:// to a non-loopback host: credentials and tokens cross the network unencrypted`
          : `${target} is plain http:// to a non-loopback host: anyone on the path can change ${stage === 'discovery' ? 'where the credentials are sent' : 'which signing keys are trusted'}`,
      );
    }
    if (this.deadline.aborted) {
      throw new ProbeFailure(
        stage,
        'timeout',
        `${target}: not sent, the run deadline (${this.probe.deadlineMs} ms) had passed`,
        {
          ...context,
          target,
          host,
          detail: 'deadline',
          ...(step ? { step } : {}),
        },
      );
    }
    try {
      const outcome = await exchange(
        {
          ...request,
          timeoutMs: options.timeoutMs ?? this.probe.timeoutMs,
          tls,
          deadline: this.deadline,
          proxy: proxyFor(request.url, this.probe.proxy, this.deps.env),
        },
        this.deps.clock,
      );
      this.exchanges.push(outcome.exchange);
      const threshold = degradedMs ?? this.probe.degradedMs;
      if (threshold !== undefined && isSlow(outcome.exchange.timings.totalMs, threshold) && !this.slow) {
        this.slow = { stage, step: step ?? null, exchange: outcome.exchange, thresholdMs: threshold, target };
      }
      return outcome;
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      this.exchanges.push(error.exchange);
      const transport = classifyTransport(error.cause);
      const deadline = transport.code === 'timeout' && transport.detail === 'the run deadline passed';
      const wrongScheme = await this.wrongScheme(request.url, transport);
      throw new ProbeFailure(
        stage,
        transport.code,
        `${target} ${error.exchange.method} ${error.exchange.url}: ${deadline ? `the run deadline (${this.probe.deadlineMs} ms) passed` : transport.detail}`,
        {
          ...context,
          target,
          host,
          transport,
          exchange: error.exchange,
          ...(deadline ? { detail: 'deadline' } : {}),
          ...(wrongScheme ? { wrongScheme } : {}),
          ...(step ? { step } : {}),
        },
        { cause: error.cause },
      );
    }
  }
}

/** The scheme the endpoint really speaks, when the failure says the URL has the other one. */
async function schemeOf(url: string, transport: TransportClassification, timeoutMs: number) {
  if (url.startsWith('https:') && isPlainHttpReply(transport.errorCode)) return 'http' as const;
  if (url.startsWith('http:') && transport.code === 'connection_error' && (await speaksTls(url, timeoutMs))) {
    return 'https' as const;
  }
  return undefined;
}

/** Where a request that cannot be sent puts the blame: on whoever supplied the value. */
const UNSENDABLE: Record<Stage, { stage: Stage; code: ResultCode }> = {
  config: { stage: 'config', code: 'invalid_config' },
  credentials: { stage: 'config', code: 'invalid_config' },
  discovery: { stage: 'discovery', code: 'discovery_failed' },
  // The token URL comes from the config (checked by the schema) or the metadata (checked by discovery).
  token: { stage: 'config', code: 'invalid_config' },
  token_validation: { stage: 'token_validation', code: 'jwks_unavailable' },
  api: { stage: 'api', code: 'assertion_failed' },
};

/** Degraded means strictly slower than the threshold: 1500 ms against degradedMs 1500 passes. */
export function isSlow(totalMs: number, thresholdMs: number): boolean {
  return totalMs > thresholdMs;
}

/** http:// to anything but the loopback interface (re-exported for the engine's tests). */
export { isCleartextRemote };

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
