/**
 * What people are told when an alarm changes state: pure functions from the CloudWatch alarm
 * notification plus what the notifier looked up (latest result, last good run, failing regions) to one
 * SNS message — a short scannable subject, a plain-text body for email, a JSON document for HTTPS and
 * pager subscribers, and message attributes to filter on. The I/O lives in ./notifier.ts.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { type AlarmIdentity, alarmSeverity } from '../../contract/alarm-naming.js';
import { TARGETS_ATTRIBUTE } from '../../contract/notification-routes.js';
import { RUNBOOK_FIRST_STEPS, type RunbookFamily, runbookFamily, runbookPath } from '../../contract/runbooks.js';
import { stripControl } from '../../engine/index.js';
import { type LoggedResult, scrubSecrets, scrubValues } from './log.js';

/** SNS subjects must be under 100 characters, ASCII, one line. */
export const MAX_SUBJECT_LENGTH = 99;
/** Version of the JSON document sent to HTTPS subscribers; bumped only for incompatible changes. */
export const NOTIFICATION_SCHEMA_VERSION = 1;

/**
 * The deduplication key of the incident an alarm opens: the same for every message about that alarm
 * (its ALARM, a retried delivery of it, and its OK), different for every other alarm. Built from the
 * probe, the severity, the region (`global` for the cross-region alarm) and the alarm kind: without
 * the kind, a Stopped alarm's OK ("running again") would resolve the incident that the still-failing
 * Availability alarm of the same probe and region opened. Pager integrations use it as their
 * dedup key (PagerDuty `dedup_key`, ≤ 255 characters: a probe name is ≤ 64).
 */
export function incidentKey(
  identity: Pick<AlarmIdentity, 'probe' | 'kind' | 'region'>,
  /** The severity the routing gave this alert (`page: "any-region"` makes a regional one critical). */
  severity: 'warning' | 'critical' = alarmSeverity(identity.kind),
): string {
  if (identity.kind === 'global') return ['oauth-probe', identity.probe, severity, 'global'].join('/');
  return ['oauth-probe', identity.probe, severity, identity.region ?? 'unknown-region', identity.kind].join('/');
}

/** The JSON CloudWatch publishes to SNS on an alarm state change (the fields we read). */
export interface AlarmStateChange {
  AlarmName: string;
  AlarmDescription?: string | null;
  AWSAccountId?: string;
  NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  OldStateValue?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  NewStateReason?: string;
  /** e.g. 2026-11-22T03:05:43.123+0000 */
  StateChangeTime: string;
  /** The region's long name, e.g. "EU (Ireland)". */
  Region?: string;
  AlarmArn?: string;
  Trigger?: AlarmTrigger;
}

export interface AlarmTrigger {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Period?: number;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  Dimensions?: { name?: string; value?: string; Name?: string; Value?: string }[];
  Metrics?: {
    Id?: string;
    Expression?: string;
    MetricStat?: {
      Metric?: {
        MetricName?: string;
        Namespace?: string;
        Dimensions?: { name?: string; value?: string; Name?: string; Value?: string }[];
      };
      Period?: number;
      Stat?: string;
    };
    ReturnData?: boolean;
  }[];
}

export interface NotificationInput {
  alarm: AlarmStateChange;
  identity: AlarmIdentity;
  /** Region the alarm watches; the home region for the global alarm. */
  region: string;
  /** The newest relevant logged result of this probe in `region`, if one was found. */
  latest?: LoggedResult;
  /** ISO 8601 time of the last passing run found (last 24 h), null when none, undefined when not looked up. */
  lastGoodRun?: string | null;
  /** Global alarm: regions whose latest `Success` copy is 0, and every region that reported. */
  failingRegions?: string[];
  reportingRegions?: string[];
  globalFailureRegions?: number;
  links: { dashboard?: string; logs?: string; alarm?: string; runbook?: string };
  /** The routed severity (`page` rule); @default alarmSeverity(kind) */
  severity?: 'warning' | 'critical';
  /** The probe's `owner` text. */
  owner?: string;
  /** Probes of the same authorization server failing at the same stage: one incident lists them all. */
  group?: IncidentGroup;
  /** Target names this notification is routed to (the `targets` message attribute). */
  targets?: string[];
}

