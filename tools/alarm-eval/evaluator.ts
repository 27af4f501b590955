/**
 * A small model of how CloudWatch evaluates the alarms this app deploys, so that tests can replay
 * synthetic `Success` series through the very alarm definitions of a synthesized template and measure
 * when a page would go out. It covers what the app uses, nothing more:
 *
 * - metric stats `SampleCount`, `Sum`, `Average`, `Minimum`, `Maximum` over a period;
 * - metric math: numbers, ids, + - * /, comparisons, AND/OR/NOT, IF(c, a[, b]), FILL(x, v), FILL(x, REPEAT),
 *   MIN([..]), MAX([..]), TIME_SERIES(s), evaluated datapoint by datapoint (a scalar with a missing series
 *   gives no datapoint; IF drops the datapoint when its condition is missing, or false without a false
 *   value, and gives 0 when the condition holds and the true value is missing, as the metric math page's
 *   IF tables show); `FILL(x, REPEAT)` takes the most recent present value of x in the datapoints the
 *   alarm fetched (its evaluation range), and leaves the datapoint missing when there is none;
 *   `TIME_SERIES(s)` is s at every datapoint of the range ("a non-sparse time series");
 * - M of N with the evaluation range and missing-data rules of "Configuring how CloudWatch alarms treat
 *   missing data": CloudWatch reads more datapoints than N; with at least N present it judges the newest
 *   N present; with fewer, `breaching`/`notBreaching` fill the gap, `ignore` keeps the state when the
 *   answer depends on the gap, `missing` goes to INSUFFICIENT_DATA when nothing is present;
 * - evaluation every minute on a sliding window, hourly when period × N exceeds a day;
 * - composite rules of ALARM()/OK()/INSUFFICIENT_DATA(), AND, OR, NOT and parentheses.
 *
 * What the CloudWatch documentation leaves open is a `Readings` parameter, so that a test can replay an
 * alarm under every reading instead of the one the author happened to believe (see `Readings`).
 *
 * Time is in whole minutes. A sample stamped at minute m is first seen by the evaluation at m + lag (1 by
 * default: the run publishes within its minute), so every detection time includes that minute of lag.
 *
 * Hand-written on purpose: no library models alarm evaluation, and AWS offers no offline evaluator.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface MetricStatQuery {
  Id: string;
  MetricStat: {
    Metric: { MetricName: string; Namespace?: string; Dimensions?: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
  ReturnData?: boolean;
}

export interface ExpressionQuery {
  Id: string;
  Expression: string;
  ReturnData?: boolean;
}

export type MetricQuery = MetricStatQuery | ExpressionQuery;

/** The properties of an `AWS::CloudWatch::Alarm` this model reads. */
export interface MetricAlarmDefinition {
  AlarmName: string;
  /** Single-metric alarms. */
  MetricName?: string;
  Dimensions?: { Name: string; Value: string }[];
  Statistic?: string;
  Period?: number;
  /** Metric-math alarms. */
  Metrics?: MetricQuery[];
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}

/** Samples of one series by minute (undefined: no sample that minute). Several samples: an array. */
export type Series = Map<number, number[]>;

/** Looks a series up by metric name and dimensions. */
export type SeriesSource = (metricName: string, dimensions: { Name: string; Value: string }[]) => Series | undefined;

const DAY_MINUTES = 24 * 60;

/**
 * The answers to what the CloudWatch documentation does not say. An alarm whose verdicts hold under
 * every combination (`ALL_READINGS`) does not depend on them.
 */
export interface Readings {
  /**
   * Datapoints an evaluation fetches beyond `EvaluationPeriods` (its evaluation range is N + this). The
   * missing-data page's example reads 5 for N = 3 (+2); AWS says only that it reads "more".
   */
  extraDatapoints: number;
  /**
   * `FILL(x, value)` when x has no datapoint at all in the fetched range: `filled` (every datapoint is
   * the value) or `empty` (nothing to fill, the result stays empty). FILL of a series with at least one
   * datapoint fills its gaps either way; REPEAT has nothing to repeat in an empty series either way.
   */
  fillEmpty: 'filled' | 'empty';
  /**
   * A binary operator (+ - * /, comparisons, AND/OR) between two series where one has no datapoint at a
   * timestamp (an empty series has none at any): `zero` takes the missing value as 0 (what the metric
   * math page says of arithmetic and comparisons), `drop` leaves no datapoint (an empty operand empties
   * the result). A scalar with a missing series gives no datapoint under both.
   */
  missingOperand: 'drop' | 'zero';
  /**
   * Minutes after its timestamp's minute before a sample is seen by an evaluation: 1 (published within
   * its minute) or more (the delay the FILL entry of the metric math page warns about: the newest
   * period then always looks empty to FILL).
   */
  publishLagMinutes: number;
}

