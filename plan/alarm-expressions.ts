/**
 * The Stopped and Global alarms as pure data: the metric math, the metrics it reads, threshold,
 * comparison, M of N and missing-data rule. lib/ renders these into `AWS::CloudWatch::Alarm` resources
 * and tools/alarm-eval replays the very same definitions (test/tools/alarm-eval/alarm-expressions.test.ts)
 * under every reading of what the CloudWatch documentation leaves open:
 *
 * - the evaluation range: an alarm fetches more datapoints than `EvaluationPeriods` (N + 2 in the
 *   missing-data page's example; AWS says only "more"), and under `breaching` a real non-breaching
 *   datapoint anywhere in that range outweighs the filler, so a plain "SampleCount < 1, missing =
 *   breaching" alarm fires only once the last run has left the whole range (N + 2 periods, or never in
 *   practice if the range is longer);
 * - `FILL(x, value)` of a series with no datapoint in the whole range: filled, or left empty;
 * - an arithmetic operand with no datapoint: taken as 0 (what the metric math page says of missing
 *   values), or emptying the result;
 * - a datapoint published late, so that the newest period always looks empty to FILL (the caveat in the
 *   metric math page's FILL entry).
 *
 * Functions used and the "AWS advises against" list: these expressions use FILL (with a constant and
 * with REPEAT), IF, TIME_SERIES and arithmetic, none of which is on the list (RUNNING_SUM,
 * DATAPOINT_COUNT, single-series MAX/MIN/STDDEV/SUM/AVG, REMOVE_EMPTY). What the list warns about, that
 * a function "acts differently when extra data is requested", applies to REPEAT and TIME_SERIES too
 * (both see the whole fetched range); each use below says why its verdict is the same however many
 * extra datapoints are fetched.
 *
 * No imports beyond functions/contract: plan/ is pure (no aws-cdk-lib, zod or AWS SDK).
 */
import { DIMENSION_PROBE, DIMENSION_REGION, METRICS } from '../functions/contract/index.js';

/** CloudWatch: metrics in one alarm's metric math (the Global alarm reads one per region). */
export const MAX_ALARM_METRICS = 10;
/** CloudWatch: characters of one metric math expression. */
export const MAX_EXPRESSION_CHARS = 2_048;

export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** One metric the expression reads, by its id in the expression. */
export interface AlarmMetricRead {
  id: string;
  namespace: string;
  metricName: string;
  /** Dimension name → value. */
  dimensions: Readonly<Record<string, string>>;
  statistic: 'SampleCount' | 'Minimum';
  periodMinutes: number;
  /** Legend label (the region, for the Global alarm's copies). */
  label?: string;
}

/** What CloudFormation needs for a metric-math alarm, apart from its name, description and actions. */
export interface MathAlarmDefinition {
  /** Id of the expression among the alarm's queries. */
  expressionId: string;
  expression: string;
  /** Label of the expression (graphs, the alarm's console page). */
  label: string;
  metrics: readonly AlarmMetricRead[];
  periodMinutes: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
}

export interface StoppedAlarmInput {
  /** CloudWatch namespace of the probe's metrics (config `metrics.namespace`). */
  namespace: string;
  probe: string;
  /** The probe's schedule interval in minutes (one run per period): `scheduleIntervalMinutes(schedule)`. */
  periodMinutes: number;
  /** Config `alarms.missingRunsPeriods`: empty periods in a row that raise the alarm. */
  missingRunsPeriods: number;
}

