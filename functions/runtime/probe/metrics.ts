/**
 * From a probe result to CloudWatch metric data, per ./metric-catalogue.ts, published per run and
 * region either by one PutMetricData call (the default) or, with `metrics.transport: "emf"`, as
 * Embedded Metric Format lines on stdout that CloudWatch Logs turns into the same metrics (no API fee).
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
import { BUILT_IN_EXCHANGE_NAMES, type MetricsTransport } from '../../config/defaults.js';
import { rateMinutes, runsPerMonth } from '../../config/schedule.js';
import {
  cadenceIn,
  DEFAULT_METRICS_PROFILE,
  DIMENSION_CODE,
  DIMENSION_PROBE,
  DIMENSION_REGION,
  DIMENSION_STAGE,
  DIMENSION_STEP,
  GAUGE_INTERVAL_HOURS,
  METRIC_PUBLISH_FAILED_EVENT,
  METRICS,
  type MetricDefinition,
  type MetricsProfile,
  SECURITY_FINDING_CODE,
} from '../../contract/metric-catalogue.js';
import type { ProbeResult } from '../../engine/index.js';
import { errorMessage, errorName } from '../../guards.js';
import type { RuntimeLogger } from '../shared/log.js';

/** PutMetricData accepts at most this many datums per call. */
export const MAX_DATUMS_PER_CALL = 1000;
/** Exchanges that are not API steps. */
const NON_STEP_EXCHANGES = new Set<string>(BUILT_IN_EXCHANGE_NAMES);
/** A fail-open variant's exchange (`<step>:<variant>`): its timing says nothing about the API's latency. */
const isRejectVariant = (exchange: { name: string }) => exchange.name.includes(':');

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
  /** `metrics.profile`: which series go out (see the catalogue's `leanCadence`). @default full */
  profile?: MetricsProfile;
  /** The secret version drift check of this run (replica regions, when due): 0 in sync, 1 drifting. */
  secretVersionDrift?: 0 | 1;
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

/** CloudWatch rejects a value outside ±2^360, and a non-zero one closer to zero than 2^-360, or NaN/±Infinity. */
export const MAX_METRIC_VALUE = 2 ** 360;
export const MIN_METRIC_MAGNITUDE = 2 ** -360;

/**
 * A value CloudWatch accepts, or undefined (NaN, ±Infinity): huge values are clamped to ±2^360 and tiny
 * ones to 0. One bad datum would otherwise make CloudWatch reject the whole PutMetricData call (or the
 * EMF line), `Success` included.
 */
export function metricValue(value: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (Math.abs(value) > MAX_METRIC_VALUE) return Math.sign(value) * MAX_METRIC_VALUE;
  if (value !== 0 && Math.abs(value) < MIN_METRIC_MAGNITUDE) return 0;
  return value;
}

/**
 * The metric data of one run in its own region (dimension `Probe`, plus `Code`/`Step` where catalogued),
 * each metric at its cadence under the profile: `lean` leaves out what no alarm reads.
 */
