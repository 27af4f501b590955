/**
 * The three promises of the SLO alerting, proven on the alarm definitions of a synthesized template
 * replayed by tools/alarm-eval (itself tested in test/tools/alarm-eval/evaluator.test.ts):
 *   one transient failure never pages; a full outage pages within 5 minutes (1-minute schedule); a
 *   sustained one-in-three failure rate pages within an hour. Measured for 1- and 5-minute schedules,
 *   under both metrics profiles: `full` (composites over long and short window alarms) and `lean` (one
 *   single-metric alarm per policy, functions/contract/slo.ts `leanBurnAlarms`).
 */
import { describe, expect, it } from 'vitest';
import type { MetricsProfile } from '../../../functions/contract/index.js';
import type { SeriesSource } from '../../../tools/alarm-eval/evaluator.js';
import {
  alarmsFromTemplate,
  firstAlarm,
  simulate,
  successSeries,
  type TemplateAlarms,
} from '../../../tools/alarm-eval/simulate.js';
import { synthesize } from '../../cdk/helpers.js';

const REGION = 'eu-west-1';
const PROBES = [
  { name: 'every-minute', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 's1' } },
  {
    name: 'every-five',
    tokenUrl: 'https://auth.example.com/token',
    credentials: { secretId: 's2' },
    schedule: 'rate(5 minutes)',
  },
];
const alarmsOf = (profile: MetricsProfile): TemplateAlarms =>
  alarmsFromTemplate(
    synthesize({
      regions: [REGION],
      metrics: { profile },
      notifications: { warning: { emails: ['ops@example.com'] } },
      probes: PROBES,
    })
      .template(REGION)
      .toJSON() as never,
  );
const ALARMS: Record<MetricsProfile, TemplateAlarms> = { full: alarmsOf('full'), lean: alarmsOf('lean') };

/** Healthy history long enough to fill the 6-hour windows, then the scenario from minute START. */
const START = 8 * 60;
const END = START + 3 * 60;
const page = (probe: string, kind: 'BurnFast' | 'BurnSlow') => `OAuthProbe-${probe}-${REGION}-${kind}`;

function run(
  profile: MetricsProfile,
  probe: string,
  interval: number,
  failsAt: (minute: number, index: number) => boolean,
  end = END,
) {
  const runs: { minute: number; success: boolean }[] = [];
  let index = 0;
  for (let minute = 0; minute <= end; minute += interval) {
    runs.push({ minute, success: minute < START || !failsAt(minute, index++) });
  }
  const series = successSeries(runs);
  const source: SeriesSource = (name, dimensions) =>
    name === 'Success' && dimensions.length === 1 && dimensions[0]?.Value === probe ? series : undefined;
  const transitions = simulate({
    alarms: ALARMS[profile],
    source,
    from: START - 60,
    to: end,
    only: (name) => name.startsWith(`OAuthProbe-${probe}-`) && name.includes('-Burn'),
  });
  const pages = [page(probe, 'BurnFast'), page(probe, 'BurnSlow')]
    .map((name) => firstAlarm(transitions, name))
    .filter((m): m is number => m !== undefined);
  return { firstPage: pages.length ? Math.min(...pages) - START : undefined, transitions };
}

describe.each([
  ['full', 'every-minute', 1, 5],
  ['full', 'every-five', 5, 15],
  ['lean', 'every-minute', 1, 5],
  ['lean', 'every-five', 5, 15],
] as const)('SLO pages (%s profile) of a probe on the %s schedule', (profile, probe, interval, outageBound) => {
  it('one transient failure never pages', () => {
    const { firstPage, transitions } = run(profile, probe, interval, (_, index) => index === 0);
    expect(firstPage).toBeUndefined();
    expect(transitions.filter((t) => t.to === 'ALARM' && /Burn(Fast|Slow)$/.test(t.alarm))).toEqual([]);
  });

  it(`a full outage pages within ${outageBound} minutes`, () => {
    const { firstPage } = run(profile, probe, interval, () => true);
    expect(firstPage).toBeDefined();
    expect(firstPage!).toBeLessThanOrEqual(outageBound);
    console.info(`${profile} ${probe}: full outage paged after ${firstPage} min`);
  });

  it('a sustained one-in-three failure rate pages within an hour', () => {
    const { firstPage } = run(profile, probe, interval, (_, index) => index % 3 === 0);
    expect(firstPage).toBeDefined();
    expect(firstPage!).toBeLessThanOrEqual(60);
    console.info(`${profile} ${probe}: one-in-three failures paged after ${firstPage} min`);
  });
});

describe.each([
  ['full', 'every-minute', 1],
  ['full', 'every-five', 5],
  ['lean', 'every-minute', 1],
] as const)('SLO pages (%s profile, %s schedule): two failures 90 minutes apart', (profile, probe, interval) => {
  it('never page', () => {
    const { firstPage } = run(profile, probe, interval, (minute) => minute === START || minute === START + 90);
    expect(firstPage).toBeUndefined();
  });
});

describe('SLO pages under the lean profile: the price of one window', () => {
  it('5-minute schedule: two failures 90 minutes apart page BurnSlow (a 28x burn over 6 h; full waits for its 30-minute window)', () => {
    const { transitions } = run('lean', 'every-five', 5, (minute) => minute === START || minute === START + 90);
    expect(firstAlarm(transitions, page('every-five', 'BurnFast'))).toBeUndefined();
    expect(firstAlarm(transitions, page('every-five', 'BurnSlow'))).toBe(START + 91);
  });

  it.each([
    ['full', 'every-minute', 1, 5],
    ['lean', 'every-minute', 1, 61],
    ['full', 'every-five', 5, 5],
    ['lean', 'every-five', 5, 61],
  ] as const)(
    '%s, %s: after a 30-minute outage BurnFast resolves (%i-minute runs) within %i minutes',
    (profile, probe, interval, bound) => {
      const recovery = START + 30;
      const { transitions } = run(profile, probe, interval, (minute) => minute < recovery, START + 4 * 60);
      const name = page(probe, 'BurnFast');
      expect(firstAlarm(transitions, name)).toBeDefined();
      const ok = transitions.find((t) => t.alarm === name && t.to === 'OK' && t.minute > recovery);
      expect(ok).toBeDefined();
      expect(ok!.minute - recovery).toBeLessThanOrEqual(bound);
      console.info(`${profile} ${probe}: BurnFast resolved ${ok!.minute - recovery} min after recovery`);
    },
  );
});