export interface IncidentGroup {
  authServer: string;
  stage: string | null;
  /** Every probe of the incident, this one included, the first to fail first. */
  probes: string[];
  /** The probe whose incident key the group shares. */
  leader: string;
}

export interface Notification {
  subject: string;
  /**
   * Incident keys an OK resolves at PagerDuty: its own, or every key of a shared incident once the last
   * of its probes recovered; empty while another probe of the incident still fails. @default [incidentKey]
   */
  resolveKeys?: string[];
  /** The SNS `Message` for `MessageStructure: 'json'`: default/email text, https/sqs/lambda JSON. */
  message: string;
  attributes: Record<string, MessageAttributeValue>;
  text: string;
  document: NotificationDocument;
}

export interface NotificationDocument {
  version: number;
  /** `incidentKey(identity)`: one incident per alarm, whatever the number of deliveries. */
  incidentKey: string;
  kind: AlarmIdentity['kind'];
  severity: 'warning' | 'critical';
  state: string;
  previousState: string | null;
  probe: string;
  /** The alarm's region, or `global`. */
  region: string;
  failingRegions?: string[];
  reportingRegions?: string[];
  headline: string;
  owner: string | null;
  group: IncidentGroup | null;
  alarm: { name: string; reason: string | null; stateChangeTime: string; account: string | null };
  result: {
    region: string;
    status: string;
    stage: string | null;
    step: string | null;
    code: string | null;
    message: string | null;
    hint: string | null;
    httpStatus: number | null;
    startedAt: string;
    scheduledTime: string | null;
    durationMs: number;
    tokenLatencyMs: number | null;
    credentialDaysLeft: number | null;
    certificateDaysLeft: number | null;
  } | null;
  lastGoodRun: string | null;
  links: { dashboard: string | null; logs: string | null; alarm: string | null; runbook: string | null };
  /** Without a runbook link: the matching runbook of docs/runbooks/ and its first checks, in the message. */
  runbookSteps?: { family: RunbookFamily; path: string; steps: readonly string[] };
}

/** The runbook URL the CDK writes into the alarm description as `Runbook: <url>`. */
export function runbookFromDescription(description: string | null | undefined): string | undefined {
  const match = /Runbook:\s*(https?:\/\/\S+)/i.exec(description ?? '');
  return match?.[1]?.replace(/[).,;]+$/, '');
}

/**
 * Minutes a Stopped alarm waited without a run (period × evaluation periods). The alarm
 * (plan/alarm-expressions.ts `stoppedAlarm`) judges one datapoint per period, 0 when no run was seen, so
 * it fires this long after the last run plus the minute a run takes to be seen, under every reading of
 * CloudWatch's evaluation range; the message says both.
 */
export function silentMinutes(trigger: AlarmTrigger | undefined): number | undefined {
  const period = trigger?.Period ?? trigger?.Metrics?.find((m) => m.MetricStat?.Period)?.MetricStat?.Period;
  if (!period || !trigger?.EvaluationPeriods) return undefined;
  return Math.round((period * trigger.EvaluationPeriods) / 60);
}

/** Of the results found, the one that explains the state: newest failing (or slow) one for an ALARM, else newest. */
export function pickResult(
  results: LoggedResult[],
  identity: AlarmIdentity,
  state: AlarmStateChange['NewStateValue'],
): LoggedResult | undefined {
  const newest = [...results].sort((a, b) => resultTime(b) - resultTime(a));
  if (state === 'ALARM') {
    const wanted =
      identity.kind === 'latency'
        ? (r: LoggedResult) => r.status === 'degraded'
        : identity.kind === 'availability' || identity.kind === 'global' || isBurn(identity.kind)
          ? (r: LoggedResult) => r.status === 'fail'
          : undefined;
    const hit = wanted ? newest.find(wanted) : undefined;
    if (hit) return hit;
  }
  return newest[0];
}