export function buildMetricData(result: ProbeResult, options: MetricOptions): MetricDatum[] {
  const timestamp = options.scheduledTime;
  const profile = options.profile ?? DEFAULT_METRICS_PROFILE;
  const probe = { Name: DIMENSION_PROBE, Value: result.probe };
  const datum = (definition: MetricDefinition, value: number, extra: Dimension[] = []): MetricDatum => ({
    MetricName: definition.name,
    Dimensions: [probe, ...extra],
    Unit: definition.unit as StandardUnit,
    Value: value,
    Timestamp: timestamp,
  });
  const gaugeRun = isGaugeRun(timestamp, options.scheduleIntervalMinutes);
  /** Whether a metric goes out in this run, given its value is `low` (below the expiry threshold). */
  const due = (definition: MetricDefinition, low = false): boolean => {
    const cadence = cadenceIn(definition, profile);
    if (cadence === 'gauge_interval') return gaugeRun || low;
    if (cadence === 'when_low') return low;
    return cadence !== null;
  };

  const data: MetricDatum[] = [datum(METRICS.success, result.status === 'fail' ? 0 : 1)];
  const push = (definition: MetricDefinition, value: number, extra: Dimension[] = []) => {
    const safe = metricValue(value);
    if (safe !== undefined) data.push(datum(definition, safe, extra));
  };
  if (result.status === 'degraded' && due(METRICS.degraded)) push(METRICS.degraded, 1);
  if (result.status === 'fail') {
    const code = { Name: DIMENSION_CODE, Value: result.code ?? 'internal_error' };
    if (due(METRICS.failures)) push(METRICS.failures, 1, [code]);
    if (due(METRICS.stageFailures)) {
      push(METRICS.stageFailures, 1, [{ Name: DIMENSION_STAGE, Value: result.stage ?? 'config' }, code]);
    }
  }
  // Fail-open checks ran and the API refused every variant: a 0 lets the Security alarm go back to OK
  // (it keeps its state on missing data, so a probe that stops running never "recovers" it).
  if (result.code !== SECURITY_FINDING_CODE && result.exchanges.some(isRejectVariant)) {
    data.push(datum(METRICS.failures, 0, [{ Name: DIMENSION_CODE, Value: SECURITY_FINDING_CODE }]));
  }
  const tokenIssued = tokenIssuance(result);
  if (tokenIssued !== undefined && due(METRICS.tokenSuccess)) push(METRICS.tokenSuccess, tokenIssued ? 1 : 0);
  const token = result.exchanges.findLast((e) => e.name === 'token' && e.status !== null);
  if (token && due(METRICS.tokenLatency)) push(METRICS.tokenLatency, round(token.timings.totalMs));
  for (const exchange of result.exchanges) {
    if (!due(METRICS.stepLatency)) break;
    if (NON_STEP_EXCHANGES.has(exchange.name) || isRejectVariant(exchange) || exchange.status === null) continue;
    push(METRICS.stepLatency, round(exchange.timings.totalMs), [{ Name: DIMENSION_STEP, Value: exchange.name }]);
  }
  if (due(METRICS.totalLatency)) push(METRICS.totalLatency, round(result.durationMs));

  const certDays = result.exchanges.map((e) => e.certDaysLeft).filter((d): d is number => typeof d === 'number');
  const fewestCert = certDays.length > 0 ? Math.min(...certDays) : undefined;
  if (fewestCert !== undefined && due(METRICS.certificateDaysLeft, fewestCert < options.gaugeThresholdDays)) {
    push(METRICS.certificateDaysLeft, fewestCert);
  }
  const credentialDays = result.credentialDaysLeft;
  if (
    typeof credentialDays === 'number' &&
    due(METRICS.credentialDaysLeft, credentialDays < options.gaugeThresholdDays)
  ) {
    push(METRICS.credentialDaysLeft, credentialDays);
  }
  const known = [fewestCert, credentialDays].filter((d): d is number => typeof d === 'number');
  const fewest = known.length > 0 ? Math.min(...known) : undefined;
  if (fewest !== undefined && due(METRICS.expiryDaysLeft, fewest < options.gaugeThresholdDays)) {
    push(METRICS.expiryDaysLeft, fewest);
  }
  const lifetime = result.token?.expiresIn;
  // No threshold: the lifetime gauge goes out only in the gauge run of its block.
  if (typeof lifetime === 'number' && due(METRICS.tokenLifetime)) push(METRICS.tokenLifetime, lifetime);
  if (options.secretVersionDrift !== undefined && due(METRICS.secretVersionDrift)) {
    // Per region: no Probe dimension (see the catalogue).
    data.push({
      MetricName: METRICS.secretVersionDrift.name,
      Dimensions: [],
      Unit: METRICS.secretVersionDrift.unit as StandardUnit,
      Value: options.secretVersionDrift,
      Timestamp: timestamp,
    });
  }
  return data;
}

