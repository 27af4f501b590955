/**
 * The plan told as a person reads it: which alarm of which probe notifies whom, with which severity,
 * from which regions. `validate` prints it, `notify-preview` lists a probe's rows, the docs show it.
 */
import { ALARM_KINDS } from '../functions/contract/index.js';
import type { Delivery, PlannedAlarm, PlannedAlarmKind, Severity } from './alarms.js';
import type { DeploymentPlan } from './plan.js';

export interface RoutingRow {
  /** Absent for the deployment's own alarms (notifier, secret drift). */
  probe?: string;
  kind: PlannedAlarmKind;
  /** `Availability`, `BurnFast`, `Notifier errors`, ... */
  label: string;
  severity?: Severity;
  delivery: Delivery;
  /** The regions it watches (the home region for Global). */
  regions: string[];
  targets: string[];
  /** The alarm names the row stands for. */
  alarms: string[];
}

const OWN_LABELS: Partial<Record<PlannedAlarmKind, string>> = {
  notifierErrors: 'Notifier errors',
  notifierDeadLetters: 'Notifier dead letters',
  secretDrift: 'Secret drift',
  probeThrottles: 'Probe throttles',
};

/** The label of an alarm kind as alarm names and notifications say it. */
export function alarmKindLabel(kind: PlannedAlarmKind): string {
  if (kind === 'burnWindow') return 'Burn window';
  return OWN_LABELS[kind] ?? ALARM_KINDS[kind as keyof typeof ALARM_KINDS] ?? kind;
}

/**
 * One row per probe, alarm kind, severity and set of targets (regions merged), probes in plan order,
 * then the deployment's own alarms. Window alarms of burn composites (no actions) are left out.
 */
export function routingTable(plan: DeploymentPlan): RoutingRow[] {
  const rows = new Map<string, RoutingRow>();
  const add = (alarm: PlannedAlarm) => {
    if (alarm.delivery === 'none') return;
    const key = [alarm.probe ?? '', alarm.kind, alarm.severity ?? '', alarm.targets.join(',')].join('\u0000');
    const row = rows.get(key) ?? {
      ...(alarm.probe ? { probe: alarm.probe } : {}),
      kind: alarm.kind,
      label: alarmKindLabel(alarm.kind),
      ...(alarm.severity ? { severity: alarm.severity } : {}),
      delivery: alarm.delivery,
      regions: [],
      targets: alarm.targets,
      alarms: [],
    };
    if (!row.regions.includes(alarm.region)) row.regions.push(alarm.region);
    row.alarms.push(alarm.name);
    rows.set(key, row);
  };
  const order = new Map(plan.probes.map((p, i) => [p.name, i]));
  const probeAlarms = plan.alarms
    .filter((a) => a.probe !== undefined)
    .sort((a, b) => order.get(a.probe!)! - order.get(b.probe!)!);
  for (const alarm of probeAlarms) add(alarm);
  for (const alarm of plan.alarms.filter((a) => a.probe === undefined)) add(alarm);
  return [...rows.values()];
}