function resultTime(result: LoggedResult): number {
  return Date.parse(result.scheduledTime ?? result.startedAt) || Date.parse(result.startedAt) || 0;
}

export function buildNotification(input: NotificationInput): Notification {
  const { identity, alarm } = input;
  const severity = input.severity ?? alarmSeverity(identity.kind);
  const state = alarm.NewStateValue;
  const regionLabel = identity.kind === 'global' ? 'global' : input.region;
  // A shared incident (probes of one authorization server failing at once) takes its leader's key.
  const key = incidentKey(input.group ? { ...identity, probe: input.group.leader } : identity, severity);
  const subject = fitSubject(subjectLine(input));
  const headline = headlineOf(input);
  const latest = input.latest;
  const certDays = latest ? fewestCertDays(latest) : undefined;
  const document: NotificationDocument = {
    version: NOTIFICATION_SCHEMA_VERSION,
    incidentKey: key,
    kind: identity.kind,
    severity,
    state,
    previousState: alarm.OldStateValue ?? null,
    probe: identity.probe,
    region: regionLabel,
    ...(identity.kind === 'global'
      ? { failingRegions: input.failingRegions ?? [], reportingRegions: input.reportingRegions ?? [] }
      : {}),
    headline,
    owner: input.owner ?? null,
    group: input.group ?? null,
    alarm: {
      name: alarm.AlarmName,
      reason: alarm.NewStateReason ?? null,
      stateChangeTime: alarm.StateChangeTime,
      account: alarm.AWSAccountId ?? null,
    },
    result: latest
      ? {
          region: latest.region ?? input.region,
          status: latest.status,
          stage: latest.stage,
          step: latest.step,
          code: latest.code,
          message: latest.message,
          hint: latest.hint,
          httpStatus: latest.httpStatus,
          startedAt: latest.startedAt,
          scheduledTime: latest.scheduledTime ?? null,
          durationMs: latest.durationMs,
          tokenLatencyMs: tokenLatency(latest) ?? null,
          credentialDaysLeft: latest.credentialDaysLeft ?? null,
          certificateDaysLeft: certDays ?? null,
        }
      : null,
    lastGoodRun: input.lastGoodRun ?? null,
    links: {
      dashboard: input.links.dashboard ?? null,
      logs: input.links.logs ?? null,
      alarm: input.links.alarm ?? null,
      runbook: input.links.runbook ?? null,
    },
    ...(input.links.runbook ? {} : { runbookSteps: firstSteps(input) }),
  };
  const text = stripControl(scrubSecrets(plainText(input, document)));
  // Scrubbed value by value, never as serialized text (a pattern could cut the JSON in two).
  const json = JSON.stringify(scrubValues(document));
  const message = JSON.stringify({ default: text, email: text, https: json, sqs: json, lambda: json });
  const attributes: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: severity },
    probe: { DataType: 'String', StringValue: identity.probe },
    code: { DataType: 'String', StringValue: attributeCode(input) },
    state: { DataType: 'String', StringValue: state },
    region: { DataType: 'String', StringValue: regionLabel },
    kind: { DataType: 'String', StringValue: identity.kind },
    incidentKey: { DataType: 'String', StringValue: key },
    ...(input.targets
      ? { [TARGETS_ATTRIBUTE]: { DataType: 'String.Array', StringValue: JSON.stringify(input.targets) } }
      : {}),
  };
  return { subject, message, attributes, text, document: JSON.parse(json) as NotificationDocument };
}

/** The `code` attribute: the failing result's code, or a code naming the alarm when there is none. */
function attributeCode(input: NotificationInput): string {
  const { identity, alarm, latest } = input;
  if (alarm.NewStateValue !== 'ALARM') return 'recovered';
  if (identity.kind === 'stopped') return 'not_running';
  if (identity.kind === 'expiry') return 'expiring';
  if (identity.kind === 'security') return 'accepts_invalid_token';
  return latest?.code ?? 'unknown';
}