/**
 * The token-issuance SLI of a run: true when a token was issued, false when the run failed at discovery
 * or the token request (transport failures there included), undefined when the run asked the token
 * endpoint nothing: it never got that far (credentials, config), so that a broken secret does not count
 * against the provider; it reused a token (`token.reused`); or an earlier Retry-After held its request
 * (a token-stage failure with no token exchange). So TokenSuccess comes only from runs that requested a
 * token, and its SampleCount is the token requests made.
 */
export function tokenIssuance(result: ProbeResult): boolean | undefined {
  if (result.token?.reused === true) return undefined;
  if (result.status !== 'fail' || result.token !== null) return true;
  if (result.stage === 'token_validation' || result.stage === 'api') return true;
  if (result.stage === 'discovery') return false;
  if (result.stage === 'token') return result.exchanges.some((e) => e.name === 'token') ? false : undefined;
  return undefined;
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

/** One EMF directive holds at most this many metrics (EMF specification). */
export const MAX_EMF_METRICS_PER_DIRECTIVE = 100;
/** A dimension set holds at most this many dimensions (EMF specification). */
export const MAX_EMF_DIMENSIONS = 30;

/** One Embedded Metric Format object: one log line. */
export interface EmfObject {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [member: string]: unknown;
}

/**
 * The same datums as PutMetricData would send, as Embedded Metric Format objects (one log line each):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * Why not Powertools Metrics: one dependency less in the bundle, this is built from the very datum list
 * the API path sends (so names, units and dimensions cannot drift between the two transports), and every
 * datum keeps its explicit timestamp (the run's scheduled time, which duplicate deliveries rely on).
 *
 * A line carries root members (dimension values and metric values) and one directive per distinct set
 * of dimension names. A datum goes into the first line where its metric name is still free (or holds the
 * same value with another dimension set, like the Success copy by Region) and its dimension values agree
 * with the line's; so a run needs as many lines as its most repeated metric name (StepLatency per Step),
 * usually one.
 */
export function buildEmfObjects(data: readonly MetricDatum[], namespace: string): EmfObject[] {
  interface Line {
    timestamp: number;
    dims: Map<string, string>;
    values: Map<string, { value: number; unit: string }>;
    directives: Map<string, { dimensions: string[]; metrics: Set<string> }>;
  }
  const lines: Line[] = [];
  for (const datum of data) {
    const name = datum.MetricName;
    const value = typeof datum.Value === 'number' ? metricValue(datum.Value) : undefined;
    if (!name || value === undefined) continue;
    const unit = datum.Unit ?? 'None';
    const timestamp = datum.Timestamp ? new Date(datum.Timestamp).getTime() : Date.now();
    const dimensions = (datum.Dimensions ?? []).filter(
      (d): d is { Name: string; Value: string } => typeof d.Name === 'string' && typeof d.Value === 'string',
    );
    const names = dimensions.map((d) => d.Name).slice(0, MAX_EMF_DIMENSIONS);
    const key = names.join('\u0000');
    const fits = (line: Line): boolean => {
      if (line.timestamp !== timestamp) return false;
      // A metric name is one root member: free, or holding the same value for another dimension set.
      const held = line.values.get(name);
      if (held && (held.value !== value || held.unit !== unit)) return false;
      const directive = line.directives.get(key);
      if (directive?.metrics.has(name)) return false;
      if (directive && directive.metrics.size >= MAX_EMF_METRICS_PER_DIRECTIVE) return false;
      // Dimension and metric names share the root: neither may shadow the other.
      if (line.dims.has(name) || dimensions.some((d) => line.values.has(d.Name))) return false;
      return dimensions.every((d) => (line.dims.get(d.Name) ?? d.Value) === d.Value);
    };
    let line = lines.find(fits);
    if (!line) {
      line = { timestamp, dims: new Map(), values: new Map(), directives: new Map() };
      lines.push(line);
    }
    for (const d of dimensions) line.dims.set(d.Name, d.Value);
    line.values.set(name, { value, unit });
    let directive = line.directives.get(key);
    if (!directive) {
      directive = { dimensions: names, metrics: new Set() };
      line.directives.set(key, directive);
    }
    directive.metrics.add(name);
  }
  return lines.map((line) => {
    const object: EmfObject = {
      _aws: {
        Timestamp: line.timestamp,
        CloudWatchMetrics: [...line.directives.values()].map((directive) => ({
          Namespace: namespace,
          Dimensions: [directive.dimensions],
          Metrics: [...directive.metrics].map((metric) => ({ Name: metric, Unit: line.values.get(metric)!.unit })),
        })),
      },
    };
    for (const [dimension, value] of line.dims) object[dimension] = value;
    for (const [metric, { value }] of line.values) object[metric] = value;
    return object;
  });
}

export interface PublishInput {
  result: ProbeResult;
  data: MetricDatum[];
  namespace: string;
  /** The function's region. */
  region: string;
  homeRegion: string;
  scheduledTime: Date;
  /**
   * Publish the `Success`+`Region` copy for the global alarm: `hasGlobalAlarm(probe, globalFailureRegions)`.
   * @default true
   */
  regionalCopy?: boolean;
  /** @default 'putMetricData' */
  transport?: MetricsTransport;
  /** Where EMF lines go (stdout in Lambda, read by CloudWatch Logs). @default process.stdout */
  writeLine?: (line: string) => void;
  /**
   * Aborts every PutMetricData call still running when it fires (the run's publishing budget, see
   * probe-run.ts): an unanswered call is then logged as `metric_publish_failed` in time.
   */
  signal?: AbortSignal;
  /** Client of the function's region. */
  client: CloudWatchClient;
  /** Client of the home region; only used when it differs from `region`. */
  homeClient: () => CloudWatchClient;
  logger: Pick<RuntimeLogger, 'error'>;
}

export interface PublishOutcome {
  /** PutMetricData calls (and EMF writes) that succeeded / failed. */
  calls: number;
  failures: number;
  /** EMF lines written. */
  emfLines?: number;
}

/**
 * The run's data in its own region: one PutMetricData (chunked only beyond 1000 datums), or under `emf`
 * EMF lines on stdout. The `Success`+`Region` copy (only when `regionalCopy`) goes with them when this is
 * the home region, else in one PutMetricData call there (EMF cannot cross regions).
 * Retries are the SDK's (standard mode, bounded attempts on the client). Never throws.
 */
export async function publishMetrics(input: PublishInput): Promise<PublishOutcome> {
  const copy =
    input.regionalCopy === false ? undefined : buildRegionalSuccess(input.result, input.scheduledTime, input.region);
  const atHome = input.region === input.homeRegion;
  const local = atHome && copy ? [...input.data, copy] : input.data;
  const outcome: PublishOutcome = { calls: 0, failures: 0 };
  const jobs: Promise<void>[] = [
    input.transport === 'emf' ? emit(input, local, outcome) : put(input, input.client, input.region, local, outcome),
  ];
  if (copy && !atHome) {
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

async function emit(input: PublishInput, data: MetricDatum[], outcome: PublishOutcome): Promise<void> {
  const write = input.writeLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  try {
    const lines = buildEmfObjects(data, input.namespace).map((object) => JSON.stringify(object));
    for (const line of lines) write(line);
    outcome.emfLines = lines.length;
  } catch (error) {
    outcome.failures += 1;
    logFailure(input, input.region, data.length, error);
  }
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
      await client.send(
        new PutMetricDataCommand({ Namespace: input.namespace, MetricData: chunk }),
        input.signal ? { abortSignal: input.signal } : {},
      );
    } catch (error) {
      outcome.failures += 1;
      logFailure(input, region, chunk.length, error);
    }
  }
}

function logFailure(input: PublishInput, region: string, datums: number, error: unknown): void {
  const e = error as { $metadata?: { httpStatusCode?: number } } | null;
  input.logger.error('PutMetricData failed after retries', {
    event: METRIC_PUBLISH_FAILED_EVENT,
    probe: input.result.probe,
    status: input.result.status,
    namespace: input.namespace,
    targetRegion: region,
    datums,
    errorName: errorName(error),
    errorMessage: errorMessage(error)?.slice(0, 300),
    httpStatus: e?.$metadata?.httpStatusCode,
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
