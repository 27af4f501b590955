/**
 * The one naming function for alarms (like cdk-monitoring-constructs' AlarmNamingStrategy): the CDK
 * app builds names with it and the notifier parses them back, so a notification always knows which
 * probe, region and kind of alarm it speaks of.
 */

import { alarmPrefix, DEFAULT_DEPLOYMENT_NAME, DEPLOYMENT_NAME_PATTERN } from './deployment-name.js';

/** The alarm name prefix of the default deployment (`alarmPrefix(name)` for any deployment). */
export const ALARM_PREFIX = 'OAuthProbe';

export const ALARM_KINDS = {
  /** M of N runs failed in one region. Warning. */
  availability: 'Availability',
  /** p95 token or API latency above the probe's degradedMs. Warning. */
  latency: 'Latency',
  /** A certificate or the credential expires within the threshold. Warning. */
  expiry: 'Expiry',
  /** No run reported (schedule removed, function crashing, throttled). Warning. */
  stopped: 'Stopped',
  /** Failing from `globalFailureRegions` or more regions at once (home region). Critical. */
  global: 'Global',
  /** SLO burn: 2 % of the error budget in 1 h (and burning over the last 5 min). Composite (lean: one metric alarm); critical (page). */
  burnFast: 'BurnFast',
  /** SLO burn: 5 % of the error budget in 6 h (and over the last 30 min). Composite; critical (page). */
  burnSlow: 'BurnSlow',
  /** SLO burn: 10 % of the error budget in 3 d (and over the last 6 h). Composite; warning (ticket). */
  burnTicket: 'BurnTicket',
  /**
   * The API accepted a token it must refuse (`steps[].rejects`, code accepts_invalid_token). Critical from
   * a single region: a security hole is not a regional blip.
   */
  security: 'Security',
  /**
   * A rotation test failed: the pending secret of a rotation was refused, so the rotation stopped before
   * it went live. No CloudWatch alarm: the probe function publishes it (functions/runtime/probe/rotation-notice.ts).
   * Warning: production still runs on AWSCURRENT.
   */
  rotationTest: 'RotationTest',
} as const;

/**
 * The burn-rate alarms. Full profile: composites, each with two metric-alarm children named by
 * `burnWindowAlarmName`. Lean profile: one metric alarm each, under the same name (no children).
 */
export const BURN_KINDS = ['burnFast', 'burnSlow', 'burnTicket'] as const;
export type BurnKind = (typeof BURN_KINDS)[number];

export type AlarmKind = keyof typeof ALARM_KINDS;

export interface AlarmIdentity {
  /** Config `name` of the deployment. @default "oauth-probe" (names without a deployment part) */
  deployment?: string;
  probe: string;
  kind: AlarmKind;
  /** The region the alarm watches; absent for the global alarm. */
  region?: string;
}

/**
 * `OAuthProbe-billing-api-eu-west-1-Availability`, `OAuthProbe-billing-api-Global` (default deployment);
 * `staging.billing-api-eu-west-1-Availability` (deployment `staging`).
 */
export function alarmName(identity: AlarmIdentity): string {
  const region = identity.kind === 'global' || !identity.region ? '' : `-${identity.region}`;
  return `${alarmPrefix(identity.deployment)}${identity.probe}${region}-${ALARM_KINDS[identity.kind]}`;
}

/**
 * A burn composite's child: `OAuthProbe-billing-api-eu-west-1-BurnFast-Long`. The children carry no
 * actions (the composite notifies), so they need not parse back.
 */
export function burnWindowAlarmName(identity: AlarmIdentity & { kind: BurnKind }, window: 'long' | 'short'): string {
  return `${alarmName(identity)}-${window === 'long' ? 'Long' : 'Short'}`;
}

/** `<name>.` prefix of a named deployment: names have no dot, so the first dot ends it. */
const NAMED_PREFIX = /^([^.]+)\.(.+)$/;