function subjectLine(input: NotificationInput): string {
  const { identity, alarm, latest, region } = input;
  const probe = identity.probe;
  if (alarm.NewStateValue !== 'ALARM') {
    switch (identity.kind) {
      case 'availability':
        return `[OK] ${probe} recovered (${region})`;
      case 'latency':
        return `[OK] ${probe} latency back to normal (${region})`;
      case 'expiry':
        return `[OK] ${probe} expiry no longer close (${region})`;
      case 'stopped':
        return `[OK] ${probe} running again (${region})`;
      case 'global':
        return `[OK] ${probe} recovered: fewer than ${input.globalFailureRegions ?? 2} regions failing`;
      case 'burnFast':
      case 'burnSlow':
      case 'burnTicket':
        return `[OK] ${probe} error budget no longer burning ${burnWhat(identity.kind)} (${region})`;
      case 'security':
        return `[OK] ${probe} security: the API refuses invalid tokens again (${region})`;
      case 'rotationTest':
        return `[OK] ${probe} rotation test passed (${region})`;
    }
  }
  switch (identity.kind) {
    case 'availability': {
      const tag = input.severity === 'critical' ? '[CRITICAL]' : '[FAIL]';
      return latest?.status === 'fail' && latest.code
        ? `${tag} ${probe}: ${latest.stage ?? 'run'} ${latest.code} (${region})`
        : `${tag} ${probe} failing (${region})`;
    }
    case 'latency':
      return latest?.status === 'degraded' && latest.stage
        ? `[SLOW] ${probe}: ${latest.step ?? latest.stage} slow (${region})`
        : `[SLOW] ${probe} latency high (${region})`;
    case 'expiry': {
      const what = expiringWhat(input);
      return what ? `[EXPIRING] ${probe}: ${what} (${region})` : `[EXPIRING] ${probe}: expires soon (${region})`;
    }
    case 'stopped': {
      const minutes = silentMinutes(alarm.Trigger);
      return `[STOPPED] ${probe}: no run reported${minutes ? ` for ${minutes} min` : ''} (${region})`;
    }
    case 'global': {
      const failing = input.failingRegions ?? [];
      // Without the per-region lookup, the alarm itself says "at least N".
      const count = failing.length ? `${failing.length}` : `${input.globalFailureRegions ?? 2}+`;
      const tag = input.severity === 'warning' ? '[FAIL]' : '[CRITICAL]';
      const cause = latest?.status === 'fail' && latest.code ? `: ${latest.stage ?? 'run'} ${latest.code}` : '';
      const others =
        input.group && input.group.probes.length > 1
          ? ` (+${input.group.probes.length - 1} on ${input.group.authServer})`
          : '';
      return `${tag} ${probe} failing in ${count} regions${cause}${others}`;
    }
    case 'burnFast':
    case 'burnSlow':
    case 'burnTicket': {
      const tag = identity.kind === 'burnTicket' ? '[SLO]' : '[CRITICAL]';
      const code = latest?.status === 'fail' && latest.code ? `: ${latest.stage ?? 'run'} ${latest.code}` : '';
      return `${tag} ${probe} error budget burning ${burnWhat(identity.kind)}${code} (${region})`;
    }
    case 'security':
      return `[SECURITY] ${probe}: API accepts invalid tokens (${region})`;
    case 'rotationTest':
      return latest?.status === 'fail' && latest.code
        ? `[ROTATION BLOCKED] ${probe}: new secret ${latest.stage ?? 'run'} ${latest.code} (${region})`
        : `[ROTATION BLOCKED] ${probe}: new secret failed (${region})`;
  }
}

function isBurn(kind: AlarmIdentity['kind']): kind is 'burnFast' | 'burnSlow' | 'burnTicket' {
  return kind === 'burnFast' || kind === 'burnSlow' || kind === 'burnTicket';
}

function burnWhat(kind: 'burnFast' | 'burnSlow' | 'burnTicket'): string {
  return kind === 'burnFast' ? 'fast' : kind === 'burnSlow' ? 'steadily' : 'slowly';
}

