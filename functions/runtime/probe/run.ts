/**
 * One scheduled probe run inside Lambda: validate the event, drop a duplicate delivery, run the engine
 * within the time Lambda has left, log the result, publish the metrics. Dependencies are injected, so
 * the handler file only wires the real ones and the tests swap the clients.
 *
 * Every path ends with a logged and published result — a failing engine, an internal error, even an
 * invalid event whose probe name can still be read — so that silence only ever means "not running".
 * Nothing here throws to Lambda: an asynchronous invoke that throws is retried, and a bad event would
 * crash-loop.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { type ResolvedProbe, resolveProbe } from '../../config/resolve.js';
import {
  DEFAULT_GLOBAL_FAILURE_REGIONS,
  DEFAULT_METRICS_TRANSPORT,
  DEFAULT_NAMESPACE,
  METRICS_TRANSPORTS,
  type MetricsTransport,
  type ProbesConfig,
} from '../../config/schema.js';
import { PROBE_ENV } from '../../contract/environment.js';
import {
  DEFAULT_METRICS_PROFILE,
  hasGlobalAlarm,
  METRICS_PROFILES,
  type MetricsProfile,
} from '../../contract/metric-catalogue.js';
import {
  type Clock,
  ENGINE_OVERRUN_DETAIL,
  type EngineDeps,
  emptyRun,
  failResult,
  internalErrorMessage,
  type ProbeResult,
  SCHEDULE_EVENT_TARGET,
  type SecretLookup,
  type SecretSource,
  systemClock,
  type TokenCache,
} from '../../engine/index.js';
import { callDeadline } from '../shared/deadline.js';
import { logResult, type RuntimeLogger } from '../shared/log.js';
import { RecentKeys } from '../shared/recent-keys.js';
import { isVersionedRun, probeEventSchema } from './event.js';
import { buildMetricData, publishMetrics, scheduleIntervalMinutes } from './metrics.js';
import { publishRotationNotice, rotationNotification } from './rotation-notice.js';
import type { SecretDrift, SecretDriftCheck } from './secret-drift.js';
import { DEFAULT_SECRET_CACHE_TTL_SEC } from './secrets-manager-source.js';

/** @default 3000 ms kept for logging and publishing after the engine's deadline. */
export const DEFAULT_DEADLINE_MARGIN_MS = 3_000;
/** The engine always gets at least this long, even when Lambda's remaining time says less. */
export const MIN_DEADLINE_MS = 1_000;
/**
 * The engine enforces its own deadline; if it ever overran it by more than this, the run is reported as
 * a `timeout` anyway, so that the result is still logged and published before Lambda's timeout.
 */
export const ENGINE_GRACE_MS = 1_000;
/**
 * Publishing the metrics (all PutMetricData calls and their retries) is aborted after this long, or
 * earlier when Lambda's remaining time minus FINISH_RESERVE_MS runs out: the failure is then logged
 * (`metric_publish_failed`, counted by a metric filter) before Lambda's timeout.
 * @default 5000 ms
 */
export const PUBLISH_TIMEOUT_MS = 5_000;
/** Kept after the publishing deadline for the failure's log line and the handler's return. */
export const FINISH_RESERVE_MS = 500;
export { RecentKeys };
/** Scheduled events remembered per container to drop duplicate deliveries. */
export const RECENT_EVENTS_CAPACITY = 512;

export interface ProbeSettings {
  region: string;
  homeRegion: string;
  namespace: string;
  deadlineMarginMs: number;
  secretCacheTtlSec: number;
  /** Regional metrics by PutMetricData or EMF log lines. @default putMetricData */
  metricsTransport: MetricsTransport;
  /** Which series are published (config `metrics.profile`). @default full */
  metricsProfile: MetricsProfile;
  /** A probe with at least this many regions has a global alarm, so its Success copy is published. @default 2 */
  globalFailureRegions: number;
  /** Where a failed rotation test is published (config `credentials.rotationTest`); absent: not published. */
  notificationTopicArn?: string;
  /** Config `name` of the deployment (names in rotation-test notifications). */
  deployment?: string;
}

