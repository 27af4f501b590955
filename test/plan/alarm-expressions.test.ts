/**
 * The Stopped and Global definitions within CloudWatch's limits, and rendered to the CloudFormation
 * properties lib/ and tools/alarm-eval read. What they do is replayed in
 * test/tools/alarm-eval/alarm-expressions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  alarmProperties,
  globalAlarm,
  MAX_ALARM_METRICS,
  MAX_EXPRESSION_CHARS,
  stoppedAlarm,
  stoppedDetectionMinutes,
} from '../../plan/alarm-expressions.js';

const regions = (count: number) => Array.from({ length: count }, (_, i) => `xx-region-${i + 1}`);
const global = (count: number) =>
  globalAlarm({
    namespace: 'OAuthProbe',
    probe: 'a-probe-name-of-sixty-four-characters-is-the-longest-allowed-one',
    regions: regions(count),
    periodMinutes: 5,
    globalFailureRegions: 2,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
  });

describe('stoppedAlarm', () => {
  it('reads one metric, the SampleCount of Success per schedule period, N of N below 1, ignoring missing data', () => {
    const definition = stoppedAlarm({
      namespace: 'OAuthProbe',
      probe: 'billing-api',
      periodMinutes: 5,
      missingRunsPeriods: 3,
    });
    expect(definition).toMatchObject({
      expression: 'IF(FILL(runs, REPEAT), FILL(runs, 0))',
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'ignore',
    });
    expect(definition.metrics).toEqual([
      {
        id: 'runs',
        namespace: 'OAuthProbe',
        metricName: 'Success',
        dimensions: { Probe: 'billing-api' },
        statistic: 'SampleCount',
        periodMinutes: 5,
      },
    ]);
    expect(stoppedDetectionMinutes({ periodMinutes: 5, missingRunsPeriods: 3 })).toBe(16);
  });
});

describe('globalAlarm', () => {
  it(`stays within ${MAX_ALARM_METRICS} metrics and ${MAX_EXPRESSION_CHARS} characters with the most regions`, () => {
    const definition = global(MAX_ALARM_METRICS);
    expect(definition.metrics).toHaveLength(MAX_ALARM_METRICS);
    expect(definition.expression.length).toBeLessThanOrEqual(MAX_EXPRESSION_CHARS);
    // Every region is counted failing or passing, none by a sum over FILLed empty series.
    expect(definition.expression).not.toMatch(/FILL\(FILL/);
    expect(definition.expression).toContain(`> ${MAX_ALARM_METRICS - 2}`);
  });

  it('refuses more regions than an alarm can read, naming the probe and the limit', () => {
    expect(() => global(MAX_ALARM_METRICS + 1)).toThrow(/11 regions, CloudWatch takes 1 to 10/);
    expect(() => global(0)).toThrow(RangeError);
  });

  it('reads the Success copy of each region, Minimum, labelled with the region', () => {
    const definition = global(2);
    expect(definition.metrics.map((m) => [m.id, m.dimensions.Region, m.statistic, m.label])).toEqual([
      ['r0', 'xx-region-1', 'Minimum', 'xx-region-1'],
      ['r1', 'xx-region-2', 'Minimum', 'xx-region-2'],
    ]);
    expect(definition).toMatchObject({
      threshold: 2,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'ignore',
    });
  });
});

describe('alarmProperties', () => {
  it('renders the metrics (ReturnData false, period in seconds) and the one returned expression', () => {
    const properties = alarmProperties(
      'OAuthProbe-billing-api-eu-west-1-Stopped',
      stoppedAlarm({ namespace: 'OAuthProbe', probe: 'billing-api', periodMinutes: 1, missingRunsPeriods: 3 }),
    );
    expect(properties).toEqual({
      AlarmName: 'OAuthProbe-billing-api-eu-west-1-Stopped',
      Metrics: [
        {
          Id: 'runs',
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'OAuthProbe',
              MetricName: 'Success',
              Dimensions: [{ Name: 'Probe', Value: 'billing-api' }],
            },
            Period: 60,
            Stat: 'SampleCount',
          },
        },
        {
          Id: 'stopped',
          Label: 'Runs per period (none before the first run)',
          ReturnData: true,
          Expression: 'IF(FILL(runs, REPEAT), FILL(runs, 0))',
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'ignore',
    });
  });
});