/**
 * "The probe stopped running" in one region: no run in `missingRunsPeriods` periods in a row.
 *
 * `runs` is the SampleCount of `Success` per period (a passing, degraded or failing run all count; a
 * duplicate delivery counts once or twice, either is ≥ 1). The expression
 *
 *     IF(FILL(runs, REPEAT), FILL(runs, 0))
 *
 * - `FILL(runs, 0)` turns every period without a run into a real datapoint 0, so the alarm judges real
 *   datapoints and "N of N below 1" means N empty periods, whatever the evaluation range: the newest N
 *   datapoints decide as soon as N are present. It fires `missingRunsPeriods` periods (+ the minute a
 *   run takes to be seen) after the last run, under every range reading.
 * - The gate `FILL(runs, REPEAT)` exists only from the first run inside the fetched range on (there is
 *   nothing to repeat before it; it is ≥ 1, so true, wherever it exists). Before the probe's first run
 *   the expression has no datapoint at all, whichever way FILL treats an empty series, so a new alarm
 *   stays INSUFFICIENT_DATA (nothing notifies at deploy) and goes to OK with the first run
 *   (INSUFFICIENT_DATA → OK is never notified).
 * - Missing data `ignore`: once the last run has left the fetched range there is no datapoint again, and
 *   the alarm keeps its state: a probe stopped long ago stays in ALARM; it goes back to OK with the
 *   first run that is seen.
 *
 * Range independence, against the "extra datapoints" warning: how far back the gate opens depends on
 * the range, but only datapoints older than the newest run do; with a run inside the newest N periods
 * the alarm is OK under every range (that run is present and not breaching, and fewer than N present
 * datapoints cannot all breach once one of them is that run), and with none it is ALARM as soon as the
 * range reaches back to a run at all (N + 1 periods, which every range has).
 *
 * What remains: a probe that never runs after deploy keeps this alarm in INSUFFICIENT_DATA forever; the
 * watchdog (functions/runtime/watchdog) withholds its heartbeat for a Stopped alarm stuck there past a
 * grace period after its creation. With a publishing delay that leaves the newest period empty at
 * evaluation time, FILL counts the run still in flight as missing, so the alarm can fire after
 * N - 1 missed runs (never later): keep `missingRunsPeriods` ≥ 2 (the default is 3).
 */
export function stoppedAlarm(input: StoppedAlarmInput): MathAlarmDefinition {
  const n = input.missingRunsPeriods;
  return {
    expressionId: 'stopped',
    expression: 'IF(FILL(runs, REPEAT), FILL(runs, 0))',
    label: 'Runs per period (none before the first run)',
    metrics: [
      {
        id: 'runs',
        namespace: input.namespace,
        metricName: METRICS.success.name,
        dimensions: { [DIMENSION_PROBE]: input.probe },
        statistic: 'SampleCount',
        periodMinutes: input.periodMinutes,
      },
    ],
    periodMinutes: input.periodMinutes,
    threshold: 1,
    comparisonOperator: 'LessThanThreshold',
    evaluationPeriods: n,
    datapointsToAlarm: n,
    treatMissingData: 'ignore',
  };
}

/**
 * Minutes from a probe's last run to its Stopped alarm, at most, under every reading: the empty periods
 * plus the minute a run takes to be seen.
 */
export function stoppedDetectionMinutes(input: Pick<StoppedAlarmInput, 'periodMinutes' | 'missingRunsPeriods'>) {
  return input.periodMinutes * input.missingRunsPeriods + 1;
}

