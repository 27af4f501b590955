/**
 * The routing table the CDK app hands the notifier (a JSON file in a Lambda layer, `NOTIFY_ROUTES_FILE`;
 * or the environment `NOTIFY_ROUTES`, JSON, as deployments before the file did): which named
 * targets hear of which probe at which severity, the probe's paging rule, owner and authorization
 * server. Only ids, ARNs and names travel here, never a routing key or a webhook URL (those stay in
 * Secrets Manager and are read by the notifier).
 *
 * Email and HTTPS targets are SNS subscriptions of the notification topic that filter on the
 * `targets` message attribute; the native channels (PagerDuty, Slack, Teams, Chatbot) are called by
 * the notifier itself.
 */

import { type AlarmKind, alarmSeverity } from './alarm-naming.js';

export const PAGE_RULE_VALUES = ['global', 'any-region', 'never'] as const;
export type PageRuleValue = (typeof PAGE_RULE_VALUES)[number];

export type RouteTarget =
  | { kind: 'pagerDuty'; routingKeySecretId: string; eventsUrl: string }
  | { kind: 'slack'; webhookSecretId: string }
  | { kind: 'teams'; webhookSecretId: string }
  /** No `topicArn`: the chat topic the deployment creates (the notifier's `CHAT_TOPIC_ARN`). */
  | { kind: 'chatbot'; topicArn?: string }
  | { kind: 'email' }
  | { kind: 'https' };

export type RouteTargetKind = RouteTarget['kind'];

export interface ProbeRoute {
  warning: string[];
  critical: string[];
  page: PageRuleValue;
  owner?: string;
  /** Host of the issuer, else of the token endpoint: probes sharing it are grouped into one incident. */
  authServer?: string;
}

export interface NotificationRoutes {
  targets: Record<string, RouteTarget>;
  /** Routing of a probe that has no entry (and of alarms of unknown probes). */
  defaults: { warning: string[]; critical: string[] };
  /** Per probe, only what differs from the defaults. */
  probes: Record<string, Partial<ProbeRoute>>;
}

/** Message attribute (String.Array) listing the targets a notification is for; SNS subscriptions filter on it. */
export const TARGETS_ATTRIBUTE = 'targets';

export const EMPTY_ROUTES: NotificationRoutes = { targets: {}, defaults: { warning: [], critical: [] }, probes: {} };

/** The route of a probe: its own entry, else the defaults with the default paging rule. */
export function routeOf(routes: NotificationRoutes, probe: string): ProbeRoute {
  return { ...routes.defaults, page: 'global', ...routes.probes[probe] };
}

/**
 * Severity of an alarm of this probe: the global alarm pages unless the probe never pages; with
 * `page: "any-region"` a regional availability alarm pages too. Everything else is a warning.
 */
export function routedSeverity(kind: AlarmKind, page: PageRuleValue): 'warning' | 'critical' {
  if (page === 'never') return 'warning';
  if (kind === 'availability' && page === 'any-region') return 'critical';
  // Otherwise the alarm kind decides: global (and security, SLO fast burns) page, the rest are tickets.
  return alarmSeverity(kind);
}

/**
 * Parses the routing table; an absent value routes nothing natively (SNS as before). Chatbot targets
 * without a topic get `chatTopicArn` (the deployment's chat topic).
 */
export function parseRoutes(text: string | undefined, chatTopicArn?: string): NotificationRoutes {
  if (!text) return EMPTY_ROUTES;
  const value = JSON.parse(text) as Partial<NotificationRoutes>;
  const targets: Record<string, RouteTarget> = {};
  for (const [name, target] of Object.entries(value.targets ?? {})) {
    targets[name] =
      target.kind === 'chatbot' && !target.topicArn && chatTopicArn ? { ...target, topicArn: chatTopicArn } : target;
  }
  return {
    targets,
    defaults: { warning: value.defaults?.warning ?? [], critical: value.defaults?.critical ?? [] },
    probes: value.probes ?? {},
  };
}