/** The model's historical answers: N + 2, FILL fills an empty series, a missing operand drops the datapoint. */
export const DEFAULT_READINGS: Readings = {
  extraDatapoints: 2,
  fillEmpty: 'filled',
  missingOperand: 'drop',
  publishLagMinutes: 1,
};

/** Evaluation ranges replayed: N + 2 (the documentation's example), N + 5 and N + 10. */
export const RANGE_READINGS = [2, 5, 10] as const;

/** Every combination of the readings: the evaluation ranges, FILL of an empty series, a missing operand, lag 1 or 2 min. */
export const ALL_READINGS: readonly Readings[] = RANGE_READINGS.flatMap((extraDatapoints) =>
  (['filled', 'empty'] as const).flatMap((fillEmpty) =>
    (['drop', 'zero'] as const).flatMap((missingOperand) =>
      [1, 2].map((publishLagMinutes) => ({ extraDatapoints, fillEmpty, missingOperand, publishLagMinutes })),
    ),
  ),
);

/** `N+5, FILL(empty)=empty, missing operand=zero, lag 1 min`: a reading in a test title. */
export function describeReadings(readings: Readings): string {
  return `N+${readings.extraDatapoints}, FILL(empty)=${readings.fillEmpty}, missing operand=${readings.missingOperand}, lag ${readings.publishLagMinutes} min`;
}

// --- Metric stats --------------------------------------------------------------------------------

/** Running count and sum of a series by minute, so that day-long windows cost two lookups. */
const prefixes = new WeakMap<Series, { count: number[]; sum: number[]; size: number }>();

function prefix(series: Series): { count: number[]; sum: number[]; size: number } {
  let cached = prefixes.get(series);
  if (!cached) {
    if ([...series.keys()].some((minute) => minute < 0 || !Number.isInteger(minute))) {
      throw new Error('series are keyed by whole, non-negative minutes');
    }
    const size = Math.max(0, ...series.keys()) + 1;
    const count = [0];
    const sum = [0];
    for (let minute = 0; minute < size; minute++) {
      const samples = series.get(minute) ?? [];
      count.push(count[minute]! + samples.length);
      sum.push(sum[minute]! + samples.reduce((a, b) => a + b, 0));
    }
    cached = { count, sum, size };
    prefixes.set(series, cached);
  }
  return cached;
}

/** The statistic of the samples in [from, to) minutes, or undefined when there are none. */
export function statistic(series: Series | undefined, stat: string, from: number, to: number): number | undefined {
  if (!series) return undefined;
  if (stat === 'SampleCount' || stat === 'Sum' || stat === 'Average') {
    const { count, sum, size } = prefix(series);
    const at = (array: number[], minute: number) => array[Math.min(Math.max(minute, 0), size)]!;
    const n = at(count, to) - at(count, from);
    if (n === 0) return undefined;
    const total = at(sum, to) - at(sum, from);
    return stat === 'SampleCount' ? n : stat === 'Sum' ? total : total / n;
  }
  const values: number[] = [];
  for (let minute = from; minute < to; minute++) {
    const samples = series.get(minute);
    if (samples) values.push(...samples);
  }
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    default:
      throw new Error(`statistic ${stat} is not modelled`);
  }
}

// --- Metric math ---------------------------------------------------------------------------------

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };
type Node =
  | { type: 'num'; value: number }
  | { type: 'ref'; id: string }
  | { type: 'array'; items: Node[] }
  | { type: 'call'; name: string; args: Node[] }
  | { type: 'unary'; op: string; arg: Node }
  | { type: 'binary'; op: string; left: Node; right: Node };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|&&|\|\||[-+*/(),[\]<>!]))/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) throw new Error(`cannot read metric math at ${index}: ${expression}`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'id', value: match[2] });
    else tokens.push({ kind: 'op', value: match[3]! });
  }
  return tokens;
}