/** The matching runbook's first checks, for a probe with no runbookUrl. */
function firstSteps(input: NotificationInput): NotificationDocument['runbookSteps'] {
  const family = runbookFamily({ kind: input.identity.kind, stage: input.latest?.stage, code: input.latest?.code });
  return { family, path: runbookPath(family), steps: RUNBOOK_FIRST_STEPS[family] };
}

function headlineOf(input: NotificationInput): string {
  const { identity, alarm, latest, region } = input;
  const probe = identity.probe;
  if (alarm.NewStateValue !== 'ALARM') {
    switch (identity.kind) {
      case 'global':
        return `${probe} is no longer failing in ${input.globalFailureRegions ?? 2} or more regions at once.`;
      case 'stopped':
        return `${probe} is reporting runs again in ${region}.`;
      case 'expiry':
        return `${probe}: no certificate or credential is close to expiry any more in ${region}.`;
      case 'latency':
        return `${probe} latency is back under its threshold in ${region}.`;
      case 'availability':
        return `${probe} is passing again in ${region}.`;
      case 'burnFast':
      case 'burnSlow':
      case 'burnTicket':
        return `${probe}: the SLO error budget is no longer burning ${burnWhat(identity.kind)} in ${region}.`;
      case 'security':
        return `${probe}: the API refuses every invalid-token variant again in ${region}.`;
      case 'rotationTest':
        return `${probe}: the new secret of the rotation passed the probe in ${region}.`;
    }
  }
  switch (identity.kind) {
    case 'availability':
      return latest?.status === 'fail'
        ? `${probe} is failing in ${region}: ${latest.message ?? latest.code ?? 'see the latest result'}`
        : `${probe} is failing in ${region}.`;
    case 'latency':
      return `${probe} is slower than its degraded threshold in ${region}${latest?.message ? `: ${latest.message}` : '.'}`;
    case 'expiry':
      return `${probe}: ${expiringWhat(input) ?? 'a certificate or the credential expires soon'} (seen from ${region}). Renew it before it breaks.`;
    case 'stopped': {
      const minutes = silentMinutes(alarm.Trigger);
      const runs = alarm.Trigger?.EvaluationPeriods;
      const when = minutes
        ? ` (${runs} scheduled ${runs === 1 ? 'run' : 'runs'} missed; this alarm fires at most ${minutes + 1} minutes after the last run and stays in ALARM until a run is seen)`
        : '';
      return `${probe}: no run reported${minutes ? ` for ${minutes} minutes` : ''} in ${region}${when}: schedule removed, function failing before it could publish, or throttled. Silence is not health.`;
    }
    case 'global': {
      const failing = input.failingRegions ?? [];
      return failing.length
        ? `${probe} is failing in ${failing.length} regions at once: ${failing.join(', ')}.`
        : `${probe} is failing in ${input.globalFailureRegions ?? 2} or more regions at once.`;
    }
    case 'burnFast':
    case 'burnSlow':
    case 'burnTicket': {
      const share = { burnFast: '2 % in an hour', burnSlow: '5 % in six hours', burnTicket: '10 % in three days' };
      const cause = latest?.status === 'fail' ? `: ${latest.message ?? latest.code ?? 'see the latest result'}` : '.';
      return `${probe} is spending its SLO error budget too fast in ${region} (on course for ${share[identity.kind]})${cause}`;
    }
    case 'security':
      return `SECURITY: ${probe}'s API accepted a request it must refuse (seen from ${region})${latest?.code === 'accepts_invalid_token' && latest.message ? `: ${latest.message}` : '.'} It is not validating bearer tokens; treat this as a security incident.`;
    case 'rotationTest':
      return `${probe}: the rotation's new secret failed the probe in ${region}${latest?.status === 'fail' ? `: ${latest.message ?? latest.code ?? 'see the result'}` : '.'} The rotation was stopped at testSecret: production keeps the current secret. Fix the new secret (or the client's registration at the authorization server), then rotate again.`;
  }
}

