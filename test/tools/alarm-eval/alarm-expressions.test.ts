/**
 * The Stopped and Global alarms of plan/alarm-expressions.ts, replayed by tools/alarm-eval under EVERY
 * reading of what the CloudWatch documentation leaves open (evaluation range N+2, N+5, N+10; FILL of an
 * empty series filled or left empty; a missing operand taken as 0 or emptying the result; a publishing
 * lag of 1 or 2 minutes), for each silence case. The definitions are the functions' own output, so these
 * tests hold whether lib/ renders them yet or not.
 *
 * For comparison, the alarms they replace (a `SampleCount < 1, missing = breaching` Stopped alarm and
 * the Global expression summing `1 - FILL(…)`) are replayed too: they are late, cry wolf at deploy, or
 * read silence as recovery under some readings, which is what the readings are for.
 */
import { describe, expect, it } from 'vitest';
import {
  alarmProperties,
  globalAlarm,
  type MathAlarmDefinition,
  stoppedAlarm,
  stoppedDetectionMinutes,
} from '../../../plan/alarm-expressions.js';
import {
  ALL_READINGS,
  type AlarmState,
  describeReadings,
  type MetricAlarmDefinition,
  type Readings,
  type SeriesSource,
} from '../../../tools/alarm-eval/evaluator.js';
import {
  type RunOutcome,
  regionalSuccessSource,
  simulate,
  successSeries,
  type Transition,
} from '../../../tools/alarm-eval/simulate.js';

const NAMESPACE = 'OAuthProbe';
const MISSING_RUNS = 3;
const READINGS = ALL_READINGS.map((readings) => [describeReadings(readings), readings] as const);

function replay(
  alarm: MetricAlarmDefinition,
  source: SeriesSource,
  to: number,
  readings: Readings,
): [number, AlarmState][] {
  return simulate({ alarms: { metric: [alarm], composite: [] }, source, from: 0, to, readings }).map(
    (t: Transition) => [t.minute, t.to],
  );
}

/** The alarm a Stopped definition renders to. */
const stopped = (interval: number, definition?: MathAlarmDefinition): MetricAlarmDefinition =>
  alarmProperties(
    'OAuthProbe-p-eu-west-1-Stopped',
    definition ??
      stoppedAlarm({ namespace: NAMESPACE, probe: 'p', periodMinutes: interval, missingRunsPeriods: MISSING_RUNS }),
  ) as MetricAlarmDefinition;

/** The Stopped alarm this replaces: SampleCount < 1 in 3 of 3, missing data breaching. */
const legacyStopped = (interval: number): MetricAlarmDefinition => ({
  AlarmName: 'OAuthProbe-p-eu-west-1-Stopped',
  MetricName: 'Success',
  Dimensions: [{ Name: 'Probe', Value: 'p' }],
  Statistic: 'SampleCount',
  Period: interval * 60,
  EvaluationPeriods: MISSING_RUNS,
  DatapointsToAlarm: MISSING_RUNS,
  Threshold: 1,
  ComparisonOperator: 'LessThanThreshold',
  TreatMissingData: 'breaching',
});

/** One probe's runs: every `interval` minutes from `first` while `runs(minute)` says so. */
function probeRuns(interval: number, to: number, outcome: (minute: number) => 'pass' | 'fail' | 'silent', first = 0) {
  const runs: { minute: number; success: boolean }[] = [];
  for (let minute = first; minute <= to; minute += interval) {
    const result = outcome(minute);
    if (result !== 'silent') runs.push({ minute, success: result === 'pass' });
  }
  const series = successSeries(runs);
  const source: SeriesSource = (name, dimensions) =>
    name === 'Success' && dimensions.length === 1 && dimensions[0]?.Value === 'p' ? series : undefined;
  return source;
}

