/**
 * The alarm evaluator against the CloudWatch documentation's own examples:
 * - "Configuring how CloudWatch alarms treat missing data" (alarms-and-missing-data): the table for an
 *   alarm with 3 evaluation periods and 3 datapoints to alarm, read over an evaluation range of 5
 *   datapoints (0 = not breaching, X = breaching, - = missing; oldest first as the table prints them);
 * - "Evaluating an alarm": M of N, e.g. 3 out of 5;
 * - "Using metric math" functions: FILL, IF (with and without a false value, and its tables for a missing
 *   true value), MIN/MAX of arrays, TIME_SERIES, arithmetic, and a division by zero leaving no datapoint;
 *   FILL(x, REPEAT) as the metric math page describes it (the most recent real value), bounded by the
 *   datapoints the alarm fetched;
 * - the readings of what the documentation leaves open (`Readings`): each one changes what it says it
 *   changes, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_READINGS,
  DEFAULT_READINGS,
  evaluateMetricAlarm,
  evaluateNode,
  evaluateRule,
  judge,
  type Lookup,
  type MetricAlarmDefinition,
  parseExpression,
  RANGE_READINGS,
  type Readings,
  rangeDatapoints,
  statistic,
} from '../../../tools/alarm-eval/evaluator.js';

const flags = (row: string): (boolean | undefined)[] =>
  row
    .split(' ')
    .reverse()
    .map((cell) => (cell === 'X' ? true : cell === '0' ? false : undefined));
const threeOfThree = (treat: MetricAlarmDefinition['TreatMissingData']) => ({
  EvaluationPeriods: 3,
  DatapointsToAlarm: 3,
  TreatMissingData: treat,
});

describe('missing data: the documentation table (3 of 3, 5 datapoints read)', () => {
  // Rows whose outcome follows from "CloudWatch reads more datapoints than N and judges the newest N
  // present; only when fewer than N are present does the treatment fill the gap".
  it.each([
    ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
    ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
    ['- - - - -', 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
    ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ] as const)(
    '%s → missing %s, ignore %s, breaching %s, notBreaching %s',
    (row, missing, ignore, breaching, notBreaching) => {
      const previous = 'ALARM';
      expect(judge(threeOfThree('missing'), flags(row), previous)).toBe(missing);
      expect(judge(threeOfThree('ignore'), flags(row), previous)).toBe(ignore === 'retain' ? previous : ignore);
      expect(judge(threeOfThree('ignore'), flags(row), 'OK')).toBe(ignore === 'retain' ? 'OK' : ignore);
      expect(judge(threeOfThree('breaching'), flags(row), previous)).toBe(breaching);
      expect(judge(threeOfThree('notBreaching'), flags(row), previous)).toBe(notBreaching);
    },
  );
});

describe('M of N', () => {
  it('3 out of 5 datapoints breaching alarms; 2 out of 5 does not', () => {
    const alarm = { EvaluationPeriods: 5, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching' as const };
    expect(judge(alarm, [true, false, true, false, true], 'OK')).toBe('ALARM');
    expect(judge(alarm, [true, false, false, false, true], 'ALARM')).toBe('OK');
    // Only the newest N count.
    expect(judge(alarm, [false, false, false, true, true, true, true], 'OK')).toBe('OK');
  });
});

describe('metric math', () => {
  const value = (expression: string, values: Record<string, number | undefined>) =>
    evaluateNode(parseExpression(expression), (id) => values[id]);

  it('FILL replaces a missing datapoint, and only a missing one', () => {
    expect(value('FILL(m1, 0)', { m1: undefined })).toBe(0);
    expect(value('FILL(m1, 0)', { m1: 7 })).toBe(7);
  });

  it('FILL(x, REPEAT) carries the newest earlier value forward, within the fetched datapoints only', () => {
    // Newest first: this period, then the ones before it, as far back as the alarm fetched.
    const periods = (...rows: (number | undefined)[]) => {
      const at = (index: number): Lookup | undefined => {
        if (index >= rows.length) return undefined;
        const lookup: Lookup = (id) => (id === 'm1' ? rows[index] : undefined);
        lookup.earlier = () => at(index + 1);
        return lookup;
      };
      return at(0)!;
    };
    const repeat = (lookup: Lookup) => evaluateNode(parseExpression('FILL(FILL(m1, REPEAT), 1)'), lookup);
    expect(repeat(periods(undefined, undefined, 0, 1))).toBe(0);
    expect(repeat(periods(1, 0))).toBe(1);
    expect(repeat(periods(undefined, undefined))).toBe(1);
    expect(evaluateNode(parseExpression('FILL(m1, REPEAT)'), periods(undefined, undefined))).toBeUndefined();
  });

  it('IF with and without a false value', () => {
    expect(value('IF(m1 > 100, 1, 0)', { m1: 150 })).toBe(1);
    expect(value('IF(m1 > 100, 1, 0)', { m1: 50 })).toBe(0);
    expect(value('IF(m1 > 100, m1)', { m1: 50 })).toBeUndefined();
    expect(value('IF(m1 AND m2, 1, 0)', { m1: 1, m2: 0 })).toBe(0);
    expect(value('IF(m1 > 1 || m2 > 1, 1, 0)', { m1: 0, m2: 2 })).toBe(1);
  });

  // The metric math page's IF tables, column by column (- = no datapoint).
  it.each([
    ['IF(metric1, metric2, metric3)', [30, 0, 20, undefined, undefined]],
    ['IF(metric1, 5, metric3)', [5, 5, 20, undefined, undefined]],
    ['IF(metric1, metric2, 5)', [30, 0, 5, 5, undefined]],
  ] as const)('%s gives the documented column', (expression, expected) => {
    const metric1 = [1, 1, 0, 0, undefined];
    const metric2 = [30, undefined, 0, 0, 30];
    const metric3 = [0, 0, 20, undefined, 20];
    const column = metric1.map((_, i) =>
      value(expression, { metric1: metric1[i], metric2: metric2[i], metric3: metric3[i] }),
    );
    expect(column).toEqual(expected);
  });

  it('TIME_SERIES(s) is s at every datapoint, and takes a scalar only', () => {
    expect(value('TIME_SERIES(1)', {})).toBe(1);
    expect(value('IF(TIME_SERIES(1), 1 - m1, 0)', { m1: undefined })).toBe(0);
    expect(value('IF(TIME_SERIES(1), 1 - m1, 0)', { m1: 0 })).toBe(1);
    expect(() => value('TIME_SERIES(m1)', { m1: 1 })).toThrow(/scalar/);
  });

  it('arithmetic with precedence, unary minus, and no datapoint for a missing input or a division by zero', () => {
    expect(value('(m1 - m2) / m2 * 100', { m1: 150, m2: 100 })).toBe(50);
    expect(value('m1 + m2 * 2', { m1: 1, m2: 3 })).toBe(7);
    expect(value('-m1 + 5', { m1: 2 })).toBe(3);
    expect(value('m1 + m2', { m1: 1, m2: undefined })).toBeUndefined();
    expect(value('m1 / m2', { m1: 1, m2: 0 })).toBeUndefined();
  });

  it('MIN and MAX over an array of series skip missing ones', () => {
    expect(value('MIN([a, b])', { a: 4, b: 9 })).toBe(4);
    expect(value('MAX([a, b, c])', { a: 4, b: undefined, c: 9 })).toBe(9);
    expect(value('MAX([a, b])', { a: undefined, b: undefined })).toBeUndefined();
  });

  it('the burn expression of the contract: burn rate above the failed-run floor, 0 below it', () => {
    const burn = 'IF((n - s) >= 2, (n - s) / n / 0.001, 0)';
    expect(value(burn, { n: 60, s: 59 })).toBe(0);
    expect(value(burn, { n: 60, s: 58 })).toBeCloseTo(33.33, 2);
    expect(value(burn, { n: undefined, s: undefined })).toBeUndefined();
  });

  it('rejects what it does not model', () => {
    expect(() => parseExpression("SEARCH('x', 'Sum', 60)")).toThrow();
    expect(() => value('RUNNING_SUM(m1)', { m1: 1 })).toThrow(/not modelled/);
  });
});

describe('readings of what the documentation leaves open', () => {
  /** A range of periods (newest first) over which `m1` has the given values and `m2` none at all. */
  const range = (m1: (number | undefined)[]): Lookup[] => {
    const lookups: Lookup[] = m1.map((v, index) => {
      const lookup: Lookup = (id) => (id === 'm1' ? v : undefined);
      lookup.earlier = () => lookups[index + 1];
      lookup.range = () => lookups;
      return lookup;
    });
    return lookups;
  };
  const at = (expression: string, lookup: Lookup, readings: Partial<Readings>) =>
    evaluateNode(parseExpression(expression), lookup, { ...DEFAULT_READINGS, ...readings });

  it('FILL of a series empty in the whole range: filled, or left empty', () => {
    const [newest] = range([undefined, undefined, undefined]);
    expect(at('FILL(m1, 0)', newest!, { fillEmpty: 'filled' })).toBe(0);
    expect(at('FILL(m1, 0)', newest!, { fillEmpty: 'empty' })).toBeUndefined();
  });

  it('FILL of a series with a datapoint somewhere in the range fills its gaps under both readings', () => {
    const [newest] = range([undefined, undefined, 1]);
    expect(at('FILL(m1, 0)', newest!, { fillEmpty: 'filled' })).toBe(0);
    expect(at('FILL(m1, 0)', newest!, { fillEmpty: 'empty' })).toBe(0);
  });

  it('REPEAT has nothing to repeat in an empty series, under both FILL readings', () => {
    const [newest] = range([undefined, undefined]);
    expect(at('FILL(m1, REPEAT)', newest!, { fillEmpty: 'filled' })).toBeUndefined();
    expect(at('FILL(m1, REPEAT)', newest!, { fillEmpty: 'empty' })).toBeUndefined();
  });

  it('a missing operand between two series: taken as 0, or emptying the result; a scalar never fills it', () => {
    const [newest] = range([1]);
    expect(at('m1 + m2', newest!, { missingOperand: 'zero' })).toBe(1);
    expect(at('m1 + m2', newest!, { missingOperand: 'drop' })).toBeUndefined();
    expect(at('m2 + m2', newest!, { missingOperand: 'zero' })).toBeUndefined();
    expect(at('1 - m2', newest!, { missingOperand: 'zero' })).toBeUndefined();
    // The documented comparison example: metric2 missing is 0 in (metric1 < metric2).
    expect(at('m1 < m2', newest!, { missingOperand: 'zero' })).toBe(0);
  });

  it('the evaluation range: N + the extra datapoints of the reading', () => {
    const alarm: MetricAlarmDefinition = {
      AlarmName: 'a',
      MetricName: 'Success',
      Statistic: 'SampleCount',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    };
    const series = new Map([[0, [1]]]);
    for (const extra of RANGE_READINGS) {
      const values = rangeDatapoints(alarm, () => series, 10, { ...DEFAULT_READINGS, extraDatapoints: extra });
      expect(values).toHaveLength(3 + extra);
    }
    // The run at minute 0 is in the range at minute 6 under N+5, not under N+2.
    expect(evaluateMetricAlarm(alarm, () => series, 6, 'OK', { ...DEFAULT_READINGS, extraDatapoints: 2 })).toBe(
      'ALARM',
    );
    expect(evaluateMetricAlarm(alarm, () => series, 6, 'OK', { ...DEFAULT_READINGS, extraDatapoints: 5 })).toBe('OK');
  });

  it('a publishing lag hides the newest samples from the evaluation', () => {
    const alarm: MetricAlarmDefinition = {
      AlarmName: 'a',
      MetricName: 'Success',
      Statistic: 'SampleCount',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
    };
    const series = new Map([[9, [1]]]);
    const newest = (lag: number) =>
      rangeDatapoints(alarm, () => series, 10, { ...DEFAULT_READINGS, publishLagMinutes: lag })[0];
    expect(newest(1)).toBe(1);
    expect(newest(2)).toBeUndefined();
  });

  it('ALL_READINGS holds every combination once', () => {
    const keys = new Set(ALL_READINGS.map((r) => JSON.stringify(r)));
    expect(keys.size).toBe(ALL_READINGS.length);
    expect(ALL_READINGS).toHaveLength(RANGE_READINGS.length * 2 * 2 * 2);
    expect(ALL_READINGS).toContainEqual(DEFAULT_READINGS);
  });
});