/** Precedence climbing over OR < AND < comparison < + - < * / < unary. */
export function parseExpression(expression: string): Node {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const isOp = (value: string) => {
    const token = peek();
    return token !== undefined && token.kind !== 'num' && token.value.toUpperCase() === value;
  };
  const expect = (value: string) => {
    if (!isOp(value)) throw new Error(`expected "${value}" in ${expression}`);
    position++;
  };
  const levels: string[][] = [
    ['OR', '||'],
    ['AND', '&&'],
    ['>=', '<=', '>', '<', '==', '!='],
    ['+', '-'],
    ['*', '/'],
  ];
  const binary = (level: number): Node => {
    if (level === levels.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const op = levels[level]!.find((candidate) => isOp(candidate));
      if (!op) return left;
      position++;
      left = { type: 'binary', op: normalise(op), left, right: binary(level + 1) };
    }
  };
  const unary = (): Node => {
    if (isOp('-') || isOp('NOT') || isOp('!')) {
      const op = peek()!.value === '-' ? '-' : 'NOT';
      position++;
      return { type: 'unary', op, arg: unary() };
    }
    return primary();
  };
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    if (isOp(close)) return items;
    for (;;) {
      items.push(binary(0));
      if (!isOp(',')) return items;
      position++;
    }
  };
  const primary = (): Node => {
    const token = tokens[position++];
    if (!token) throw new Error(`unexpected end of ${expression}`);
    if (token.kind === 'num') return { type: 'num', value: token.value };
    if (token.kind === 'op' && token.value === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    if (token.kind === 'op' && token.value === '[') {
      const items = list(']');
      expect(']');
      return { type: 'array', items };
    }
    if (token.kind === 'id') {
      if (isOp('(')) {
        position++;
        const args = list(')');
        expect(')');
        return { type: 'call', name: token.value.toUpperCase(), args };
      }
      return { type: 'ref', id: token.value };
    }
    throw new Error(`unexpected "${token.value}" in ${expression}`);
  };
  const tree = binary(0);
  if (position !== tokens.length) throw new Error(`unexpected "${tokens[position]?.value}" in ${expression}`);
  return tree;
}

function normalise(op: string): string {
  return op === '&&' ? 'AND' : op === '||' ? 'OR' : op;
}

/**
 * The datapoint of a query id for one period, within one evaluation. `earlier` is the same for the period
 * before, or undefined past the oldest datapoint the alarm fetched: it is what `FILL(x, REPEAT)` walks
 * back on. `range` lists every period of the fetched range (what `FILL` of an empty series looks at);
 * without it the series counts as having data.
 */
export type Lookup = ((id: string) => number | undefined) & {
  earlier?: () => Lookup | undefined;
  range?: () => readonly Lookup[];
};

const seriesNodes = new WeakMap<Node, boolean>();

/** True when a node is a time series (a metric, an expression id, a function of series), false for a scalar. */
function isSeries(node: Node): boolean {
  let known = seriesNodes.get(node);
  if (known === undefined) {
    switch (node.type) {
      case 'num':
        known = false;
        break;
      case 'unary':
        known = isSeries(node.arg);
        break;
      case 'binary':
        known = isSeries(node.left) || isSeries(node.right);
        break;
      default:
        known = true;
    }
    seriesNodes.set(node, known);
  }
  return known;
}

/** One datapoint of an expression; `lookup` gives the datapoint of another query id. */
export function evaluateNode(node: Node, lookup: Lookup, readings: Readings = DEFAULT_READINGS): number | undefined {
  switch (node.type) {
    case 'num':
      return node.value;
    case 'ref':
      return lookup(node.id);
    case 'array':
      throw new Error('an array is only an argument of MIN/MAX');
    case 'unary': {
      const value = evaluateNode(node.arg, lookup, readings);
      if (value === undefined) return undefined;
      return node.op === '-' ? -value : value === 0 ? 1 : 0;
    }
    case 'binary': {
      let left = evaluateNode(node.left, lookup, readings);
      let right = evaluateNode(node.right, lookup, readings);
      if (
        readings.missingOperand === 'zero' &&
        (left === undefined) !== (right === undefined) &&
        isSeries(node.left) &&
        isSeries(node.right)
      ) {
        left ??= 0;
        right ??= 0;
      }
      return binaryValue(node.op, left, right);
    }
    case 'call':
      return callValue(node, lookup, readings);
  }
}

function binaryValue(op: string, left: number | undefined, right: number | undefined): number | undefined {
  if (left === undefined || right === undefined) return undefined;
  switch (op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      // CloudWatch drops a datapoint divided by zero.
      return right === 0 ? undefined : left / right;
    case '>=':
      return left >= right ? 1 : 0;
    case '<=':
      return left <= right ? 1 : 0;
    case '>':
      return left > right ? 1 : 0;
    case '<':
      return left < right ? 1 : 0;
    case '==':
      return left === right ? 1 : 0;
    case '!=':
      return left !== right ? 1 : 0;
    case 'AND':
      return left !== 0 && right !== 0 ? 1 : 0;
    case 'OR':
      return left !== 0 || right !== 0 ? 1 : 0;
    default:
      throw new Error(`operator ${op} is not modelled`);
  }
}