export function probeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProbeSettings {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return {
    region,
    homeRegion: env[PROBE_ENV.homeRegion] || region,
    namespace: env[PROBE_ENV.namespace] || DEFAULT_NAMESPACE,
    deadlineMarginMs: positiveNumber(env[PROBE_ENV.deadlineMarginMs], DEFAULT_DEADLINE_MARGIN_MS),
    secretCacheTtlSec: positiveNumber(env[PROBE_ENV.secretCacheTtlSec], DEFAULT_SECRET_CACHE_TTL_SEC, true),
    metricsTransport: metricsTransport(env[PROBE_ENV.metricsTransport]),
    metricsProfile: metricsProfile(env[PROBE_ENV.metricsProfile]),
    globalFailureRegions: Math.max(
      1,
      Math.floor(positiveNumber(env[PROBE_ENV.globalFailureRegions], DEFAULT_GLOBAL_FAILURE_REGIONS)),
    ),
    ...(env[PROBE_ENV.notificationTopicArn] ? { notificationTopicArn: env[PROBE_ENV.notificationTopicArn] } : {}),
    ...(env[PROBE_ENV.deployment] ? { deployment: env[PROBE_ENV.deployment] } : {}),
  };
}

function metricsTransport(raw: string | undefined): MetricsTransport {
  const value = raw?.trim();
  return (METRICS_TRANSPORTS as readonly string[]).includes(value ?? '')
    ? (value as MetricsTransport)
    : DEFAULT_METRICS_TRANSPORT;
}

function metricsProfile(raw: string | undefined): MetricsProfile {
  const value = raw?.trim();
  return (METRICS_PROFILES as readonly string[]).includes(value ?? '')
    ? (value as MetricsProfile)
    : DEFAULT_METRICS_PROFILE;
}

function positiveNumber(raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && (value > 0 || (allowZero && value === 0)) ? value : fallback;
}

export interface ProbeRunDeps {
  settings: ProbeSettings;
  runProbe: (probe: ResolvedProbe, deps: EngineDeps) => Promise<ProbeResult>;
  secrets: () => SecretSource;
  /** CloudWatch of the function's region. */
  cloudWatch: () => CloudWatchClient;
  /** CloudWatch of the home region (only called when it differs). */
  homeCloudWatch: () => CloudWatchClient;
  logger: RuntimeLogger & { addContext?(context: Context): void };
  clock?: Clock;
  /** @default ENGINE_GRACE_MS */
  engineGraceMs?: number;
  /** Duplicate detection; one per container. @default a new RecentKeys */
  recent?: RecentKeys;
  /**
   * A source that reads one version of the secrets (a rotation test), created per direct invocation and
   * never cached across runs. Without it, a direct invocation with a version is refused.
   */
  versionedSecrets?: (version: { stage?: string; id?: string }) => SecretSource;
  /** SNS of the notification topic's region (a failed rotation test with `notifyOnFailure`). */
  sns?: (region: string) => SNSClient;
  /** The secret version drift check of scheduled runs (replica regions). Absent: not checked. */
  drift?: SecretDriftCheck;
  /**
   * The container's token cache: scheduled runs reuse tokens (`token.reuse`) and respect the token
   * endpoint's Retry-After through it. Rotation tests never use it: they must request a token with the
   * version they test. Absent: every run requests a token.
   */
  tokens?: TokenCache;
}

/** What the handler returns (visible to a synchronous invoke; ignored by Scheduler). */
export type ProbeRunOutput =
  | { outcome: 'ran'; result: ProbeResult; published: boolean; rotationTest?: RotationTestOutput }
  | { outcome: 'duplicate'; probe: string; scheduledTime: string }
  | { outcome: 'invalid_event'; problems: string[] };

/** What a direct run with a secret version adds to its output (no metrics were published). */
export interface RotationTestOutput {
  secretVersionStage?: string;
  /** The version the run read (undefined when the secret could not be read). */
  secretVersionId?: string;
  /** True when the failure was published to the notification topic. */
  notified: boolean;
}

