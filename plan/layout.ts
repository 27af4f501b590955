/**
 * Where things go: which shard stack a probe lives in (a stable hash of its name) and how probes are
 * grouped into dashboards, with the sizes each grouping is checked against (./quotas.ts).
 */
import type { ResolvedProbe } from '../functions/config/resolve.js';
import type { PlannedAlarm } from './alarms.js';
import { BUDGETS, QUOTAS } from './limits.js';

/**
 * The shard of a probe: FNV-1a of its name modulo the shard count. Depends on nothing but the name and
 * the count, so adding or removing a probe never moves another (its alarms would be deleted and created
 * again); only changing `shards` moves probes. A hand-written hash because it must never change between
 * Node versions or library updates.
 */
export function shardOf(probeName: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < probeName.length; i++) {
    hash ^= probeName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * How the dashboards (lib/constructs/probe-dashboard.ts: On-call, Executive and Debug per group of
 * probes) grow with their probes: fixed rows plus rows per probe, and alarm-status widgets of at most
 * 100 alarms each; the estimate bounds the largest of the three (On-call). A group holds at most
 * `probesPerDashboard` probes: a widget's SEARCH returns at most that many series per region on the
 * pages' charts. A dashboard layout that changes these must change this plan; test/cdk/dashboards.test.ts
 * compares it with the real bodies.
 */
export const DASHBOARD_LAYOUT = {
  probesPerDashboard: 25,
  fixedWidgets: 8,
  widgetsPerProbe: 7,
  bytesPerWidget: 700,
  bytesPerProbeRegion: 1_600,
  bytesPerAlarm: 160,
} as const;

export interface DashboardGroupPlan {
  /** 0 is the main dashboard (`OAuthProbe`); the others are `OAuthProbe-2`, ... */
  index: number;
  probes: ResolvedProbe[];
  widgets: number;
  /** Alarms shown in the group's alarm-status widgets (every alarm that notifies). */
  alarms: number;
  bodyBytes: number;
}

/** Alarms that notify, per probe name: what the dashboards' alarm-status widgets list. */
export type AlarmsByProbe = ReadonlyMap<string, readonly PlannedAlarm[]>;

function dashboardCost(probes: readonly ResolvedProbe[], alarmsByProbe: AlarmsByProbe) {
  const alarms = probes.reduce(
    (n, p) => n + (alarmsByProbe.get(p.name) ?? []).filter((a) => a.delivery !== 'none').length,
    0,
  );
  const probeRegions = probes.reduce((n, p) => n + p.regions.length, 0);
  const widgets =
    DASHBOARD_LAYOUT.fixedWidgets +
    DASHBOARD_LAYOUT.widgetsPerProbe * probes.length +
    Math.max(0, Math.ceil(alarms / QUOTAS.alarmsPerStatusWidget) - 1);
  const bodyBytes =
    widgets * DASHBOARD_LAYOUT.bytesPerWidget +
    probeRegions * DASHBOARD_LAYOUT.bytesPerProbeRegion +
    alarms * DASHBOARD_LAYOUT.bytesPerAlarm;
  return { alarms, widgets, bodyBytes };
}

/**
 * Probes in name order, cut into dashboards that each stay within the widget, alarm-widget and body
 * budgets. A probe that alone exceeds them still gets a dashboard (reported by the quota checks).
 */
export function dashboardGroups(probes: readonly ResolvedProbe[], alarmsByProbe: AlarmsByProbe): DashboardGroupPlan[] {
  const groups: DashboardGroupPlan[] = [];
  let current: ResolvedProbe[] = [];
  const fits = (candidate: ResolvedProbe[]) => {
    const cost = dashboardCost(candidate, alarmsByProbe);
    return (
      candidate.length <= DASHBOARD_LAYOUT.probesPerDashboard &&
      cost.widgets <= QUOTAS.widgetsPerDashboard &&
      cost.bodyBytes <= BUDGETS.dashboardBodyBytes
    );
  };
  const close = () => {
    if (current.length === 0) return;
    groups.push({ index: groups.length, probes: current, ...dashboardCost(current, alarmsByProbe) });
    current = [];
  };
  for (const probe of [...probes].sort((a, b) => a.name.localeCompare(b.name))) {
    if (current.length > 0 && !fits([...current, probe])) close();
    current.push(probe);
  }
  close();
  if (groups.length === 0) groups.push({ index: 0, probes: [], ...dashboardCost([], alarmsByProbe) });
  return groups;
}