const REGION_SUFFIX = /-([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)$/;

/** The inverse of `alarmName`; undefined for an alarm that is not ours. */
export function parseAlarmName(name: string): AlarmIdentity | undefined {
  let deployment: string | undefined;
  let rest: string;
  const named = NAMED_PREFIX.exec(name);
  if (named) {
    if (!DEPLOYMENT_NAME_PATTERN.test(named[1]!) || named[1] === DEFAULT_DEPLOYMENT_NAME) return undefined;
    deployment = named[1];
    rest = named[2]!;
  } else {
    if (!name.startsWith(`${ALARM_PREFIX}-`)) return undefined;
    rest = name.slice(ALARM_PREFIX.length + 1);
  }
  const identity = parseRest(rest);
  return identity && deployment ? { deployment, ...identity } : identity;
}

function parseRest(rest: string): AlarmIdentity | undefined {
  const entry = Object.entries(ALARM_KINDS).find(([, suffix]) => rest.endsWith(`-${suffix}`));
  if (!entry) return undefined;
  const kind = entry[0] as AlarmKind;
  const head = rest.slice(0, -(entry[1].length + 1));
  if (kind === 'global') return head ? { probe: head, kind } : undefined;
  const region = REGION_SUFFIX.exec(head);
  if (!region) return undefined;
  const probe = head.slice(0, -region[0].length);
  return probe ? { probe, kind, region: region[1]! } : undefined;
}

/**
 * Severity of a notification: one region failing is a ticket; many regions at once, a security finding,
 * or an SLO error budget burning fast is a page.
 */
export function alarmSeverity(kind: AlarmKind): 'warning' | 'critical' {
  return kind === 'global' || kind === 'security' || kind === 'burnFast' || kind === 'burnSlow'
    ? 'critical'
    : 'warning';
}

/** The two alarms that watch the notifier itself (they go straight to the notification topic). */
export const NOTIFIER_ALARMS = {
  /** The notifier function failed (a Publish that failed, a crash): Lambda retries, people should know. */
  errors: 'Errors',
  /** An alarm notification spent its retries and sits in the notifier's dead-letter queue. */
  deadLetters: 'DeadLetters',
} as const;

/**
 * `OAuthProbe-Notifier-eu-west-1-Errors` (`<name>.Notifier-...` for a named deployment): not a probe
 * alarm, so `parseAlarmName` ignores it.
 */
export function notifierAlarmName(region: string, which: keyof typeof NOTIFIER_ALARMS, deployment?: string): string {
  return `${notifierAlarmPrefix(deployment)}${region}-${NOTIFIER_ALARMS[which]}`;
}

/** What every notifier alarm name of a deployment starts with (EventBridge rules and IAM match on it). */
export function notifierAlarmPrefix(deployment?: string): string {
  return `${alarmPrefix(deployment)}Notifier-`;
}

/**
 * The per-region secret version drift alarm (`SecretVersionDrift` metric, no Probe dimension):
 * `OAuthProbe-SecretVersionDrift-eu-west-1` (`<name>.SecretVersionDrift-...`). Not a probe alarm
 * (`parseAlarmName` ignores it): it goes straight to the notification topic, like the notifier's own.
 */
export function secretDriftAlarmName(region: string, deployment?: string): string {
  return `${secretDriftAlarmPrefix(deployment)}${region}`;
}

/** What every drift alarm name of a deployment starts with (EventBridge rules and topic policy match on it). */
export function secretDriftAlarmPrefix(deployment?: string): string {
  return `${alarmPrefix(deployment)}SecretVersionDrift-`;
}

/**
 * The per-region alarm on the probe function's `Throttles` (AWS/Lambda): `OAuthProbe-ProbeThrottles-eu-west-1`
 * (`<name>.ProbeThrottles-...`). A warning that goes straight to the notification topic, like the drift
 * alarm; `parseAlarmName` ignores it (not a probe alarm).
 */
export function probeThrottlesAlarmName(region: string, deployment?: string): string {
  return `${probeThrottlesAlarmPrefix(deployment)}${region}`;
}

/** What every throttles alarm name of a deployment starts with (EventBridge rules and topic policy match on it). */
export function probeThrottlesAlarmPrefix(deployment?: string): string {
  return `${alarmPrefix(deployment)}ProbeThrottles-`;
}

/** `event` of the notifier's log line saying a notification left (`oauth-probe alert-test` waits for it). */
export const NOTIFICATION_PUBLISHED_EVENT = 'notification_published';
