/**
 * From a probe result to CloudWatch metric data, per ./metric-catalogue.ts, and one PutMetricData call
 * per run and region.
 *
 * Every datum is timestamped with the run's scheduled time, not the wall clock: a duplicate delivery of
 * the same scheduled event lands on the same minute, and the alarms (Minimum of `Success`, Maximum of
 * `Failures`) read the same verdict whether one or two copies arrived.
 *
 * Publishing never throws and never changes the result: a failure is logged as one JSON line with
 * `event: "metric_publish_failed"`, which the CDK app counts with a log metric filter.
 */
import {
  type CloudWatchClient,
  type Dimension,
  type MetricDatum,
  PutMetricDataCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import { rateMinutes, runsPerMonth } from '../config/schedule.js';
import type { ProbeResult } from '../engine/result.js';
import type { RuntimeLogger } from './log.js';
import {
  DIMENSION_CODE,
  DIMENSION_PROBE,
  DIMENSION_REGION,
  DIMENSION_STEP,
  GAUGE_INTERVAL_HOURS,
  METRIC_PUBLISH_FAILED_EVENT,
  METRICS,
  type MetricDefinition,
} from './metric-catalogue.js';

/** PutMetricData accepts at most this many datums per call. */
export const MAX_DATUMS_PER_CALL = 1000;
/** Exchanges that are not API steps. */
const NON_STEP_EXCHANGES = new Set(['discovery', 'jwks', 'token']);

export interface MetricOptions {
  /** The run's scheduled time: every datum's timestamp. */
  scheduledTime: Date;
  /** Days-left gauges are published on every run while below this (the expiry alarm threshold). */
  gaugeThresholdDays: number;
  /**
   * Minutes between two runs (the probe's schedule): the gauges go out in the run whose scheduled time
   * falls within the first interval of each GAUGE_INTERVAL_HOURS block. @default 1
   */
  scheduleIntervalMinutes?: number;
}

/** Minutes between two runs of a schedule expression; a cron expression is approximated by its runs per day. */
export function scheduleIntervalMinutes(schedule: string): number {
  const rate = rateMinutes(schedule);
  if (rate !== undefined) return rate;
  const runs = runsPerMonth(schedule);
  return runs > 0 ? Math.max(1, Math.floor((30 * 24 * 60) / runs)) : 1;
}

/** True when `time` lies within the first schedule interval of its GAUGE_INTERVAL_HOURS block (UTC). */
export function isGaugeRun(time: Date, intervalMinutes = 1): boolean {
  const blockMs = GAUGE_INTERVAL_HOURS * 3_600_000;
  return time.getTime() % blockMs < Math.max(1, intervalMinutes) * 60_000;
}

/** The metric data of one run in its own region (dimension `Probe`, plus `Code`/`Step` where catalogued). */
export function buildMetricData(result: ProbeResult, options: MetricOptions): MetricDatum[] {
  const timestamp = options.scheduledTime;
  const probe = { Name: DIMENSION_PROBE, Value: result.probe };
  const datum = (definition: MetricDefinition, value: number, extra: Dimension[] = []): MetricDatum => ({
    MetricName: definition.name,
    Dimensions: [probe, ...extra],
    Unit: definition.unit as StandardUnit,
    Value: value,
    Timestamp: timestamp,
  });
  const data: MetricDatum[] = [datum(METRICS.success, result.status === 'fail' ? 0 : 1)];
  if (result.status === 'degraded') data.push(datum(METRICS.degraded, 1));
  if (result.status === 'fail') {
    data.push(datum(METRICS.failures, 1, [{ Name: DIMENSION_CODE, Value: result.code ?? 'internal_error' }]));
  }
  const token = result.exchanges.findLast((e) => e.name === 'token' && e.status !== null);
  if (token) data.push(datum(METRICS.tokenLatency, round(token.timings.totalMs)));
  for (const exchange of result.exchanges) {
    if (NON_STEP_EXCHANGES.has(exchange.name) || exchange.status === null) continue;
    data.push(
      datum(METRICS.stepLatency, round(exchange.timings.totalMs), [{ Name: DIMENSION_STEP, Value: exchange.name }]),
    );
  }
  data.push(datum(METRICS.totalLatency, round(result.durationMs)));

  const gaugeRun = isGaugeRun(timestamp, options.scheduleIntervalMinutes);
  const certDays = result.exchanges.map((e) => e.certDaysLeft).filter((d): d is number => typeof d === 'number');
  if (certDays.length > 0) {
    const fewest = Math.min(...certDays);
    if (gaugeRun || fewest < options.gaugeThresholdDays) data.push(datum(METRICS.certificateDaysLeft, fewest));
  }
  const credentialDays = result.credentialDaysLeft;
  if (typeof credentialDays === 'number' && (gaugeRun || credentialDays < options.gaugeThresholdDays)) {
    data.push(datum(METRICS.credentialDaysLeft, credentialDays));
  }
  const lifetime = result.token?.expiresIn;
  if (gaugeRun && typeof lifetime === 'number') data.push(datum(METRICS.tokenLifetime, lifetime));
  return data;
}

/** The copy of `Success` that goes to the home region with a `Region` dimension, for the global alarm. */
export function buildRegionalSuccess(result: ProbeResult, scheduledTime: Date, region: string): MetricDatum {
  return {
    MetricName: METRICS.regionalSuccess.name,
    Dimensions: [
      { Name: DIMENSION_PROBE, Value: result.probe },
      { Name: DIMENSION_REGION, Value: region },
    ],
    Unit: METRICS.regionalSuccess.unit as StandardUnit,
    Value: result.status === 'fail' ? 0 : 1,
    Timestamp: scheduledTime,
  };
}

export interface PublishInput {
  result: ProbeResult;
  data: MetricDatum[];
  namespace: string;
  /** The function's region. */
  region: string;
  homeRegion: string;
  scheduledTime: Date;
  /** Client of the function's region. */
  client: CloudWatchClient;
  /** Client of the home region; only used when it differs from `region`. */
  homeClient: () => CloudWatchClient;
  logger: Pick<RuntimeLogger, 'error'>;
}

export interface PublishOutcome {
  /** PutMetricData calls that succeeded / failed. */
  calls: number;
  failures: number;
}

/**
 * One PutMetricData per region (chunked only beyond 1000 datums): the run's data in its own region, with
 * the `Success`+`Region` copy in the same call when this is the home region, else in one call there.
 * Retries are the SDK's (standard mode, bounded attempts on the client). Never throws.
 */
export async function publishMetrics(input: PublishInput): Promise<PublishOutcome> {
  const copy = buildRegionalSuccess(input.result, input.scheduledTime, input.region);
  const local = input.region === input.homeRegion ? [...input.data, copy] : input.data;
  const outcome: PublishOutcome = { calls: 0, failures: 0 };
  const jobs: Promise<void>[] = [put(input, input.client, input.region, local, outcome)];
  if (input.region !== input.homeRegion) {
    jobs.push(
      (async () => {
        let home: CloudWatchClient;
        try {
          home = input.homeClient();
        } catch (error) {
          outcome.failures += 1;
          logFailure(input, input.homeRegion, 1, error);
          return;
        }
        await put(input, home, input.homeRegion, [copy], outcome);
      })(),
    );
  }
  await Promise.all(jobs);
  return outcome;
}

async function put(
  input: PublishInput,
  client: CloudWatchClient,
  region: string,
  data: MetricDatum[],
  outcome: PublishOutcome,
): Promise<void> {
  for (let start = 0; start < data.length; start += MAX_DATUMS_PER_CALL) {
    const chunk = data.slice(start, start + MAX_DATUMS_PER_CALL);
    outcome.calls += 1;
    try {
      await client.send(new PutMetricDataCommand({ Namespace: input.namespace, MetricData: chunk }));
    } catch (error) {
      outcome.failures += 1;
      logFailure(input, region, chunk.length, error);
    }
  }
}

function logFailure(input: PublishInput, region: string, datums: number, error: unknown): void {
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  input.logger.error('PutMetricData failed after retries', {
    event: METRIC_PUBLISH_FAILED_EVENT,
    probe: input.result.probe,
    status: input.result.status,
    namespace: input.namespace,
    targetRegion: region,
    datums,
    errorName: typeof e?.name === 'string' ? e.name : 'UnknownError',
    errorMessage: typeof e?.message === 'string' ? e.message.slice(0, 300) : undefined,
    httpStatus: e?.$metadata?.httpStatusCode,
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