type LambdaContext = Pick<Context, 'getRemainingTimeInMillis'> & Partial<Context>;

/** Wraps a source to remember the version id of each secret read (for the log line). */
function recordVersions(source: SecretSource): { source: SecretSource; versions: Map<string, string> } {
  const versions = new Map<string, string>();
  return {
    versions,
    source: {
      async get(secretId, options): Promise<SecretLookup> {
        const lookup = await source.get(secretId, options);
        if (lookup.versionId) versions.set(secretId, lookup.versionId);
        return lookup;
      },
    },
  };
}

/** Builds the probe function's handler. */
export function createProbeRunner(
  deps: ProbeRunDeps,
): (event: unknown, context?: LambdaContext) => Promise<ProbeRunOutput> {
  const clock = deps.clock ?? systemClock;
  const recent = deps.recent ?? new RecentKeys(RECENT_EVENTS_CAPACITY);
  const { logger } = deps;

  return async (event, context) => {
    if (context && deps.logger.addContext && context.awsRequestId) deps.logger.addContext(context as Context);
    const parsed = probeEventSchema.safeParse(event);
    const remainingMs = () => context?.getRemainingTimeInMillis?.();
    if (!parsed.success) return invalidEvent(event, parsed.error, deps, clock, remainingMs);
    if (isVersionedRun(parsed.data)) return runVersioned(parsed.data, deps, clock, context);
    const { probe: config, scheduledTime: rawScheduled, executionId } = parsed.data;

    // A scheduledTime that is not a date (a placeholder the schedule did not fill) would make every run
    // look like the first one's duplicate: only a real time, else the execution id, identifies a run.
    const validScheduled = rawScheduled !== undefined && !Number.isNaN(Date.parse(rawScheduled));
    const runKey = validScheduled ? rawScheduled : executionId;
    if (runKey !== undefined) {
      const key = `${config.name}\u0000${runKey}`;
      if (recent.has(key)) {
        logger.info('duplicate scheduled event dropped', {
          event: 'duplicate_event',
          probe: config.name,
          scheduledTime: rawScheduled,
          executionId,
        });
        return { outcome: 'duplicate', probe: config.name, scheduledTime: rawScheduled ?? runKey };
      }
      recent.add(key);
    }
    const scheduledTime = scheduledDate(rawScheduled, clock, logger, config.name);

    const recorder = recordVersions(deps.secrets());
    const { result, probe } = await runEngine(config, recorder.source, deps, clock, context, deps.tokens);
    const secretVersionId = recorder.versions.get(config.credentials.secretId);
    const drift = probe ? await checkDrift(probe, deps, remainingMs) : undefined;
    const published = await finish(result, scheduledTime, probe, config.regions, deps, remainingMs, {
      executionId,
      runbookUrl: config.runbookUrl,
      ...(secretVersionId ? { secretVersionId } : {}),
      ...(drift ? { drift } : {}),
    });
    return { outcome: 'ran', result, published };
  };
}

/** The probe resolved and run by the engine within the time Lambda has left; never throws. */
async function runEngine(
  config: z.output<typeof probeEventSchema>['probe'],
  secrets: SecretSource,
  deps: ProbeRunDeps,
  clock: Clock,
  context: LambdaContext | undefined,
  tokens?: TokenCache,
): Promise<{ result: ProbeResult; probe: ResolvedProbe | undefined }> {
  let probe: ResolvedProbe | undefined;
  try {
    probe = resolveProbe({ probes: [config] } as ProbesConfig, config);
    const remaining = context?.getRemainingTimeInMillis?.();
    const available =
      remaining === undefined
        ? probe.deadlineMs
        : Math.max(MIN_DEADLINE_MS, remaining - deps.settings.deadlineMarginMs);
    const deadlineMs = Math.min(probe.deadlineMs, available);
    const result = await withinDeadline(
      deps.runProbe({ ...probe, deadlineMs }, { secrets, clock, ...(tokens ? { tokens } : {}) }),
      deadlineMs + (deps.engineGraceMs ?? ENGINE_GRACE_MS),
      () => overrunResult(config.name, deadlineMs, clock),
    );
    return { result, probe };
  } catch (error) {
    deps.logger.error('probe run threw', {
      event: 'internal_error',
      probe: config.name,
      errorName: error instanceof Error ? error.name : typeof error,
      // Frames only: the first line repeats the message, which is already in the (scrubbed) result.
      frames: error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 12).join('\n') : undefined,
    });
    return { result: internalErrorResult(config.name, error, clock), probe };
  }
}

