/**
 * One incident per cause, decided by the notifier before anyone is told:
 * - routing: severity from the probe's `page` rule, target names, owner (functions/contract/notification-routes.ts);
 * - a regional availability or latency alarm is suppressed while the probe's global alarm is in ALARM
 *   (the page already says it; this is notifier logic, because a composite alarm's ActionsSuppressor
 *   cannot watch an alarm in another region and the global alarm lives in the home region);
 * - probes that share an authorization server and fail at the same stage at once share one incident:
 *   the later ones join the first one's incident key, and the incident resolves only when the last of
 *   them recovers.
 * Lookups are bounded by an abort deadline; when one fails, the alert goes out unsuppressed and
 * ungrouped (a duplicate beats a lost page).
 */
import { type CloudWatchClient, DescribeAlarmsCommand, StateValue } from '@aws-sdk/client-cloudwatch';
import { type AlarmIdentity, alarmName } from '../../contract/alarm-naming.js';
import { type NotificationRoutes, routedSeverity, routeOf } from '../../contract/notification-routes.js';
import type { RuntimeLogger } from '../shared/log.js';
import type { IncidentGroup } from '../shared/notification.js';

export const ALARM_LOOKUP_DEADLINE_MS = 3_000;
/** Probes failing within this window of each other are "at once". */
export const GROUP_WINDOW_MS = 15 * 60_000;

export interface Routing {
  severity: 'warning' | 'critical';
  targets: string[];
  owner?: string;
  authServer?: string;
}

export function routingFor(routes: NotificationRoutes, identity: AlarmIdentity): Routing {
  const route = routeOf(routes, identity.probe);
  const severity = routedSeverity(identity.kind, route.page);
  return {
    severity,
    targets: route[severity],
    ...(route.owner ? { owner: route.owner } : {}),
    ...(route.authServer ? { authServer: route.authServer } : {}),
  };
}

interface AlarmState {
  name: string;
  state: string;
  updated?: Date;
}

/** States of alarms by name (home region); undefined when the lookup failed. */
export async function alarmStates(
  client: CloudWatchClient,
  names: string[],
  logger: RuntimeLogger,
): Promise<Map<string, AlarmState> | undefined> {
  if (names.length === 0) return new Map();
  try {
    const states = new Map<string, AlarmState>();
    // DescribeAlarms takes at most 100 names per call.
    for (let i = 0; i < names.length; i += 100) {
      const output = await client.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) }), {
        abortSignal: AbortSignal.timeout(ALARM_LOOKUP_DEADLINE_MS),
      });
      for (const alarm of output.MetricAlarms ?? []) {
        if (!alarm.AlarmName) continue;
        states.set(alarm.AlarmName, {
          name: alarm.AlarmName,
          state: alarm.StateValue ?? 'UNKNOWN',
          ...(alarm.StateUpdatedTimestamp ? { updated: alarm.StateUpdatedTimestamp } : {}),
        });
      }
    }
    return states;
  } catch (error) {
    logger.warn('alarm state lookup failed; sending without suppression or grouping', {
      event: 'notification_enrichment_failed',
      operation: 'DescribeAlarms',
      errorName: (error as { name?: string } | null)?.name ?? 'UnknownError',
    });
    return undefined;
  }
}

/** True when a regional alarm of a probe should stay quiet because its global alarm is in ALARM. */
export async function suppressedByGlobal(
  identity: AlarmIdentity,
  client: CloudWatchClient,
  logger: RuntimeLogger,
): Promise<boolean> {
  // Same cause as the page: failing or slow runs. Expiry and Stopped are other causes and still go out.
  if (identity.kind !== 'availability' && identity.kind !== 'latency') return false;
  const name = alarmName({ probe: identity.probe, kind: 'global' });
  const states = await alarmStates(client, [name], logger);
  return states?.get(name)?.state === StateValue.ALARM;
}

/** Probes (other than `probe`) that share its authorization server. */
export function siblingsOf(routes: NotificationRoutes, probe: string): string[] {
  const server = routes.probes[probe]?.authServer;
  if (!server) return [];
  return Object.entries(routes.probes)
    .filter(([name, route]) => name !== probe && route.authServer === server)
    .map(([name]) => name)
    .sort();
}

/**
 * The global alarms of the siblings that are in ALARM now and went there within GROUP_WINDOW_MS of
 * `at`, first to fail first; `stageOf` tells a sibling's failing stage (same stage = same cause).
 */
export async function incidentGroup(args: {
  routes: NotificationRoutes;
  probe: string;
  stage: string | null;
  at: Date;
  client: CloudWatchClient;
  logger: RuntimeLogger;
  stageOf: (probe: string) => Promise<string | null | undefined>;
}): Promise<IncidentGroup | undefined> {
  const { routes, probe, at } = args;
  const siblings = siblingsOf(routes, probe);
  const server = routes.probes[probe]?.authServer;
  if (!server || siblings.length === 0) return undefined;
  const names = siblings.map((p) => alarmName({ probe: p, kind: 'global' }));
  const states = await alarmStates(args.client, names, args.logger);
  if (!states) return undefined;
  const failing: { probe: string; since: number }[] = [];
  for (const sibling of siblings) {
    const state = states.get(alarmName({ probe: sibling, kind: 'global' }));
    if (state?.state !== StateValue.ALARM) continue;
    const since = state.updated?.getTime() ?? at.getTime();
    if (Math.abs(at.getTime() - since) > GROUP_WINDOW_MS) continue;
    if ((await args.stageOf(sibling)) !== args.stage) continue;
    failing.push({ probe: sibling, since });
  }
  if (failing.length === 0) return undefined;
  failing.sort((a, b) => a.since - b.since || a.probe.localeCompare(b.probe));
  const leader = failing[0]!.probe;
  return { authServer: server, stage: args.stage, probes: [...failing.map((f) => f.probe), probe], leader };
}

/** On a global OK: siblings still in ALARM keep the shared incident open (no resolve yet). */
export async function siblingsStillFailing(
  routes: NotificationRoutes,
  probe: string,
  client: CloudWatchClient,
  logger: RuntimeLogger,
): Promise<string[]> {
  const siblings = siblingsOf(routes, probe);
  const states = await alarmStates(
    client,
    siblings.map((p) => alarmName({ probe: p, kind: 'global' })),
    logger,
  );
  if (!states) return [];
  return siblings.filter((p) => states.get(alarmName({ probe: p, kind: 'global' }))?.state === StateValue.ALARM);
}
