/**
 * The watchdog's logic: every period, check the alert path (./checks.ts) and ping the heartbeat URL
 * only when it is healthy. An external dead man's switch (Healthchecks.io, Better Stack, Cronitor, ...)
 * pages when the pings stop: it covers what cannot report itself, a broken notifier, topic or
 * CloudWatch in the home region, and a probe that never ran.
 *
 * One structured line per run (`event: "heartbeat"`): `outcome` pinged | withheld | ping_failed, the
 * findings that withheld it, the HTTP status. Never the URL: it is a credential (read from Secrets
 * Manager on each cold start and every 5 minutes, never logged, never in an error).
 *
 * The run never throws for what it finds: a withheld or failed ping IS the signal. It throws only when
 * its own environment is wrong (a deployment error, so Lambda's Errors metric shows it too).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Context } from 'aws-lambda';
import { HEARTBEAT_LOG_EVENT } from '../../contract/environment.js';
import type { ChannelSecrets } from '../notifier/channels/secrets.js';
import type { RuntimeLogger } from '../shared/log.js';
import { alertPathFindings, type Finding } from './checks.js';
import type { PingOutcome } from './ping.js';
import { type WatchdogSettings, watchdogSettingsFromEnv } from './settings.js';

/** The ping (all of it: connect, answer, body) is aborted after this long. */
export const PING_DEADLINE_MS = 5_000;
/** Kept for the log line before Lambda's timeout. */
const FINISH_RESERVE_MS = 1_000;

export type HeartbeatOutcome =
  | { outcome: 'pinged'; status: number | null; findings: [] }
  | { outcome: 'withheld'; findings: Finding[] }
  | { outcome: 'ping_failed'; findings: []; status: number | null; error: string };

export interface WatchdogDeps {
  cloudWatch: (region: string) => CloudWatchClient;
  /** Reads the heartbeat URL (plain text or JSON `url`). */
  secrets: ChannelSecrets;
  ping: (url: string, deadlineMs: number) => Promise<PingOutcome>;
  logger: RuntimeLogger;
  now: () => number;
  /** Lambda's remaining time: every call is aborted before it. */
  remainingMs?: () => number | undefined;
}

export async function runWatchdog(settings: WatchdogSettings, deps: WatchdogDeps): Promise<HeartbeatOutcome> {
  const started = deps.now();
  const remaining = deps.remainingMs?.();
  const signal = remaining === undefined ? undefined : AbortSignal.timeout(Math.max(1, remaining - FINISH_RESERVE_MS));
  const findings = await alertPathFindings(settings, {
    cloudWatch: deps.cloudWatch,
    now: deps.now,
    ...(signal ? { signal } : {}),
  });
  let result: HeartbeatOutcome;
  if (findings.length > 0) {
    result = { outcome: 'withheld', findings };
  } else {
    result = await ping(settings, deps);
  }
  const line = {
    event: HEARTBEAT_LOG_EVENT,
    outcome: result.outcome,
    reasons: [...new Set(result.findings.map((f) => f.code))],
    findings: result.findings,
    ...('status' in result ? { httpStatus: result.status } : {}),
    ...('error' in result ? { error: result.error } : {}),
    periodMinutes: settings.periodMinutes,
    durationMs: deps.now() - started,
  };
  if (result.outcome === 'pinged') deps.logger.info('heartbeat pinged: the alert path is healthy', line);
  else if (result.outcome === 'withheld') deps.logger.warn('heartbeat withheld: the alert path is not healthy', line);
  else deps.logger.error('heartbeat ping failed', line);
  return result;
}

async function ping(settings: WatchdogSettings, deps: WatchdogDeps): Promise<HeartbeatOutcome> {
  let url: string;
  try {
    url = await deps.secrets.read(settings.urlSecretId, ['url']);
  } catch {
    // Not found, denied, no SecretString, JSON without "url": the error names the secret id, and is not
    // logged anyway (a parse error could quote the value).
    return { outcome: 'ping_failed', findings: [], status: null, error: 'secret_unavailable' };
  }
  const remaining = deps.remainingMs?.();
  const deadline = Math.min(
    PING_DEADLINE_MS,
    remaining === undefined ? PING_DEADLINE_MS : remaining - FINISH_RESERVE_MS,
  );
  const outcome = await deps.ping(url, deadline);
  return outcome.ok
    ? { outcome: 'pinged', status: outcome.status, findings: [] }
    : { outcome: 'ping_failed', findings: [], status: outcome.status, error: outcome.error ?? 'network' };
}

/** The handler: settings read once per container (a bad environment throws, logged). */
export function createWatchdogHandler(
  deps: Omit<WatchdogDeps, 'remainingMs'> & {
    env: NodeJS.ProcessEnv;
    logger: RuntimeLogger & { addContext?(context: Context): void };
  },
): (event: unknown, context?: Partial<Context>) => Promise<HeartbeatOutcome> {
  let settings: WatchdogSettings | undefined;
  return async (_event, context) => {
    if (context?.awsRequestId && deps.logger.addContext) deps.logger.addContext(context as Context);
    try {
      settings ??= watchdogSettingsFromEnv(deps.env);
    } catch (error) {
      deps.logger.error('watchdog is misconfigured', {
        event: 'watchdog_misconfigured',
        reason: (error as Error).message,
      });
      throw error;
    }
    return runWatchdog(settings, {
      ...deps,
      remainingMs: () => context?.getRemainingTimeInMillis?.(),
    });
  };
}
