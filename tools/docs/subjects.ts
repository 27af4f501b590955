/**
 * docs/runtime.md's table of notification subjects: one row per alarm kind (and per severity where the
 * `page` rule changes the subject), each subject built by the notifier's own message builder
 * (`buildNotification`) from a sample failing run of billing-api, for the ALARM and the OK after it.
 */
import { ALARM_KINDS, type AlarmKind, alarmName, routedSeverity } from '../../functions/contract/index.js';
import type { ProbeResult } from '../../functions/engine/index.js';
import { buildNotification } from '../../functions/runtime/shared/notification.js';

const PROBE = 'billing-api';
const REGION = 'eu-west-1';
const AT = '2026-12-01T20:02:00.000Z';

/** A run of billing-api: the token request refused, or the step list-invoices slow. */
function run(status: 'fail' | 'degraded'): ProbeResult {
  const failed = status === 'fail';
  return {
    probe: PROBE,
    status,
    stage: failed ? 'token' : 'api',
    step: failed ? null : 'list-invoices',
    code: failed ? 'invalid_client' : 'slow_response',
    message: failed ? 'token endpoint answered 401 invalid_client' : 'list-invoices took 2,400 ms',
    hint: null,
    httpStatus: failed ? 401 : 200,
    startedAt: AT,
    durationMs: 120,
    exchanges: [],
    token: null,
    warnings: [],
    credentialDaysLeft: 12,
  };
}

/** The ALARM and OK subjects of one alarm kind under one `page` rule. */
function subjects(kind: AlarmKind, page: 'global' | 'any-region' | 'never'): [string, string] {
  const severity = routedSeverity(kind, page);
  const latest = { ...run(kind === 'latency' ? 'degraded' : 'fail'), region: REGION };
  const identity = kind === 'global' ? { probe: PROBE, kind } : { probe: PROBE, kind, region: REGION };
  const subject = (state: 'ALARM' | 'OK') =>
    buildNotification({
      alarm: {
        AlarmName: alarmName(identity),
        NewStateValue: state,
        OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
        StateChangeTime: '2026-12-01T20:03:00.000+0000',
        // The Stopped alarm: three 1-minute periods; the Expiry alarm: the credential's gauge.
        Trigger:
          kind === 'stopped'
            ? { Period: 60, EvaluationPeriods: 3 }
            : kind === 'expiry'
              ? { MetricName: 'CredentialDaysLeft' }
              : undefined,
      },
      identity,
      region: REGION,
      latest,
      ...(kind === 'global' ? { failingRegions: ['eu-west-1', 'us-east-1'], globalFailureRegions: 2 } : {}),
      links: {},
      severity,
    }).subject;
  return [subject('ALARM'), subject('OK')];
}

/** The subjects table as markdown: every kind under the default `page` rule, and what the rule changes. */
export function subjectsTable(): string {
  const rows: string[] = ['| alarm | ALARM | OK |', '|---|---|---|'];
  const row = (label: string, [alarm, ok]: [string, string]) => rows.push(`| ${label} | \`${alarm}\` | \`${ok}\` |`);
  for (const kind of Object.keys(ALARM_KINDS) as AlarmKind[]) {
    row(ALARM_KINDS[kind], subjects(kind, 'global'));
    if (routedSeverity(kind, 'any-region') !== routedSeverity(kind, 'global')) {
      row(`${ALARM_KINDS[kind]}, \`page: "any-region"\``, subjects(kind, 'any-region'));
    }
    if (kind === 'global') {
      row(`${ALARM_KINDS[kind]}, \`page: "never"\``, subjects(kind, 'never'));
    }
  }
  return `${rows.join('\n')}\n`;
}