describe('statistics and sliding windows', () => {
  const series = new Map<number, number[]>([
    [0, [1]],
    [1, [0]],
    [2, [1]],
    [3, [1, 0]],
  ]);
  it('aggregates the samples of [from, to)', () => {
    expect(statistic(series, 'SampleCount', 0, 4)).toBe(5);
    expect(statistic(series, 'Sum', 1, 4)).toBe(2);
    expect(statistic(series, 'Average', 0, 2)).toBe(0.5);
    expect(statistic(series, 'Minimum', 2, 3)).toBe(1);
    expect(statistic(series, 'Sum', 5, 9)).toBeUndefined();
  });

  it('a metric alarm judges the window that ends at the evaluation minute', () => {
    const alarm: MetricAlarmDefinition = {
      AlarmName: 'a',
      MetricName: 'Success',
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    };
    const source = () => series;
    expect(evaluateMetricAlarm(alarm, source, 1, 'OK')).toBe('OK'); // minute 0: 1
    expect(evaluateMetricAlarm(alarm, source, 2, 'OK')).toBe('ALARM'); // minute 1: 0
    expect(evaluateMetricAlarm(alarm, source, 3, 'ALARM')).toBe('OK');
    expect(evaluateMetricAlarm(alarm, source, 20, 'ALARM')).toBe('ALARM'); // nothing: ignore keeps it
  });
});

describe('composite rules', () => {
  const states = (name: string) => (({ a: 'ALARM', b: 'OK', c: 'INSUFFICIENT_DATA' }) as const)[name as 'a'];
  it('ALARM/OK/INSUFFICIENT_DATA with AND, OR, NOT and parentheses', () => {
    expect(evaluateRule('(ALARM("a") AND ALARM("b"))', states)).toBe(false);
    expect(evaluateRule('ALARM("a") AND OK("b")', states)).toBe(true);
    expect(evaluateRule('ALARM("b") OR INSUFFICIENT_DATA("c")', states)).toBe(true);
    expect(evaluateRule('ALARM("a") AND NOT (ALARM("b") OR OK("b"))', states)).toBe(false);
  });
});
