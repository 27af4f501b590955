import { describe, expect, it } from 'vitest';
import { type AlarmKind, alarmSeverity, parseAlarmName } from '../../functions/contract/alarm-naming.js';
import { RUNBOOK_FIRST_STEPS } from '../../functions/contract/runbooks.js';
import type { LoggedResult } from '../../functions/runtime/shared/log.js';
import {
  buildNotification,
  incidentKey,
  MAX_SUBJECT_LENGTH,
  type NotificationInput,
  pickResult,
  runbookFromDescription,
} from '../../functions/runtime/shared/notification.js';
import { alarmChange } from './alarm-fixtures.js';
import { degradedResult, failResult, passResult } from './fixtures.js';

const links = {
  dashboard: 'https://console.aws.amazon.com/cloudwatch/home#dashboards:name=oauth-probe',
  logs: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights',
  alarm: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/x',
  runbook: 'https://wiki.example.com/runbooks/billing-api',
};

const logged = (result = failResult()): LoggedResult => ({
  ...result,
  region: 'eu-west-1',
  scheduledTime: '2026-11-22T07:05:00.000Z',
});

function input(kind: AlarmKind, state: 'ALARM' | 'OK', extra: Partial<NotificationInput> = {}): NotificationInput {
  const alarm = alarmChange(kind, state);
  return {
    alarm,
    identity: parseAlarmName(alarm.AlarmName)!,
    region: kind === 'global' ? 'us-east-1' : 'eu-west-1',
    lastGoodRun: '2026-11-22T06:58:00.000Z',
    globalFailureRegions: 2,
    links,
    ...extra,
  };
}

const attr = (n: ReturnType<typeof buildNotification>) =>
  Object.fromEntries(Object.entries(n.attributes).map(([k, v]) => [k, v.StringValue]));