function callValue(node: Extract<Node, { type: 'call' }>, lookup: Lookup, readings: Readings) {
  const [first, second, third] = node.args;
  switch (node.name) {
    case 'FILL': {
      const value = evaluateNode(first!, lookup, readings);
      if (value !== undefined) return value;
      if (second?.type === 'ref' && second.id.toUpperCase() === 'REPEAT') return repeated(first!, lookup, readings);
      if (readings.fillEmpty === 'empty' && !presentInRange(first!, lookup, readings)) return undefined;
      return evaluateNode(second!, lookup, readings);
    }
    case 'IF': {
      const condition = evaluateNode(first!, lookup, readings);
      if (condition === undefined) return undefined;
      // "has the value of 0, if the corresponding data point of metric1 is TRUE and the corresponding data
      // point does not exist in metric2" (metric math page, IF tables).
      if (condition !== 0) return evaluateNode(second!, lookup, readings) ?? 0;
      return third ? evaluateNode(third, lookup, readings) : undefined;
    }
    case 'MIN':
    case 'MAX': {
      const items = first?.type === 'array' ? first.items : node.args;
      const values = items
        .map((item) => evaluateNode(item, lookup, readings))
        .filter((v): v is number => v !== undefined);
      if (values.length === 0) return undefined;
      return node.name === 'MIN' ? Math.min(...values) : Math.max(...values);
    }
    case 'TIME_SERIES': {
      if (!first || isSeries(first)) throw new Error('TIME_SERIES takes one scalar');
      return evaluateNode(first, lookup, readings);
    }
    default:
      throw new Error(`function ${node.name} is not modelled`);
  }
}

