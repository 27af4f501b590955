/**
 * The structured log of the Lambda functions: one Powertools logger per container, writing one JSON
 * object per line so that CloudWatch Logs Insights can filter on any field (`filter code = "invalid_client"`)
 * and log metric filters can count events (`{ $.event = "metric_publish_failed" }`).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { ROTATION_TEST_LOG_EVENT } from '../../contract/environment.js';
import { containResult, type ProbeResult, redactPatterns, stripControl } from '../../engine/index.js';
import { parseJsonObject } from '../../guards.js';

/** What the runtime modules need from a logger; Powertools' `Logger` satisfies it, and so do test doubles. */
export interface RuntimeLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** `event` of the one line each probe run writes. */
export const PROBE_RESULT_EVENT = 'probe_result';
export const SERVICE_NAME = 'oauth-probe';

let shared: Logger | undefined;

/** The container's logger (created on first use). */
export function runtimeLogger(): Logger {
  shared ??= new Logger({ serviceName: SERVICE_NAME });
  return shared;
}

/** Context the probe function adds to the result on its log line. */
export interface ResultLogContext {
  region: string;
  /** ISO 8601; the timestamp of the run's metrics. */
  scheduledTime: string;
  runbookUrl?: string;
  executionId?: string;
  /** The secret version the run read (Secrets Manager VersionId; never the value). */
  secretVersionId?: string;
  /** This region's replica compared with the primary region (replica regions, when checked). */
  secretDrift?: Record<string, unknown>;
  /**
   * A direct run with a secret version (a rotation test): its line has `event: rotation_test_result`, so
   * the notifier, dashboards and metric filters, which read `probe_result`, never take it for a scheduled run.
   */
  rotationTest?: { secretVersionStage?: string };
}

/**
 * The fields of the per-run log line: the whole result at top level plus the run's context. Powertools
 * omits fields whose value is null (a passing run has no `stage`, `code`, `hint` on its line).
 *
 * Powertools reserves `message` for the log message, so the result's `message` becomes the line's
 * `message`; a passing run (whose result message is null) logs `"<probe> pass"` there. Read it back with
 * `resultFromLogLine`.
 */
export function resultLogLine(
  result: ProbeResult,
  context: ResultLogContext,
): { message: string; fields: Record<string, unknown> } {
  const { message, ...rest } = result;
  const fields: Record<string, unknown> = {
    event: context.rotationTest ? ROTATION_TEST_LOG_EVENT : PROBE_RESULT_EVENT,
    ...rest,
    region: context.region,
    scheduledTime: context.scheduledTime,
  };
  if (context.runbookUrl) fields.runbookUrl = context.runbookUrl;
  if (context.executionId) fields.executionId = context.executionId;
  if (context.secretVersionId) fields.secretVersionId = context.secretVersionId;
  if (context.secretDrift) fields.secretDrift = context.secretDrift;
  if (context.rotationTest) {
    fields.rotationTest = true;
    if (context.rotationTest.secretVersionStage) fields.secretVersionStage = context.rotationTest.secretVersionStage;
  }
  return { message: message ?? `${result.probe} ${result.status}`, fields };
}

/**
 * Defence in depth for text that leaves the function (log lines, notifications): results are redacted by
 * the engine, which knows the secret values; this removes what is secret by its shape alone — JWS
 * compact strings (access tokens, client assertions), PEM private keys and credentials after an
 * `Authorization` scheme. Deliberately narrower than a word match on "basic", so that a probe called
 * `local-basic` keeps its name.
 */
/** Secret shapes (JWTs, private keys, credentials after an auth scheme), by the engine's one set of patterns. */
export const scrubSecrets = redactPatterns;

/**
 * Secret shapes and control characters removed from every string inside `value`, value by value: never
 * from serialized text, where a pattern (a PEM header without its END line) could eat the rest of the
 * document and leave invalid JSON.
 */
export function scrubValues<T>(value: T): T {
  if (typeof value === 'string') return stripControl(scrubSecrets(value)) as T;
  if (Array.isArray(value)) return value.map((item) => scrubValues(item)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v)])) as T;
  }
  return value;
}

/**
 * Writes the per-run line. Results are redacted by the engine; here they are bounded and scrubbed once
 * more, value by value (see `containResult`), so that the line is always valid JSON of bounded size.
 */
export function logResult(logger: RuntimeLogger, result: ProbeResult, context: ResultLogContext): void {
  const line = resultLogLine(containResult(result), context);
  const level = result.status === 'fail' ? 'warn' : 'info';
  logger[level](line.message, line.fields);
}

/** A result as logged, read back (by the notifier) from a log event's JSON text. */
export interface LoggedResult extends ProbeResult {
  region?: string;
  scheduledTime?: string;
  runbookUrl?: string;
}

/** Parses a per-run log line; undefined when the text is not one. */
export function resultFromLogLine(text: string): LoggedResult | undefined {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return undefined;
  const line = parsed.value;
  if (line.event !== PROBE_RESULT_EVENT || typeof line.probe !== 'string' || typeof line.status !== 'string') {
    return undefined;
  }
  const {
    level: _level,
    timestamp: _timestamp,
    service: _service,
    sampling_rate: _rate,
    event: _event,
    ...rest
  } = line;
  const message = line.status === 'pass' ? null : typeof line.message === 'string' ? line.message : null;
  // Powertools leaves out null fields; put them back so the result has its contract shape.
  const defaults: Pick<
    LoggedResult,
    'stage' | 'step' | 'code' | 'hint' | 'httpStatus' | 'token' | 'exchanges' | 'warnings'
  > = {
    stage: null,
    step: null,
    code: null,
    hint: null,
    httpStatus: null,
    token: null,
    exchanges: [],
    warnings: [],
  };
  return {
    ...defaults,
    ...(rest as unknown as LoggedResult),
    message,
  };
}