/** Time the drift check may take: what is left once publishing and the finish reserve are set aside. */
const DRIFT_BUDGET_MS = 6_000;

/** The secret version drift of a scheduled run (replica regions, when due); undefined otherwise. */
async function checkDrift(
  probe: ResolvedProbe,
  deps: ProbeRunDeps,
  remainingMs: () => number | undefined,
): Promise<SecretDrift | undefined> {
  if (!deps.drift) return undefined;
  const remaining = remainingMs();
  const budget =
    remaining === undefined
      ? DRIFT_BUDGET_MS
      : Math.min(DRIFT_BUDGET_MS, remaining - PUBLISH_TIMEOUT_MS - FINISH_RESERVE_MS);
  // Too little time left: the result and its metrics matter more than the drift signal.
  if (budget < 500) return undefined;
  return deps.drift.check(probe.credentials.secretId, callDeadline(budget));
}

/**
 * A direct invocation with a secret version (a rotation test, `run --remote --version-stage`): the
 * flow with that version, the result returned, its own log line (`rotation_test_result`), NO metrics
 * (nothing an alarm or dashboard reads), and, for a failing run with `notifyOnFailure`, the diagnosed
 * message on the notification topic.
 */
async function runVersioned(
  event: z.output<typeof probeEventSchema>,
  deps: ProbeRunDeps,
  clock: Clock,
  context: LambdaContext | undefined,
): Promise<ProbeRunOutput> {
  const { logger, settings } = deps;
  const config = event.probe;
  const version = {
    ...(event.secretVersionStage ? { stage: event.secretVersionStage } : {}),
    ...(event.secretVersionId ? { id: event.secretVersionId } : {}),
  };
  logger.info('rotation test: running with a secret version; no metrics are published', {
    event: 'rotation_test_started',
    probe: config.name,
    secretVersionStage: event.secretVersionStage,
    secretVersionId: event.secretVersionId,
  });
  let result: ProbeResult;
  let used: string | undefined;
  if (deps.versionedSecrets) {
    const recorder = recordVersions(deps.versionedSecrets(version));
    ({ result } = await runEngine(config, recorder.source, deps, clock, context));
    used = recorder.versions.get(config.credentials.secretId) ?? event.secretVersionId;
  } else {
    result = internalErrorResult(config.name, new Error('this function cannot read secret versions'), clock);
  }
  try {
    logResult(logger, result, {
      region: settings.region,
      scheduledTime: new Date(clock.now()).toISOString(),
      ...(config.runbookUrl ? { runbookUrl: config.runbookUrl } : {}),
      ...(used ? { secretVersionId: used } : {}),
      rotationTest: event.secretVersionStage ? { secretVersionStage: event.secretVersionStage } : {},
    });
  } catch (error) {
    logger.error('result log line failed', { event: 'internal_error', errorName: (error as Error)?.name });
  }
  const notified =
    result.status === 'fail' && event.notifyOnFailure === true
      ? await notifyRotationFailure(result, event, used, deps, config, () => context?.getRemainingTimeInMillis?.())
      : false;
  return {
    outcome: 'ran',
    result,
    published: false,
    rotationTest: {
      ...(event.secretVersionStage ? { secretVersionStage: event.secretVersionStage } : {}),
      ...(used ? { secretVersionId: used } : {}),
      notified,
    },
  };
}

