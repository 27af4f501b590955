/**
 * The Global alarm never reads silence as recovery, proven on the alarm of a synthesized template
 * replayed by tools/alarm-eval: regions that stop reporting while failing keep counting as failing, a
 * period in which no region reports keeps the state, and only runs that pass bring it back to OK.
 */
import { describe, expect, it } from 'vitest';
import {
  alarmsFromTemplate,
  type RunOutcome,
  regionalSuccessSource,
  simulate,
} from '../../../tools/alarm-eval/simulate.js';
import { synthesize } from '../../cdk/helpers.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'] as const;
type Region = (typeof REGIONS)[number];
const GLOBAL = 'OAuthProbe-orders-Global';

const app = synthesize({
  regions: [...REGIONS],
  globalFailureRegions: 2,
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [{ name: 'orders', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 'orders' } }],
});
const alarms = alarmsFromTemplate(app.template(REGIONS[0]).toJSON() as never);

function replay(outcome: (region: Region, minute: number) => RunOutcome, to: number) {
  const source = regionalSuccessSource(REGIONS, outcome, to);
  return simulate({ alarms, source, from: 0, to, only: (name) => name === GLOBAL }).map(
    ({ minute, to: state }) => [minute, state] as const,
  );
}

describe('Global alarm under silence', () => {
  it('is the only Global alarm replayed, and it ignores missing data', () => {
    const global = alarms.metric.find((alarm) => alarm.AlarmName === GLOBAL);
    expect(global?.TreatMissingData).toBe('ignore');
  });

  it('stays in ALARM when two failing regions stop reporting while the third keeps failing', () => {
    const transitions = replay((region, minute) => {
      if (minute < 30) return 'pass';
      if (region === 'eu-west-1') return 'fail';
      return minute < 45 ? 'fail' : 'silent';
    }, 120);
    expect(transitions.map(([, state]) => state)).toEqual(['OK', 'ALARM']);
  });

  it('stays in ALARM when every region goes silent while failing, and recovers only on passing runs', () => {
    const transitions = replay((_, minute) => {
      if (minute < 30) return 'pass';
      if (minute < 45) return 'fail';
      if (minute < 150) return 'silent';
      return 'pass';
    }, 200);
    const alarmAt = transitions.find(([, state]) => state === 'ALARM')?.[0];
    const recovered = transitions.filter(([minute, state]) => state === 'OK' && minute > (alarmAt ?? 0));
    expect(alarmAt).toBeGreaterThan(30);
    expect(alarmAt).toBeLessThan(45);
    expect(recovered.map(([minute]) => minute).every((minute) => minute > 150)).toBe(true);
    expect(recovered).toHaveLength(1);
  });

  it('does not fire when one region fails and the others pass', () => {
    const transitions = replay((region, minute) => (minute >= 30 && region === 'us-east-1' ? 'fail' : 'pass'), 120);
    expect(transitions.map(([, state]) => state)).toEqual(['OK']);
  });

  it('recovers once enough regions pass, even while one stays silent', () => {
    const transitions = replay((region, minute) => {
      if (minute < 30) return 'pass';
      if (minute < 45) return 'fail';
      return region === 'eu-west-1' ? 'silent' : 'pass';
    }, 120);
    expect(transitions.map(([, state]) => state)).toEqual(['OK', 'ALARM', 'OK']);
  });

  it('does not recover while one region fails and the others are silent, however long the silence', () => {
    const transitions = replay((region, minute) => {
      if (minute < 30) return 'pass';
      if (minute < 45 || region === 'us-east-1') return 'fail';
      return 'silent';
    }, 400);
    expect(transitions.map(([, state]) => state)).toEqual(['OK', 'ALARM']);
  });
});