describe('buildNotification', () => {
  describe('availability', () => {
    it('ALARM: subject names the stage and code, body carries the diagnosis and links', () => {
      const n = buildNotification(input('availability', 'ALARM', { latest: logged() }));

      expect(n.subject).toBe('[FAIL] billing-api: token invalid_client (eu-west-1)');
      expect(attr(n)).toEqual({
        severity: 'warning',
        probe: 'billing-api',
        code: 'invalid_client',
        state: 'ALARM',
        region: 'eu-west-1',
        kind: 'availability',
        incidentKey: 'oauth-probe/billing-api/warning/eu-west-1/availability',
      });
      for (const text of [
        'billing-api is failing in eu-west-1: token endpoint answered 401 invalid_client',
        'Stage:         token',
        'Code:          invalid_client',
        'Hint:          the client secret was rejected',
        'HTTP status:   401',
        'Latency:       token 95 ms, total 230 ms',
        'Last good run: 2026-11-22T06:58:00.000Z',
        `Dashboard:     ${links.dashboard}`,
        `Logs:          ${links.logs}`,
        `Runbook:       ${links.runbook}`,
        'State:         ALARM (was OK) at 2026-11-22T07:06:30.123+0000',
      ]) {
        expect(n.text).toContain(text);
      }
    });

    it('ALARM: the JSON document is structured for pagers and webhooks', () => {
      const n = buildNotification(input('availability', 'ALARM', { latest: logged() }));

      expect(n.document).toEqual({
        version: 1,
        incidentKey: 'oauth-probe/billing-api/warning/eu-west-1/availability',
        kind: 'availability',
        severity: 'warning',
        state: 'ALARM',
        previousState: 'OK',
        probe: 'billing-api',
        region: 'eu-west-1',
        headline: 'billing-api is failing in eu-west-1: token endpoint answered 401 invalid_client',
        owner: null,
        group: null,
        alarm: {
          name: 'OAuthProbe-billing-api-eu-west-1-Availability',
          reason: 'Threshold Crossed: 3 out of the last 5 datapoints were less than the threshold (1.0).',
          stateChangeTime: '2026-11-22T07:06:30.123+0000',
          account: '123456789012',
        },
        result: {
          region: 'eu-west-1',
          status: 'fail',
          stage: 'token',
          step: null,
          code: 'invalid_client',
          message: 'token endpoint answered 401 invalid_client',
          hint: 'the client secret was rejected: check that credentials.secretId holds the current secret.',
          httpStatus: 401,
          startedAt: '2026-11-22T07:05:00.120Z',
          scheduledTime: '2026-11-22T07:05:00.000Z',
          durationMs: 230,
          tokenLatencyMs: 95,
          credentialDaysLeft: 200,
          certificateDaysLeft: 80,
        },
        lastGoodRun: '2026-11-22T06:58:00.000Z',
        links,
      });
    });

    it('sends text to email and default, JSON to https (MessageStructure json)', () => {
      const n = buildNotification(input('availability', 'ALARM', { latest: logged() }));
      const message = JSON.parse(n.message) as Record<string, string>;

      expect(message.default).toBe(n.text);
      expect(message.email).toBe(n.text);
      expect(JSON.parse(message.https!)).toEqual(n.document);
    });

    it('ALARM without a result found: still a clear subject, and says none was found', () => {
      const n = buildNotification(input('availability', 'ALARM'));

      expect(n.subject).toBe('[FAIL] billing-api failing (eu-west-1)');
      expect(n.text).toContain('No result of billing-api was found');
      expect(attr(n).code).toBe('unknown');
    });

    it('OK: recovered', () => {
      const n = buildNotification(input('availability', 'OK', { latest: logged(passResult()) }));

      expect(n.subject).toBe('[OK] billing-api recovered (eu-west-1)');
      expect(attr(n)).toMatchObject({ severity: 'warning', state: 'OK', code: 'recovered' });
      expect(n.text).toContain('billing-api is passing again in eu-west-1.');
    });
  });

  describe('latency', () => {
    it('ALARM: slow, naming the slow step', () => {
      const n = buildNotification(input('latency', 'ALARM', { latest: logged(degradedResult()) }));

      expect(n.subject).toBe('[SLOW] billing-api: list-invoices slow (eu-west-1)');
      expect(attr(n)).toMatchObject({ severity: 'warning', code: 'slow_response', kind: 'latency' });
      expect(n.text).toContain('took 2100 ms, over degradedMs 1500 ms');
    });

    it('OK: back to normal', () => {
      expect(buildNotification(input('latency', 'OK')).subject).toBe(
        '[OK] billing-api latency back to normal (eu-west-1)',
      );
    });
  });

  describe('expiry', () => {
    it('ALARM: says what expires and in how many days', () => {
      const n = buildNotification(input('expiry', 'ALARM', { latest: logged(passResult({ credentialDaysLeft: 12 })) }));

      expect(n.subject).toBe('[EXPIRING] billing-api: credential expires in 12 days (eu-west-1)');
      expect(attr(n)).toMatchObject({ severity: 'warning', code: 'expiring' });
      expect(n.document.result?.credentialDaysLeft).toBe(12);
    });

    it('OK: no longer close', () => {
      expect(buildNotification(input('expiry', 'OK')).subject).toBe(
        '[OK] billing-api expiry no longer close (eu-west-1)',
      );
    });
  });

  describe('stopped', () => {
    it('ALARM: says plainly that no run was reported, for how long, and the likely causes', () => {
      const n = buildNotification(input('stopped', 'ALARM'));

      expect(n.subject).toBe('[STOPPED] billing-api: no run reported for 3 min (eu-west-1)');
      expect(n.text).toContain(
        'no run reported for 3 minutes in eu-west-1 (3 scheduled runs missed; this alarm fires at most 4 minutes after the last run and stays in ALARM until a run is seen): schedule removed, function failing before it could publish, or throttled.',
      );
      expect(attr(n)).toMatchObject({ severity: 'warning', code: 'not_running', kind: 'stopped' });
    });

    it('ALARM of the metric-math Stopped alarm: the delay from the period of the metric it reads', () => {
      const base = input('stopped', 'ALARM');
      const n = buildNotification({
        ...base,
        alarm: {
          ...base.alarm,
          Trigger: {
            EvaluationPeriods: 3,
            Metrics: [
              {
                Id: 'runs',
                MetricStat: {
                  Metric: { MetricName: 'Success', Namespace: 'OAuthProbe' },
                  Period: 300,
                  Stat: 'SampleCount',
                },
                ReturnData: false,
              },
              { Id: 'stopped', Expression: 'IF(FILL(runs, REPEAT), FILL(runs, 0))', ReturnData: true },
            ],
          },
        },
      });

      expect(n.subject).toBe('[STOPPED] billing-api: no run reported for 15 min (eu-west-1)');
      expect(n.text).toContain('(3 scheduled runs missed; this alarm fires at most 16 minutes after the last run');
    });

    it('OK: running again', () => {
      expect(buildNotification(input('stopped', 'OK')).subject).toBe('[OK] billing-api running again (eu-west-1)');
    });
  });

  describe('global', () => {
    it('ALARM: critical, lists the failing regions and carries the home region result', () => {
      const n = buildNotification(
        input('global', 'ALARM', {
          latest: { ...logged(), region: 'us-east-1' },
          failingRegions: ['eu-west-1', 'us-east-1'],
          reportingRegions: ['ap-southeast-2', 'eu-west-1', 'us-east-1'],
        }),
      );

      expect(n.subject).toBe('[CRITICAL] billing-api failing in 2 regions: token invalid_client');
      expect(attr(n)).toEqual({
        severity: 'critical',
        probe: 'billing-api',
        code: 'invalid_client',
        state: 'ALARM',
        region: 'global',
        kind: 'global',
        incidentKey: 'oauth-probe/billing-api/critical/global',
      });
      expect(n.document).toMatchObject({
        severity: 'critical',
        region: 'global',
        failingRegions: ['eu-west-1', 'us-east-1'],
        reportingRegions: ['ap-southeast-2', 'eu-west-1', 'us-east-1'],
        result: { region: 'us-east-1', code: 'invalid_client' },
      });
      expect(n.text).toContain('Failing in:    eu-west-1, us-east-1');
      expect(n.text).toContain('billing-api is failing in 2 regions at once: eu-west-1, us-east-1.');
    });

    it('OK: recovered, still critical so the pager resolves its incident', () => {
      const n = buildNotification(input('global', 'OK', { failingRegions: [], reportingRegions: ['eu-west-1'] }));

      expect(n.subject).toBe('[OK] billing-api recovered: fewer than 2 regions failing');
      expect(attr(n)).toMatchObject({ severity: 'critical', state: 'OK', code: 'recovered', region: 'global' });
    });
  });

  it('keeps the subject under 100 ASCII characters on one line', () => {
    const probe = 'p'.repeat(64);
    const alarm = alarmChange('availability', 'ALARM', { probe, region: 'ap-southeast-2' });
    const n = buildNotification({
      alarm,
      identity: parseAlarmName(alarm.AlarmName)!,
      region: 'ap-southeast-2',
      latest: logged(failResult({ probe, stage: 'token_validation', code: 'jwt_audience_mismatch' })),
      links: {},
    });

    expect(n.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(n.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(n.subject.startsWith(`[FAIL] ${probe}: token_validation`)).toBe(true);
  });

  it('removes a token or key that reached a result text (defence in depth)', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const n = buildNotification(
      input('availability', 'ALARM', { latest: logged(failResult({ message: `server echoed Bearer ${jwt}` })) }),
    );

    expect(n.message).not.toContain(jwt);
    expect(n.text).toContain('Bearer [redacted]');
  });
});

describe('every alarm kind, ALARM and OK', () => {
  const kinds: AlarmKind[] = [
    'availability',
    'latency',
    'expiry',
    'stopped',
    'global',
    'burnFast',
    'burnSlow',
    'burnTicket',
    'security',
    'rotationTest',
  ];
  const prefixes: Record<AlarmKind, string> = {
    availability: '[FAIL] ',
    latency: '[SLOW] ',
    expiry: '[EXPIRING] ',
    stopped: '[STOPPED] ',
    global: '[CRITICAL] ',
    burnFast: '[CRITICAL] ',
    burnSlow: '[CRITICAL] ',
    burnTicket: '[SLO] ',
    security: '[SECURITY] ',
    rotationTest: '[ROTATION BLOCKED] ',
  };
  const cases = kinds.flatMap((kind) => (['ALARM', 'OK'] as const).map((state) => [kind, state] as const));

  it.each(cases)('%s %s: subject, text, JSON and attributes agree', (kind, state) => {
    const latest = logged(kind === 'latency' ? degradedResult() : state === 'OK' ? passResult() : failResult());
    const n = buildNotification(input(kind, state, { latest }));
    const message = JSON.parse(n.message) as Record<string, string>;

    expect(n.subject.startsWith(state === 'ALARM' ? prefixes[kind] : '[OK] ')).toBe(true);
    expect(n.subject).toContain('billing-api');
    expect(n.subject).toContain(
      kind === 'global' ? (state === 'ALARM' ? 'regions' : 'regions failing') : '(eu-west-1)',
    );
    expect(n.subject.length).toBeLessThan(100);
    expect(message.default).toBe(n.text);
    expect(message.email).toBe(n.text);
    expect(JSON.parse(message.https!)).toEqual(n.document);
    expect(n.text.startsWith(n.document.headline)).toBe(true);
    expect(n.text).toContain(`Runbook:       ${links.runbook}`);
    expect(n.document).toMatchObject({ kind, state, probe: 'billing-api', severity: alarmSeverity(kind) });
    expect(attr(n)).toMatchObject({
      severity: alarmSeverity(kind),
      probe: 'billing-api',
      state,
      kind,
      region: kind === 'global' ? 'global' : 'eu-west-1',
    });
    expect(attr(n).code).toBeTruthy();
  });
});

describe('severity', () => {
  it.each([
    ['availability', 'warning'],
    ['latency', 'warning'],
    ['expiry', 'warning'],
    ['stopped', 'warning'],
    ['global', 'critical'],
    ['burnFast', 'critical'],
    ['burnSlow', 'critical'],
    ['burnTicket', 'warning'],
    ['security', 'critical'],
  ] as const)('%s alarms are %s', (kind, severity) => {
    expect(alarmSeverity(kind)).toBe(severity);
    expect(buildNotification(input(kind, 'ALARM')).attributes.severity?.StringValue).toBe(severity);
  });
});

describe('pickResult', () => {
  const at = (result: LoggedResult, time: string) => ({ ...result, scheduledTime: time });
  const identity = { probe: 'billing-api', kind: 'availability' as const, region: 'eu-west-1' };

  it('explains an ALARM with the newest failing run, even when a later run passed', () => {
    const failing = at(logged(), '2026-11-22T07:04:00Z');
    const passing = at(logged(passResult()), '2026-11-22T07:05:00Z');

    expect(pickResult([failing, passing], identity, 'ALARM')).toBe(failing);
  });

  it('uses the newest run for OK', () => {
    const failing = at(logged(), '2026-11-22T07:04:00Z');
    const passing = at(logged(passResult()), '2026-11-22T07:05:00Z');

    expect(pickResult([passing, failing], identity, 'OK')).toBe(passing);
  });
});

describe('runbookFromDescription', () => {
  it('reads the "Runbook: <url>" line the CDK app writes', () => {
    expect(runbookFromDescription('oauth-probe "x": failing.\nCheck: y\nRunbook: https://w.example.com/rb')).toBe(
      'https://w.example.com/rb',
    );
    expect(runbookFromDescription('no link here')).toBeUndefined();
    expect(runbookFromDescription(null)).toBeUndefined();
  });
});

describe('runbook first steps', () => {
  it('without a runbook link, the message carries the matching runbook and its first checks', () => {
    const n = buildNotification(
      input('burnFast', 'ALARM', { latest: logged(), links: { ...links, runbook: undefined } }),
    );
    expect(n.document.links.runbook).toBeNull();
    expect(n.document.runbookSteps?.family).toBe('token');
    expect(n.document.runbookSteps?.path).toBe('docs/runbooks/token.md');
    expect(n.text).toContain('First checks (docs/runbooks/token.md):');
    expect(n.text).toContain(`1. ${RUNBOOK_FIRST_STEPS.token[0]}`);
    expect(n.subject).toBe('[CRITICAL] billing-api error budget burning fast: token invalid_client (eu-west-1)');
  });

  it('with a runbook link, the link alone', () => {
    const n = buildNotification(input('burnSlow', 'ALARM', { latest: logged() }));
    expect(n.document.runbookSteps).toBeUndefined();
    expect(n.text).not.toContain('First checks');
  });

  it('a Stopped alarm without a result points at the stopped runbook', () => {
    const n = buildNotification(input('stopped', 'ALARM', { links: { ...links, runbook: undefined } }));
    expect(n.document.runbookSteps?.path).toBe('docs/runbooks/stopped.md');
  });
});

describe('incidentKey', () => {
  it('is one key per alarm: the same for its ALARM and OK, different for every other alarm', () => {
    const kinds: AlarmKind[] = ['availability', 'latency', 'expiry', 'stopped', 'global'];
    const keys = new Set<string>();
    for (const probe of ['billing-api', 'orders']) {
      for (const region of ['eu-west-1', 'us-east-1']) {
        for (const kind of kinds) {
          const build = (state: 'ALARM' | 'OK') => {
            const change = alarmChange(kind, state, { region, probe });
            return buildNotification({
              ...input(kind, state),
              alarm: change,
              identity: parseAlarmName(change.AlarmName)!,
            });
          };
          const alarm = build('ALARM');
          const ok = build('OK');
          expect(ok.document.incidentKey).toBe(alarm.document.incidentKey);
          expect(alarm.attributes.incidentKey?.StringValue).toBe(alarm.document.incidentKey);
          keys.add(alarm.document.incidentKey);
        }
      }
    }
    // 2 probes × (4 regional kinds × 2 regions + 1 global)
    expect(keys.size).toBe(18);
  });

  it('names probe, severity and region (global for the cross-region alarm) and fits a PagerDuty dedup_key', () => {
    const long = 'p'.repeat(64);
    expect(incidentKey({ probe: 'billing-api', kind: 'global' })).toBe('oauth-probe/billing-api/critical/global');
    expect(incidentKey({ probe: 'billing-api', kind: 'stopped', region: 'eu-west-1' })).toBe(
      'oauth-probe/billing-api/warning/eu-west-1/stopped',
    );
    expect(incidentKey({ probe: long, kind: 'availability', region: 'ap-southeast-2' }).length).toBeLessThanOrEqual(
      255,
    );
  });
});
