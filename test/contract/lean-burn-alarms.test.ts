/**
 * The lean profile's burn alarms (functions/contract/slo.ts, `leanBurnAlarms`): one alarm per policy on
 * one metric, the failed-run count that reaches each burn factor over the long window, never fewer than
 * two failed runs, within CloudWatch's one-day evaluation range. The replay of these alarms is in
 * test/tools/alarm-eval/detection.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { leanBurnAlarms, MAX_PERIOD_MINUTES, MIN_FAILED_RUNS } from '../../functions/contract/slo.js';

const SLO = { objective: 99.9, windowDays: 30 };
const shape = (interval: number, slo = SLO) =>
  leanBurnAlarms(slo, interval).map((a) => ({
    kind: a.policy.kind,
    datum: a.datum,
    period: a.periodMinutes,
    m: a.datapointsToAlarm,
    n: a.evaluationPeriods,
  }));

describe('leanBurnAlarms', () => {
  it('counts failed runs over the long window, one run per datum, on a 1-minute schedule', () => {
    expect(shape(1)).toEqual([
      { kind: 'burnFast', datum: 'runs', period: 1, m: 2, n: 60 },
      // 6 x 0.001 x 360 runs = 2.16 failed runs: 3.
      { kind: 'burnSlow', datum: 'runs', period: 1, m: 3, n: 360 },
      { kind: 'burnTicket', datum: 'days', period: MAX_PERIOD_MINUTES, m: 3, n: 3 },
    ]);
  });

  it('on a 5-minute schedule: 2 of 12 and 2 of 72 runs', () => {
    expect(shape(5).slice(0, 2)).toEqual([
      { kind: 'burnFast', datum: 'runs', period: 5, m: 2, n: 12 },
      { kind: 'burnSlow', datum: 'runs', period: 5, m: 2, n: 72 },
    ]);
  });

  it('stretches the window to hold the failed-run floor on slow schedules (hourly: 2 of 2 for the fast page)', () => {
    expect(shape(60)[0]).toEqual({ kind: 'burnFast', datum: 'runs', period: 60, m: MIN_FAILED_RUNS, n: 2 });
  });

  it('uses days of Average beyond a day, each of which must burn', () => {
    const [fast] = leanBurnAlarms(SLO, 24 * 60);
    expect(fast).toMatchObject({ datum: 'days', evaluationPeriods: 2, datapointsToAlarm: 2, failedRuns: 1 });
    // One run a day: the day's run must have failed.
    expect(fast!.threshold).toBe(0.5);
    expect(fast!.comparison).toBe('LessThanOrEqualToThreshold');
  });

  it('ticket: at least 0.1 % failed runs on each of 3 days at 99.9 %, and at least one', () => {
    const ticket = leanBurnAlarms(SLO, 1)[2]!;
    expect(ticket).toMatchObject({ threshold: 0.999, comparison: 'LessThanOrEqualToThreshold' });
    // 5-minute schedule: 288 runs a day, the floor (half a run: 0.17 %) is above 0.1 %: one failed run a day.
    expect(1 - leanBurnAlarms(SLO, 5)[2]!.threshold).toBeCloseTo(0.5 / 288, 9);
    // A 99 % objective over 7 days: factor 0.233 x 0.01 = 0.23 %; at 1 hour a run, 24 runs a day: 1 failed run.
    const hourly = leanBurnAlarms({ objective: 99, windowDays: 7 }, 60)[2]!;
    expect(1 - hourly.threshold).toBeCloseTo(0.5 / 24, 9);
  });

  it('needs more failed runs as the objective loosens, never more than the window holds', () => {
    const loose = leanBurnAlarms({ objective: 99, windowDays: 7 }, 1);
    // 3.36 x 0.01 x 60 = 2.016: 3 failed runs of 60.
    expect(loose[0]).toMatchObject({ datapointsToAlarm: 3, evaluationPeriods: 60 });
    const lowest = leanBurnAlarms({ objective: 50, windowDays: 30 }, 1);
    for (const alarm of lowest) expect(alarm.datapointsToAlarm).toBeLessThanOrEqual(alarm.evaluationPeriods);
  });

  it('keeps every alarm within CloudWatch’s evaluation range (period x N <= 1 day below hourly periods)', () => {
    for (const interval of [1, 2, 5, 10, 15, 30, 60, 120, 24 * 60]) {
      for (const alarm of leanBurnAlarms(SLO, interval)) {
        const limit = alarm.periodMinutes < 60 ? 24 * 60 : 7 * 24 * 60;
        expect(alarm.periodMinutes * alarm.evaluationPeriods, `${interval} ${alarm.policy.id}`).toBeLessThanOrEqual(
          limit,
        );
        expect(alarm.datapointsToAlarm).toBeGreaterThanOrEqual(1);
      }
    }
  });
});