/** Publishes a failed rotation test to the notification topic; false (logged) when it cannot. Never throws. */
async function notifyRotationFailure(
  result: ProbeResult,
  event: z.output<typeof probeEventSchema>,
  versionId: string | undefined,
  deps: ProbeRunDeps,
  config: z.output<typeof probeEventSchema>['probe'],
  remainingMs: () => number | undefined,
): Promise<boolean> {
  const { logger, settings } = deps;
  const topicArn = settings.notificationTopicArn;
  if (!topicArn || !deps.sns) {
    logger.warn('rotation test failed; not notified: this function has no notification topic', {
      event: 'rotation_test_not_notified',
      probe: result.probe,
      reason: 'set credentials.rotationTest: true on the probe and deploy, so that the probe function may publish',
    });
    return false;
  }
  try {
    const notification = rotationNotification({
      result,
      region: settings.region,
      ...(settings.deployment ? { deployment: settings.deployment } : {}),
      ...(event.secretVersionStage ? { secretVersionStage: event.secretVersionStage } : {}),
      ...(versionId ? { secretVersionId: versionId } : {}),
      ...(config.runbookUrl ? { runbookUrl: config.runbookUrl } : {}),
      ...(typeof config.owner === 'string' ? { owner: config.owner } : {}),
    });
    const topicRegion = topicArn.split(':')[3] || settings.homeRegion;
    // Bounded by Lambda's remaining time too: the rotation function waits for this answer.
    const messageId = await publishRotationNotice(
      deps.sns(topicRegion),
      topicArn,
      notification,
      callDeadline(publishBudgetMs(remainingMs())),
    );
    logger.info('rotation test failure notified', {
      event: 'rotation_test_notified',
      probe: result.probe,
      incidentKey: notification.document.incidentKey,
      messageId,
    });
    return true;
  } catch (error) {
    logger.error('rotation test failure could not be notified', {
      event: 'rotation_test_notify_failed',
      probe: result.probe,
      errorName: (error as { name?: string } | null)?.name ?? 'UnknownError',
    });
    return false;
  }
}

/** How long publishing may take, given Lambda's remaining time (undefined outside Lambda). */
export function publishBudgetMs(remainingMs: number | undefined): number {
  if (remainingMs === undefined) return PUBLISH_TIMEOUT_MS;
  return Math.max(1, Math.min(PUBLISH_TIMEOUT_MS, remainingMs - FINISH_RESERVE_MS));
}

/**
 * Logs, then publishes (the log line is in place before the metric that may raise an alarm), within
 * `publishBudgetMs`. Never throws.
 */
async function finish(
  result: ProbeResult,
  scheduledTime: Date,
  probe: ResolvedProbe | undefined,
  regions: readonly string[] | undefined,
  deps: ProbeRunDeps,
  remainingMs: () => number | undefined,
  {
    executionId,
    runbookUrl,
    secretVersionId,
    drift,
  }: {
    executionId?: string | undefined;
    runbookUrl?: string | undefined;
    secretVersionId?: string;
    drift?: SecretDrift;
  },
): Promise<boolean> {
  const { logger, settings } = deps;
  try {
    logResult(logger, result, {
      region: settings.region,
      scheduledTime: scheduledTime.toISOString(),
      ...(runbookUrl ? { runbookUrl } : {}),
      ...(executionId ? { executionId } : {}),
      ...(secretVersionId ? { secretVersionId } : {}),
      ...(drift ? { secretDrift: { ...drift } } : {}),
    });
  } catch (error) {
    logger.error('result log line failed', { event: 'internal_error', errorName: (error as Error)?.name });
  }
  try {
    const data = buildMetricData(result, {
      scheduledTime,
      gaugeThresholdDays: probe?.alarms.expiryDaysThreshold ?? 14,
      scheduleIntervalMinutes: probe ? scheduleIntervalMinutes(probe.schedule) : 1,
      profile: settings.metricsProfile,
      ...(drift ? { secretVersionDrift: drift.drift } : {}),
    });
    const outcome = await publishMetrics({
      result,
      data,
      namespace: settings.namespace,
      region: settings.region,
      homeRegion: settings.homeRegion,
      scheduledTime,
      // The copy only feeds the global alarm: published when the CDK app creates one (same rule). When
      // the event is too broken to name the regions, publish it rather than blind that alarm.
      regionalCopy: regions ? hasGlobalAlarm({ regions }, settings.globalFailureRegions) : true,
      transport: settings.metricsTransport,
      signal: callDeadline(publishBudgetMs(remainingMs())),
      client: deps.cloudWatch(),
      homeClient: deps.homeCloudWatch,
      logger,
    });
    return outcome.failures === 0;
  } catch (error) {
    logger.error('metric publishing failed', {
      event: 'metric_publish_failed',
      probe: result.probe,
      errorName: (error as Error)?.name ?? 'UnknownError',
    });
    return false;
  }
}

