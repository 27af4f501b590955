/**
 * From `notifications` and each probe's `notify` / `page` / `owner` to the routing table the notifier
 * reads (functions/contract/notification-routes.ts), and to the SNS subscriptions of the email and
 * HTTPS targets. One place decides who hears of what; the CDK app and `notify-preview` both use it.
 */

import { DEFAULT_PAGERDUTY_EVENTS_URL } from '../functions/config/defaults.js';
import type { NotificationTarget, ProbeConfig, ProbesConfig } from '../functions/config/schema.js';
import {
  type NotificationRoutes,
  type ProbeRoute,
  type RouteTarget,
  routeOf,
} from '../functions/contract/notification-routes.js';

/** An SNS subscription of the notification topic: one endpoint, told of messages for any of `targets`. */
export interface TopicSubscription {
  protocol: 'email' | 'https';
  endpoint: string;
  /** Target names this endpoint stands for (the `targets` message attribute filter). */
  targets: string[];
}

export interface RoutingPlan {
  routes: NotificationRoutes;
  subscriptions: TopicSubscription[];
  /** True when a chatbot target has no topicArn: the app creates the chat topic. */
  needsChatTopic: boolean;
}

/**
 * Chatbot targets without a `topicArn` publish to the chat topic the app creates: their route names no
 * topic, and the notifier takes the deployment's from its environment (`CHAT_TOPIC_ARN`).
 */
export function routingPlan(config: Pick<ProbesConfig, 'notifications' | 'probes'>): RoutingPlan {
  const targets: Record<string, RouteTarget> = {};
  const endpoints = new Map<string, TopicSubscription>();
  const subscribe = (protocol: 'email' | 'https', endpoint: string, name: string) => {
    const key = `${protocol} ${endpoint}`;
    const existing = endpoints.get(key);
    if (existing) existing.targets.push(name);
    else endpoints.set(key, { protocol, endpoint, targets: [name] });
  };
  let needsChatTopic = false;
  for (const [name, target] of Object.entries(config.notifications?.targets ?? {})) {
    const route = routeTarget(target);
    if (target.chatbot && !target.chatbot.topicArn) needsChatTopic = true;
    targets[name] = route;
    for (const email of list(target.email)) subscribe('email', email, name);
    for (const url of list(target.https)) subscribe('https', url, name);
  }
  // Today's lists keep working: each entry becomes a target named after where it is written.
  const legacy = (severity: 'warning' | 'critical') => {
    const names: string[] = [];
    const section = config.notifications?.[severity];
    section?.emails?.forEach((email, i) => {
      const name = `${severity}.emails[${i}]`;
      targets[name] = { kind: 'email' };
      subscribe('email', email, name);
      names.push(name);
    });
    section?.https?.forEach((url, i) => {
      const name = `${severity}.https[${i}]`;
      targets[name] = { kind: 'https' };
      subscribe('https', url, name);
      names.push(name);
    });
    return [...names, ...(section?.targets ?? [])];
  };
  const warning = legacy('warning');
  // As documented before per-probe routing: warning targets are told of critical alerts too.
  const critical = unique([...legacy('critical'), ...warning]);
  const routes: NotificationRoutes = { targets, defaults: { warning, critical }, probes: {} };
  for (const probe of config.probes) {
    routes.probes[probe.name] = probeRoute(probe, routes.defaults);
  }
  return { routes, subscriptions: [...endpoints.values()], needsChatTopic };
}

/** A probe's route, only what differs from the defaults (the table stays small for a fleet). */
function probeRoute(probe: ProbeConfig, defaults: { warning: string[]; critical: string[] }): Partial<ProbeRoute> {
  const authServer = authServerOf(probe);
  const differs = (a: string[] | undefined, b: string[]) => a !== undefined && a.join('\n') !== b.join('\n');
  return {
    ...(differs(probe.notify?.warning, defaults.warning) ? { warning: probe.notify!.warning! } : {}),
    ...(differs(probe.notify?.critical, defaults.critical) ? { critical: probe.notify!.critical! } : {}),
    ...(probe.page && probe.page !== 'global' ? { page: probe.page } : {}),
    ...(probe.owner ? { owner: probe.owner } : {}),
    ...(authServer ? { authServer } : {}),
  };
}

/** The authorization server a probe talks to: the issuer's host, else the token endpoint's host. */
export function authServerOf(probe: Pick<ProbeConfig, 'issuer' | 'tokenUrl'>): string | undefined {
  for (const url of [probe.issuer, probe.tokenUrl]) {
    if (!url) continue;
    try {
      return new URL(url).host;
    } catch {}
  }
  return undefined;
}

function routeTarget(target: NotificationTarget): RouteTarget {
  if (target.pagerDuty) {
    return {
      kind: 'pagerDuty',
      routingKeySecretId: target.pagerDuty.routingKeySecretId,
      eventsUrl: target.pagerDuty.eventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL,
    };
  }
  if (target.slack) return { kind: 'slack', webhookSecretId: target.slack.webhookSecretId };
  if (target.teams) return { kind: 'teams', webhookSecretId: target.teams.webhookSecretId };
  if (target.chatbot)
    return { kind: 'chatbot', ...(target.chatbot.topicArn ? { topicArn: target.chatbot.topicArn } : {}) };
  if (target.email) return { kind: 'email' };
  return { kind: 'https' };
}

/** The target names a notification of `probe` at `severity` goes to. */
export function targetsFor(routes: NotificationRoutes, probe: string, severity: 'warning' | 'critical'): string[] {
  return routeOf(routes, probe)[severity];
}

/** Secret ids the notifier reads (for IAM grants). */
export function channelSecretIds(routes: NotificationRoutes): string[] {
  return unique(
    Object.values(routes.targets).flatMap((t) =>
      t.kind === 'pagerDuty'
        ? [t.routingKeySecretId]
        : t.kind === 'slack' || t.kind === 'teams'
          ? [t.webhookSecretId]
          : [],
    ),
  );
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