function expiringWhat(input: NotificationInput): string | undefined {
  const latest = input.latest;
  if (!latest) return undefined;
  const credential = latest.credentialDaysLeft;
  const cert = fewestCertDays(latest);
  const metric = input.alarm.Trigger?.MetricName;
  const say = (what: string, days: number) =>
    `${what} expires in ${Math.floor(days)} day${Math.floor(days) === 1 ? '' : 's'}`;
  if (metric === 'CertificateDaysLeft' && cert !== undefined) return say('TLS certificate', cert);
  if (metric === 'CredentialDaysLeft' && credential !== undefined) return say('credential', credential);
  if (credential !== undefined && (cert === undefined || credential <= cert)) return say('credential', credential);
  if (cert !== undefined) return say('TLS certificate', cert);
  return undefined;
}

function plainText(input: NotificationInput, doc: NotificationDocument): string {
  const lines: string[] = [doc.headline, ''];
  const row = (label: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') lines.push(`${`${label}:`.padEnd(15)}${value}`);
  };
  row('Probe', doc.probe);
  row('Owner', doc.owner);
  if (doc.group)
    row(
      'Same cause',
      `${doc.group.probes.join(', ')} (${doc.group.authServer}, stage ${doc.group.stage ?? 'unknown'})`,
    );
  row('Region', doc.region === 'global' ? `global (alarm in ${input.region})` : doc.region);
  row('Severity', doc.severity);
  row('State', `${doc.state}${doc.previousState ? ` (was ${doc.previousState})` : ''} at ${doc.alarm.stateChangeTime}`);
  if (doc.failingRegions) {
    row('Failing in', doc.failingRegions.length ? doc.failingRegions.join(', ') : 'unknown');
    row('Reporting', doc.reportingRegions?.join(', '));
  }
  lines.push('');
  const r = doc.result;
  if (r) {
    lines.push(`Latest result (${r.region}, ${r.scheduledTime ?? r.startedAt}):`);
    row('Status', r.status);
    row('Stage', r.stage ? `${r.stage}${r.step ? ` / ${r.step}` : ''}` : null);
    row('Code', r.code);
    row('What', r.message);
    row('Hint', r.hint);
    row('HTTP status', r.httpStatus);
    row(
      'Latency',
      `${r.tokenLatencyMs !== null ? `token ${Math.round(r.tokenLatencyMs)} ms, ` : ''}total ${Math.round(r.durationMs)} ms`,
    );
    row('Credential', r.credentialDaysLeft !== null ? `${Math.floor(r.credentialDaysLeft)} days left` : null);
    row('Certificate', r.certificateDaysLeft !== null ? `${Math.floor(r.certificateDaysLeft)} days left` : null);
  } else {
    lines.push(`No result of ${doc.probe} was found in the probe's log around ${doc.alarm.stateChangeTime}.`);
  }
  row('Last good run', doc.lastGoodRun ?? (input.lastGoodRun === null ? 'none in the last 24 hours' : null));
  lines.push('');
  row('Alarm', doc.alarm.name);
  row('Reason', doc.alarm.reason);
  row('Dashboard', doc.links.dashboard);
  row('Logs', doc.links.logs);
  row('Alarm link', doc.links.alarm);
  row('Runbook', doc.links.runbook);
  if (doc.runbookSteps) {
    lines.push('', `First checks (${doc.runbookSteps.path}):`);
    lines.push(...doc.runbookSteps.steps.map((step, index) => `${index + 1}. ${step}`));
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

function fitSubject(subject: string): string {
  // One line of printable ASCII, as SNS requires.
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

function tokenLatency(result: LoggedResult): number | undefined {
  return result.exchanges?.findLast((e) => e.name === 'token' && e.status !== null)?.timings.totalMs;
}

function fewestCertDays(result: LoggedResult): number | undefined {
  const days = (result.exchanges ?? []).map((e) => e.certDaysLeft).filter((d): d is number => typeof d === 'number');
  return days.length ? Math.min(...days) : undefined;
}