describe.each([1, 5] as const)('Stopped alarm, %i-minute schedule', (interval) => {
  const bound = stoppedDetectionMinutes({ periodMinutes: interval, missingRunsPeriods: MISSING_RUNS });
  const last = 60 * interval;

  describe.each(READINGS)('%s', (_, readings) => {
    const lag = readings.publishLagMinutes;

    it(`fires within ${MISSING_RUNS} periods + 1 minute of the last passing run, and stays in ALARM`, () => {
      const end = last + 6 * 60;
      const source = probeRuns(interval, end, (minute) => (minute <= last ? 'pass' : 'silent'));
      const transitions = replay(stopped(interval), source, end, readings);
      expect(transitions.map(([, state]) => state)).toEqual(['OK', 'ALARM']);
      expect(transitions[0]![0]).toBe(lag);
      const detected = transitions[1]![0] - last;
      expect(detected).toBeLessThanOrEqual(bound);
      // Not before the runs of N - 1 periods are missing (the newest may still be in flight under a lag).
      expect(detected).toBeGreaterThan((MISSING_RUNS - 1) * interval);
    });

    it('fires as soon after the last failing run, and goes OK with the first run seen again', () => {
      const restart = last + 3 * 60;
      const end = restart + 60;
      const source = probeRuns(interval, end, (minute) =>
        minute <= last ? 'fail' : minute < restart ? 'silent' : 'pass',
      );
      const transitions = replay(stopped(interval), source, end, readings);
      expect(transitions.map(([, state]) => state)).toEqual(['OK', 'ALARM', 'OK']);
      expect(transitions[1]![0] - last).toBeLessThanOrEqual(bound);
      expect(transitions[2]![0]).toBe(restart + lag);
    });

    it('a new alarm with no data never reaches ALARM: it stays INSUFFICIENT_DATA', () => {
      const source = probeRuns(interval, 0, () => 'silent');
      expect(replay(stopped(interval), source, 6 * 60, readings)).toEqual([]);
    });

    it('after deploy, a healthy probe takes it from INSUFFICIENT_DATA to OK with its first run, and nothing else', () => {
      const first = 17 * interval;
      const end = first + 3 * 60;
      const source = probeRuns(interval, end, () => 'pass', first);
      expect(replay(stopped(interval), source, end, readings)).toEqual([[first + lag, 'OK']]);
    });

    it('a first run that fails is a run: OK, the failure is for the availability and global alarms', () => {
      const end = 3 * 60;
      const source = probeRuns(interval, end, () => 'fail', 5 * interval);
      expect(replay(stopped(interval), source, end, readings)).toEqual([[5 * interval + lag, 'OK']]);
    });

    it('a single missed run never fires it', () => {
      const end = last + 60 * interval;
      const source = probeRuns(interval, end, (minute) => (minute === last ? 'silent' : 'pass'));
      expect(replay(stopped(interval), source, end, readings).map(([, state]) => state)).toEqual(['OK']);
    });
  });

  it('the alarm it replaces fires late under the longer ranges, and at deploy', () => {
    const end = last + 2 * 60;
    const source = probeRuns(interval, end, (minute) => (minute <= last ? 'pass' : 'silent'));
    const firing = (extra: number) => {
      const readings = { ...ALL_READINGS[0]!, extraDatapoints: extra };
      return replay(legacyStopped(interval), source, end, readings).find(
        ([minute, state]) => state === 'ALARM' && minute > last,
      )?.[0];
    };
    expect(firing(2)! - last).toBe((MISSING_RUNS + 2) * interval + 1);
    expect(firing(5)! - last).toBe((MISSING_RUNS + 5) * interval + 1);
    expect(firing(2)! - last).toBeGreaterThan(bound);
    const silent = probeRuns(interval, 0, () => 'silent');
    expect(replay(legacyStopped(interval), silent, 10, ALL_READINGS[0]!)[0]).toEqual([0, 'ALARM']);
  });
});

// --- Global -------------------------------------------------------------------------------------------

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'] as const;
type Region = (typeof REGIONS)[number];

const globalDefinition = (regions: readonly string[]) =>
  globalAlarm({
    namespace: NAMESPACE,
    probe: 'orders',
    regions,
    periodMinutes: 1,
    globalFailureRegions: 2,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
  });

/**
 * The Global expression this replaces: failing F and "not known to pass" U summed over
 * `1 - FILL(FILL(r, REPEAT), 1 | 0)`, which a region with no datapoint in the range drops out of when
 * FILL leaves it empty and a sum takes it as 0.
 */
function legacyGlobal(regions: readonly string[]): MathAlarmDefinition {
  const ids = regions.map((_, i) => `r${i}`);
  const sum = (fill: 0 | 1) => ids.map((id) => `(1 - FILL(FILL(${id}, REPEAT), ${fill}))`).join(' + ');
  return { ...globalDefinition(regions), expression: `IF((${sum(1)}) >= 2 OR (${sum(0)}) < 2, ${sum(1)})` };
}

function replayGlobal(
  regions: readonly Region[],
  outcome: (region: Region, minute: number) => RunOutcome,
  to: number,
  readings: Readings,
  definition: MathAlarmDefinition = globalDefinition(regions),
) {
  const source = regionalSuccessSource(regions, outcome, to);
  const alarm = alarmProperties('OAuthProbe-orders-Global', definition) as MetricAlarmDefinition;
  return replay(alarm, source, to, readings);
}

const states = (transitions: [number, AlarmState][]) => transitions.map(([, state]) => state);

