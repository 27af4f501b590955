/**
 * The one builder of a failed `ProbeResult`, for the engine and for every caller that must report a
 * failure the engine never saw (an invalid schedule event, a run that threw or overran in Lambda). The
 * hint always comes from ./hints.ts, so the same code reads the same whoever reports it; message and
 * hint are redacted and kept to one line.
 */
import type { FailureContext } from './failure.js';
import { hintFor } from './hints.js';
import { oneLine, redactPatterns } from './redact.js';
import type { ProbeResult, ResultCode, Stage } from './result.js';

/** What every result carries besides its verdict: who ran, when, and what was measured. */
export type RunRecord = Omit<ProbeResult, keyof Verdict>;
type Verdict = Pick<ProbeResult, 'status' | 'stage' | 'step' | 'code' | 'message' | 'hint' | 'httpStatus'>;

export interface Failure {
  /** Where it broke; null when no stage can be blamed (`internal_error`, an overrun). */
  stage: Stage | null;
  code: ResultCode;
  /** What happened, one line (redacted here again). */
  message: string;
  step?: string | null;
  httpStatus?: number | null;
  /** Makes the hint specific (see hints.ts); never holds a secret value. */
  context?: FailureContext;
}

export interface FailResultOptions {
  /** The run's redactor (knows the secret values); by default the secret shapes only. */
  redact?: (text: string) => string;
  /** @default 500 characters */
  maxMessageLength?: number;
}

/** @default 500: a message long enough for a server's error_description, short enough for a log line. */
export const MAX_MESSAGE_LENGTH = 500;

/** A run that measured nothing (it never started, or its record was lost): for callers outside the engine. */
export function emptyRun(probe: string, startedAtMs: number, durationMs = 0): RunRecord {
  return {
    probe,
    startedAt: new Date(startedAtMs).toISOString(),
    durationMs,
    exchanges: [],
    token: null,
    warnings: [],
  };
}

/** A `fail` result with the hint of its code. */
export function failResult(run: RunRecord, failure: Failure, options: FailResultOptions = {}): ProbeResult {
  const redact = options.redact ?? redactPatterns;
  return withVerdict(run, {
    status: 'fail',
    stage: failure.stage,
    step: failure.step ?? null,
    code: failure.code,
    message: oneLine(redact(failure.message), options.maxMessageLength ?? MAX_MESSAGE_LENGTH),
    hint: redact(hintFor(failure.code, failure.stage, failure.context)),
    httpStatus: failure.httpStatus ?? null,
  });
}

/** The message of a value thrown by a bug: its name and message, never its stack. */
export function internalErrorMessage(error: unknown, prefix = 'internal error'): string {
  return `${prefix}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

/** Fields in the order of the contract, so that `--json` reads top-down: verdict first, details after. */
export function withVerdict(run: RunRecord, verdict: Verdict): ProbeResult {
  const { probe, ...rest } = run;
  return { probe, ...verdict, ...rest };
}