export interface GlobalAlarmInput {
  namespace: string;
  probe: string;
  /** The probe's regions, in config order (metric ids r0, r1, ...). At most MAX_ALARM_METRICS. */
  regions: readonly string[];
  periodMinutes: number;
  /** Config `globalFailureRegions`: regions failing at once that page. */
  globalFailureRegions: number;
  /** The probe's `alarms.evaluationPeriods` and `alarms.datapointsToAlarm` (M of N, as Availability). */
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

/**
 * "Failing from `globalFailureRegions` (N) or more regions at once", in the home region, from the
 * `Success`+`Region` copies (Minimum: 0 when a run of that period failed). Silence never reads as
 * recovery, whichever way FILL and a sum treat a region with no datapoint.
 *
 * Per region i, `FILL(ri, REPEAT)` is its last reported verdict within the fetched range (1 passed,
 * 0 failed), missing when it reported nothing there. Each region then counts in exactly one of three
 * ways, every one of them a datapoint at every period:
 *
 *     failing_i = IF(TIME_SERIES(1), 1 - FILL(ri, REPEAT), 0)     1 when its last verdict failed
 *     passing_i = IF(TIME_SERIES(1), FILL(ri, REPEAT), 0)         1 when its last verdict passed
 *
 * `IF(TIME_SERIES(1), x, 0)` is x where x has a datapoint and 0 where it has none: the IF tables of the
 * metric math page ("0 if metric1 is TRUE and the data point does not exist in metric2") over a condition
 * that exists at every timestamp ("a non-sparse time series"). Unlike `FILL(x, 0)`, it does not depend
 * on how FILL treats a series that is empty in the whole range, and since every term exists at every
 * period, the sums below never meet an empty operand. So with R regions, F = Σ failing_i and
 * P = Σ passing_i:
 *
 *     IF(F >= N OR P > R - N, F)
 *
 * is F only when evidence decides: failing regions alone reach N (ALARM), or so many regions are known
 * to pass that even every other region failing would stay under N (R - P < N: OK). Otherwise no
 * datapoint, and with missing data `ignore` the alarm keeps its state: regions that fail and then fall
 * silent keep it in ALARM, a region silent for hours neither blocks an ALARM of the others nor counts as
 * passing, and only passing runs bring it back to OK. The unknown regions are counted with the
 * constant R (R - P), never as a sum over FILLed silent regions.
 *
 * Range independence: REPEAT carries a verdict as far back as the fetched range reaches, so a longer
 * range keeps a silent region's last verdict longer; while it is carried the verdict is evidence, and
 * once it has left the range the region is unknown, which can only remove the datapoint (keep the
 * state), never turn it into OK. TIME_SERIES(1) is 1 at every fetched datapoint, whatever their number.
 */
export function globalAlarm(input: GlobalAlarmInput): MathAlarmDefinition {
  const { regions, globalFailureRegions: n } = input;
  if (regions.length === 0 || regions.length > MAX_ALARM_METRICS) {
    throw new RangeError(
      `the Global alarm of ${input.probe} reads one metric per region: ${regions.length} regions, CloudWatch takes 1 to ${MAX_ALARM_METRICS}`,
    );
  }
  const ids = regions.map((_, index) => `r${index}`);
  const sum = (term: (id: string) => string) => ids.map(term).join(' + ');
  const failing = sum((id) => `IF(TIME_SERIES(1), 1 - FILL(${id}, REPEAT), 0)`);
  const passing = sum((id) => `IF(TIME_SERIES(1), FILL(${id}, REPEAT), 0)`);
  const expression = `IF((${failing}) >= ${n} OR (${passing}) > ${regions.length - n}, ${failing})`;
  if (expression.length > MAX_EXPRESSION_CHARS) {
    throw new RangeError(
      `the Global alarm of ${input.probe} is ${expression.length} characters of metric math; CloudWatch takes ${MAX_EXPRESSION_CHARS}`,
    );
  }
  return {
    expressionId: 'failingRegions',
    expression,
    label: 'Failing regions',
    metrics: regions.map((region, index) => ({
      id: ids[index]!,
      namespace: input.namespace,
      metricName: METRICS.regionalSuccess.name,
      dimensions: { [DIMENSION_PROBE]: input.probe, [DIMENSION_REGION]: region },
      statistic: 'Minimum',
      periodMinutes: input.periodMinutes,
      label: region,
    })),
    periodMinutes: input.periodMinutes,
    threshold: n,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: input.evaluationPeriods,
    datapointsToAlarm: input.datapointsToAlarm,
    treatMissingData: 'ignore',
  };
}

/** One entry of `AWS::CloudWatch::Alarm` `Metrics` (a MetricDataQuery). */
export type AlarmMetricQuery =
  | {
      Id: string;
      Label?: string;
      ReturnData: false;
      MetricStat: {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
        Period: number;
        Stat: string;
      };
    }
  | { Id: string; Label: string; ReturnData: true; Expression: string };

/** The `AWS::CloudWatch::Alarm` properties of a definition (without description and actions). */
export interface MathAlarmProperties {
  AlarmName: string;
  Metrics: AlarmMetricQuery[];
  Threshold: number;
  ComparisonOperator: ComparisonOperator;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: TreatMissingData;
}

/** A definition as CloudFormation properties: what a `CfnAlarm` takes, and what tools/alarm-eval replays. */
export function alarmProperties(alarmName: string, definition: MathAlarmDefinition): MathAlarmProperties {
  return {
    AlarmName: alarmName,
    Metrics: [
      ...definition.metrics.map(
        (metric): AlarmMetricQuery => ({
          Id: metric.id,
          ...(metric.label ? { Label: metric.label } : {}),
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: metric.namespace,
              MetricName: metric.metricName,
              Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: metric.periodMinutes * 60,
            Stat: metric.statistic,
          },
        }),
      ),
      { Id: definition.expressionId, Label: definition.label, ReturnData: true, Expression: definition.expression },
    ],
    Threshold: definition.threshold,
    ComparisonOperator: definition.comparisonOperator,
    EvaluationPeriods: definition.evaluationPeriods,
    DatapointsToAlarm: definition.datapointsToAlarm,
    TreatMissingData: definition.treatMissingData,
  };
}