describe.each(READINGS)('Global alarm (3 regions, 2 failing pages), %s', (_, readings) => {
  it('a region fails then goes silent while another keeps failing: stays in ALARM', () => {
    const transitions = replayGlobal(
      REGIONS,
      (region, minute) => {
        if (minute < 30 || region === 'ap-southeast-2') return 'pass';
        if (region === 'eu-west-1') return minute < 45 ? 'fail' : 'silent';
        return 'fail';
      },
      300,
      readings,
    );
    expect(states(transitions)).toEqual(['OK', 'ALARM']);
  });

  it('every region goes silent while failing: stays in ALARM, and recovers only on passing runs', () => {
    const transitions = replayGlobal(
      REGIONS,
      (_, minute) => (minute < 30 ? 'pass' : minute < 45 ? 'fail' : minute < 150 ? 'silent' : 'pass'),
      200,
      readings,
    );
    expect(states(transitions)).toEqual(['OK', 'ALARM', 'OK']);
    expect(transitions[1]![0]).toBeGreaterThan(30);
    expect(transitions[1]![0]).toBeLessThan(45);
    expect(transitions[2]![0]).toBeGreaterThan(150);
  });

  it('recovers once two regions pass, while the third stays silent', () => {
    const transitions = replayGlobal(
      REGIONS,
      (region, minute) => {
        if (minute < 30) return 'pass';
        if (minute < 45) return 'fail';
        return region === 'eu-west-1' ? 'silent' : 'pass';
      },
      200,
      readings,
    );
    expect(states(transitions)).toEqual(['OK', 'ALARM', 'OK']);
  });

  it('two regions failing page even while the third has been silent for hours', () => {
    const transitions = replayGlobal(
      REGIONS,
      (region, minute) => {
        if (region === 'ap-southeast-2') return minute < 10 ? 'pass' : 'silent';
        return minute < 200 ? 'pass' : 'fail';
      },
      260,
      readings,
    );
    expect(states(transitions)).toEqual(['OK', 'ALARM']);
    expect(transitions[1]![0]).toBeGreaterThan(200);
    expect(transitions[1]![0]).toBeLessThanOrEqual(210);
  });

  it('one region failing while the others are silent for hours does not recover', () => {
    const transitions = replayGlobal(
      REGIONS,
      (region, minute) => (minute < 30 ? 'pass' : minute < 45 || region === 'us-east-1' ? 'fail' : 'silent'),
      400,
      readings,
    );
    expect(states(transitions)).toEqual(['OK', 'ALARM']);
  });

  it('one region failing while the others pass never pages', () => {
    const transitions = replayGlobal(
      REGIONS,
      (region, minute) => (minute >= 30 && region === 'us-east-1' ? 'fail' : 'pass'),
      200,
      readings,
    );
    expect(states(transitions)).toEqual(['OK']);
  });

  it('a new alarm with no data stays INSUFFICIENT_DATA; first runs that fail in two regions page as usual', () => {
    expect(replayGlobal(REGIONS, () => 'silent', 120, readings)).toEqual([]);
    const failing = replayGlobal(
      REGIONS,
      (region, minute) => (minute < 20 ? 'silent' : region === 'ap-southeast-2' ? 'pass' : 'fail'),
      120,
      readings,
    );
    expect(states(failing)).toEqual(['ALARM']);
  });

  it('two regions: one fails then goes silent, the other keeps failing: stays in ALARM', () => {
    const two = ['eu-west-1', 'us-east-1'] as const;
    const transitions = replayGlobal(
      [...two],
      (region, minute) => (minute < 30 ? 'pass' : region === 'eu-west-1' && minute >= 45 ? 'silent' : 'fail'),
      300,
      readings,
    );
    expect(states(transitions)).toEqual(['OK', 'ALARM']);
  });
});

describe('the Global expression it replaces', () => {
  const two = ['eu-west-1', 'us-east-1'] as const;
  const scenario = (region: Region, minute: number): RunOutcome =>
    minute < 30 ? 'pass' : region === 'eu-west-1' && minute >= 45 ? 'silent' : 'fail';
  const emptyAndZero = ALL_READINGS.find(
    (r) =>
      r.fillEmpty === 'empty' && r.missingOperand === 'zero' && r.extraDatapoints === 2 && r.publishLagMinutes === 1,
  )!;

  it('reads a silent failing region as recovered when FILL leaves it empty and a sum takes it as 0', () => {
    const transitions = replayGlobal([...two], scenario, 300, emptyAndZero, legacyGlobal(two));
    expect(states(transitions)).toEqual(['OK', 'ALARM', 'OK']);
    // The new one, same reading, same scenario:
    expect(states(replayGlobal([...two], scenario, 300, emptyAndZero))).toEqual(['OK', 'ALARM']);
  });

  it('never pages two failing regions beside a long-silent one when FILL leaves it empty and an empty operand empties the sum', () => {
    const emptyAndDrop = { ...emptyAndZero, missingOperand: 'drop' as const };
    const outcome = (region: Region, minute: number): RunOutcome =>
      region === 'ap-southeast-2' ? (minute < 10 ? 'pass' : 'silent') : minute < 200 ? 'pass' : 'fail';
    expect(states(replayGlobal(REGIONS, outcome, 260, emptyAndDrop, legacyGlobal(REGIONS)))).toEqual(['OK']);
    expect(states(replayGlobal(REGIONS, outcome, 260, emptyAndDrop))).toEqual(['OK', 'ALARM']);
  });
});
