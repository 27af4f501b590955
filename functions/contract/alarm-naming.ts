/**
 * The one naming function for alarms (like cdk-monitoring-constructs' AlarmNamingStrategy): the CDK
 * app builds names with it and the notifier parses them back, so a notification always knows which
 * probe, region and kind of alarm it speaks of.
 */

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
  /** SLO burn: 2 % of the error budget in 1 h (and burning over the last 5 min). Composite; critical (page). */
  burnFast: 'BurnFast',
  /** SLO burn: 5 % of the error budget in 6 h (and over the last 30 min). Composite; critical (page). */
  burnSlow: 'BurnSlow',
  /** SLO burn: 10 % of the error budget in 3 d (and over the last 6 h). Composite; warning (ticket). */
  burnTicket: 'BurnTicket',
} as const;

/** The burn-rate composites; each has two metric-alarm children named by `burnWindowAlarmName`. */
export const BURN_KINDS = ['burnFast', 'burnSlow', 'burnTicket'] as const;
export type BurnKind = (typeof BURN_KINDS)[number];

export type AlarmKind = keyof typeof ALARM_KINDS;

export interface AlarmIdentity {
  probe: string;
  kind: AlarmKind;
  /** The region the alarm watches; absent for the global alarm. */
  region?: string;
}

/** `OAuthProbe-billing-api-eu-west-1-Availability`, `OAuthProbe-billing-api-Global` */
export function alarmName(identity: AlarmIdentity): string {
  const region = identity.kind === 'global' || !identity.region ? '' : `-${identity.region}`;
  return `${ALARM_PREFIX}-${identity.probe}${region}-${ALARM_KINDS[identity.kind]}`;
}

/**
 * A burn composite's child: `OAuthProbe-billing-api-eu-west-1-BurnFast-Long`. The children carry no
 * actions (the composite notifies), so they need not parse back.
 */
export function burnWindowAlarmName(identity: AlarmIdentity & { kind: BurnKind }, window: 'long' | 'short'): string {
  return `${alarmName(identity)}-${window === 'long' ? 'Long' : 'Short'}`;
}

const REGION_SUFFIX = /-([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)$/;

/** The inverse of `alarmName`; undefined for an alarm that is not ours. */
export function parseAlarmName(name: string): AlarmIdentity | undefined {
  if (!name.startsWith(`${ALARM_PREFIX}-`)) return undefined;
  const rest = name.slice(ALARM_PREFIX.length + 1);
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
 * Severity of a notification: one region failing is a ticket; many regions at once, or an SLO error
 * budget burning fast, is a page.
 */
export function alarmSeverity(kind: AlarmKind): 'warning' | 'critical' {
  return kind === 'global' || kind === 'burnFast' || kind === 'burnSlow' ? 'critical' : 'warning';
}
