/**
 * The three promises of the SLO alerting, proven on the alarm definitions of a synthesized template
 * replayed by tools/alarm-eval (itself tested in test/tools/alarm-eval/evaluator.test.ts):
 *   one transient failure never pages; a full outage pages within 5 minutes (1-minute schedule); a
 *   sustained one-in-three failure rate pages within an hour. Measured for 1- and 5-minute schedules.
 */
import { describe, expect, it } from 'vitest';
import type { SeriesSource } from '../../../tools/alarm-eval/evaluator.js';
import { alarmsFromTemplate, firstAlarm, simulate, successSeries } from '../../../tools/alarm-eval/simulate.js';
import { synthesize } from '../../cdk/helpers.js';

const REGION = 'eu-west-1';
const app = synthesize({
  regions: [REGION],
  probes: [
    { name: 'every-minute', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 's1' } },
    {
      name: 'every-five',
      tokenUrl: 'https://auth.example.com/token',
      credentials: { secretId: 's2' },
      schedule: 'rate(5 minutes)',
    },
  ],
});
const alarms = alarmsFromTemplate(app.template(REGION).toJSON() as never);

/** Healthy history long enough to fill the 6-hour windows, then the scenario from minute START. */
const START = 8 * 60;
const END = START + 3 * 60;
const page = (probe: string, kind: 'BurnFast' | 'BurnSlow') => `OAuthProbe-${probe}-${REGION}-${kind}`;

function run(probe: string, interval: number, failsAt: (minute: number, index: number) => boolean) {
  const runs: { minute: number; success: boolean }[] = [];
  let index = 0;
  for (let minute = 0; minute <= END; minute += interval) {
    runs.push({ minute, success: minute < START || !failsAt(minute, index++) });
  }
  const series = successSeries(runs);
  const source: SeriesSource = (name, dimensions) =>
    name === 'Success' && dimensions.length === 1 && dimensions[0]?.Value === probe ? series : undefined;
  const transitions = simulate({
    alarms,
    source,
    from: START - 60,
    to: END,
    only: (name) => name.startsWith(`OAuthProbe-${probe}-`) && name.includes('-Burn'),
  });
  const pages = [page(probe, 'BurnFast'), page(probe, 'BurnSlow')]
    .map((name) => firstAlarm(transitions, name))
    .filter((m): m is number => m !== undefined);
  return { firstPage: pages.length ? Math.min(...pages) - START : undefined, transitions };
}

describe.each([
  ['every-minute', 1, 5],
  ['every-five', 5, 15],
] as const)('SLO pages of a probe on a %s schedule', (probe, interval, outageBound) => {
  it('one transient failure never pages', () => {
    const { firstPage, transitions } = run(probe, interval, (_, index) => index === 0);
    expect(firstPage).toBeUndefined();
    expect(transitions.filter((t) => t.to === 'ALARM' && /Burn(Fast|Slow)$/.test(t.alarm))).toEqual([]);
  });

  it(`a full outage pages within ${outageBound} minutes`, () => {
    const { firstPage } = run(probe, interval, () => true);
    expect(firstPage).toBeDefined();
    expect(firstPage!).toBeLessThanOrEqual(outageBound);
    console.info(`${probe}: full outage paged after ${firstPage} min`);
  });

  it('a sustained one-in-three failure rate pages within an hour', () => {
    const { firstPage } = run(probe, interval, (_, index) => index % 3 === 0);
    expect(firstPage).toBeDefined();
    expect(firstPage!).toBeLessThanOrEqual(60);
    console.info(`${probe}: one-in-three failures paged after ${firstPage} min`);
  });

  it('two failures far apart never page either', () => {
    const { firstPage } = run(probe, interval, (minute) => minute === START || minute === START + 90);
    expect(firstPage).toBeUndefined();
  });
});