/**
 * A bad event is logged once with every problem and its path. When the probe name can still be read, a
 * `config`/`invalid_config` result is logged and published too, so the availability alarm names the
 * cause instead of the "stopped" alarm guessing at it.
 */
async function invalidEvent(
  event: unknown,
  error: z.ZodError,
  deps: ProbeRunDeps,
  clock: Clock,
  remainingMs: () => number | undefined,
): Promise<ProbeRunOutput> {
  const problems = error.issues.map((issue) => `${['event', ...issue.path].join('.')}: ${issue.message}`);
  const raw = (event && typeof event === 'object' ? event : {}) as {
    probe?: { name?: unknown; regions?: unknown };
    scheduledTime?: unknown;
  };
  const name = raw.probe && typeof raw.probe === 'object' ? raw.probe.name : undefined;
  deps.logger.error('invalid probe event', {
    event: 'invalid_event',
    probe: typeof name === 'string' ? name : undefined,
    problems,
  });
  if (typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
    const result = failResult(
      emptyRun(name, clock.now()),
      {
        stage: 'config',
        code: 'invalid_config',
        message: `the schedule's event is invalid: ${problems.join('; ')}`,
        context: { target: SCHEDULE_EVENT_TARGET },
      },
      { maxMessageLength: 1000 },
    );
    const scheduled = typeof raw.scheduledTime === 'string' ? raw.scheduledTime : undefined;
    const listed = raw.probe?.regions;
    const regions =
      Array.isArray(listed) && listed.length > 0 && listed.every((r) => typeof r === 'string') ? listed : undefined;
    const when = scheduledDate(scheduled, clock, deps.logger, name);
    await finish(result, when, undefined, regions, deps, remainingMs, {});
  }
  return { outcome: 'invalid_event', problems };
}

/** The result of a run that threw (a bug in the engine or this runtime): still logged and published. */
export function internalErrorResult(probe: string, error: unknown, clock: Clock = systemClock): ProbeResult {
  const message = internalErrorMessage(error, 'internal error in the probe function');
  return failResult(emptyRun(probe, clock.now()), { stage: null, code: 'internal_error', message });
}

/** The engine's answer, or `fallback()` once `ms` have passed without one. */
async function withinDeadline<T>(work: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), ms);
  });
  try {
    return await Promise.race([work, overrun]);
  } finally {
    clearTimeout(timer);
  }
}

function overrunResult(probe: string, deadlineMs: number, clock: Clock): ProbeResult {
  return failResult(emptyRun(probe, clock.now(), deadlineMs), {
    stage: null,
    code: 'timeout',
    message: `the run did not finish within its deadline of ${deadlineMs} ms`,
    context: { detail: ENGINE_OVERRUN_DETAIL },
  });
}

function scheduledDate(raw: string | undefined, clock: Clock, logger: RuntimeLogger, probe: string): Date {
  if (raw !== undefined) {
    const time = Date.parse(raw);
    if (!Number.isNaN(time)) return new Date(time);
    logger.warn('scheduledTime is not a date; using the current time', {
      event: 'invalid_scheduled_time',
      probe,
      scheduledTime: raw.slice(0, 100),
    });
  }
  return new Date(clock.now());
}