/** The newest present value of `node` before this datapoint, within the fetched range. */
function repeated(node: Node, lookup: Lookup, readings: Readings): number | undefined {
  for (let before = lookup.earlier?.(); before; before = before.earlier?.()) {
    const value = evaluateNode(node, before, readings);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** True when `node` has a datapoint somewhere in the fetched range. */
function presentInRange(node: Node, lookup: Lookup, readings: Readings): boolean {
  const periods = lookup.range?.();
  if (!periods) return true;
  return periods.some((period) => evaluateNode(node, period, readings) !== undefined);
}

// --- Metric alarms -------------------------------------------------------------------------------

/**
 * The alarm's datapoints in the range an evaluation at minute `t` fetches, newest first: N + the extra
 * datapoints of the reading, the newest period ending (exclusive) at `t`. A sample is counted only once
 * the evaluation can see it (`publishLagMinutes`).
 */
export function rangeDatapoints(
  alarm: MetricAlarmDefinition,
  source: SeriesSource,
  t: number,
  readings: Readings = DEFAULT_READINGS,
): (number | undefined)[] {
  const periodMinutes = alarmPeriodMinutes(alarm);
  const size = alarm.EvaluationPeriods + readings.extraDatapoints;
  const ends = Array.from({ length: size }, (_, i) => t - i * periodMinutes);
  // Samples stamped at minute m are seen from m + lag on: the window stops before t - lag + 1.
  const visibleBefore = t - readings.publishLagMinutes + 1;
  const stat = (name: string, dimensions: { Name: string; Value: string }[], how: string, end: number) =>
    statistic(source(name, dimensions), how, end - periodMinutes, Math.min(end, visibleBefore));
  if (!alarm.Metrics) return ends.map((end) => stat(alarm.MetricName!, alarm.Dimensions ?? [], alarm.Statistic!, end));
  const byId = new Map(alarm.Metrics.map((query) => [query.Id, query]));
  const cache = new Map<string, number | undefined>();
  const lookups: Lookup[] = ends.map((periodEnd, index) => {
    const lookup: Lookup = (id: string): number | undefined => {
      const key = `${id}@${periodEnd}`;
      if (cache.has(key)) return cache.get(key);
      const query = byId.get(id);
      if (!query) throw new Error(`unknown metric id ${id} in ${alarm.AlarmName}`);
      const value =
        'MetricStat' in query
          ? stat(
              query.MetricStat.Metric.MetricName,
              query.MetricStat.Metric.Dimensions ?? [],
              query.MetricStat.Stat,
              periodEnd,
            )
          : evaluateNode(parsedExpression(query.Expression), lookup, readings);
      cache.set(key, value);
      return value;
    };
    lookup.earlier = () => lookups[index + 1];
    lookup.range = () => lookups;
    return lookup;
  });
  const returned = alarm.Metrics.filter((query) => query.ReturnData !== false);
  if (returned.length !== 1) throw new Error(`${alarm.AlarmName} must return exactly one query`);
  return lookups.map((lookup) => lookup(returned[0]!.Id));
}

const parsedExpressions = new Map<string, Node>();

function parsedExpression(expression: string): Node {
  let tree = parsedExpressions.get(expression);
  if (!tree) {
    tree = parseExpression(expression);
    parsedExpressions.set(expression, tree);
  }
  return tree;
}

export function alarmPeriodMinutes(alarm: MetricAlarmDefinition): number {
  const seconds =
    alarm.Period ?? alarm.Metrics?.find((query): query is MetricStatQuery => 'MetricStat' in query)?.MetricStat.Period;
  if (!seconds) throw new Error(`${alarm.AlarmName} has no period`);
  return seconds / 60;
}

/** True when the alarm is looked at at minute `t` (every minute; hourly beyond a day of range). */
export function evaluatesAt(alarm: MetricAlarmDefinition, t: number): boolean {
  return alarmPeriodMinutes(alarm) * alarm.EvaluationPeriods <= DAY_MINUTES || t % 60 === 0;
}

export function breaches(alarm: MetricAlarmDefinition, value: number): boolean {
  switch (alarm.ComparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.Threshold;
    case 'GreaterThanThreshold':
      return value > alarm.Threshold;
    case 'LessThanThreshold':
      return value < alarm.Threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.Threshold;
    default:
      throw new Error(`comparison ${alarm.ComparisonOperator} is not modelled`);
  }
}

/**
 * The state M of N gives for datapoints newest first (`undefined` = missing), under the alarm's
 * missing-data treatment, from the state it was in.
 */
export function judge(
  alarm: Pick<MetricAlarmDefinition, 'EvaluationPeriods' | 'DatapointsToAlarm' | 'TreatMissingData'>,
  breachingNewestFirst: (boolean | undefined)[],
  previous: AlarmState,
): AlarmState {
  const n = alarm.EvaluationPeriods;
  const m = alarm.DatapointsToAlarm ?? n;
  const present = breachingNewestFirst.filter((b): b is boolean => b !== undefined);
  if (present.length >= n) return present.slice(0, n).filter(Boolean).length >= m ? 'ALARM' : 'OK';
  const gap = n - present.length;
  const breaching = present.filter(Boolean).length;
  switch (alarm.TreatMissingData ?? 'missing') {
    case 'breaching':
      return breaching + gap >= m ? 'ALARM' : 'OK';
    case 'notBreaching':
      return breaching >= m ? 'ALARM' : 'OK';
    case 'ignore':
    case 'missing':
      if (present.length === 0) return alarm.TreatMissingData === 'ignore' ? previous : 'INSUFFICIENT_DATA';
      if (breaching >= m) return 'ALARM';
      if (breaching + gap < m) return 'OK';
      return previous;
  }
}

/** The state of a metric alarm evaluated at minute `t`. */
export function evaluateMetricAlarm(
  alarm: MetricAlarmDefinition,
  source: SeriesSource,
  t: number,
  previous: AlarmState,
  readings: Readings = DEFAULT_READINGS,
): AlarmState {
  const flags = rangeDatapoints(alarm, source, t, readings).map((value) =>
    value === undefined ? undefined : breaches(alarm, value),
  );
  return judge(alarm, flags, previous);
}

// --- Composite alarms ----------------------------------------------------------------------------

/** A composite rule over alarm names: ALARM("x") AND (OK("y") OR NOT ALARM("z")). */
export function evaluateRule(rule: string, states: (name: string) => AlarmState): boolean {
  const js = rule.replace(/\b(ALARM|OK|INSUFFICIENT_DATA)\("([^"]+)"\)/g, (_, state: string, name: string) =>
    states(name) === state ? ' T ' : ' F ',
  );
  const tokens = js.match(/\(|\)|\bAND\b|\bOR\b|\bNOT\b|\bT\b|\bF\b|TRUE|FALSE/g) ?? [];
  let position = 0;
  const or = (): boolean => {
    let value = and();
    while (tokens[position] === 'OR') {
      position++;
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = not();
    while (tokens[position] === 'AND') {
      position++;
      value = not() && value;
    }
    return value;
  };
  const not = (): boolean => {
    if (tokens[position] === 'NOT') {
      position++;
      return !not();
    }
    const token = tokens[position++];
    if (token === '(') {
      const value = or();
      position++;
      return value;
    }
    return token === 'T' || token === 'TRUE';
  };
  return or();
}
