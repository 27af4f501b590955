/**
 * PagerDuty Events API v2 (developer.pagerduty.com, "Events API v2", "Send an Alert Event"):
 * `trigger` on ALARM, `resolve` on OK, with one stable `dedup_key` per incident (functions/runtime/
 * notification.ts `incidentKey`), so the OK closes exactly the alert the ALARM opened.
 *
 * Limits kept: `payload.summary` ≤ 1024 characters, `dedup_key` ≤ 255, body ≤ 512 KB; severity is one
 * of critical | error | warning | info. A 400 means the event or the routing key is wrong: logged as a
 * configuration error by the notifier and never retried; 429 and 5xx are retried (./delivery.ts).
 */
import type { NotificationDocument } from '../../shared/notification.js';
import { clip, incidentView } from './view.js';

export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
export const PAGERDUTY_BODY_MAX_BYTES = 512 * 1024;

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  links?: { href: string; text: string }[];
  client?: string;
  client_url?: string;
}

/** Our severity to PagerDuty's: a page is `critical`, a ticket `warning`. */
export function pagerDutySeverity(severity: NotificationDocument['severity']): 'critical' | 'warning' {
  return severity === 'critical' ? 'critical' : 'warning';
}

export function pagerDutyEvent(doc: NotificationDocument, subject: string, routingKey: string): PagerDutyEvent {
  const dedupKey = clip(doc.incidentKey, PAGERDUTY_DEDUP_KEY_MAX);
  if (doc.state !== 'ALARM') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const view = incidentView(doc, subject);
  const r = doc.result;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: clip(`${subject} - ${doc.headline}`, PAGERDUTY_SUMMARY_MAX),
      source: `oauth-probe/${doc.probe}/${doc.region}`,
      severity: pagerDutySeverity(doc.severity),
      timestamp: toIso(doc.alarm.stateChangeTime),
      component: doc.probe,
      group: doc.group?.authServer ?? doc.region,
      ...(r?.code ? { class: r.code } : {}),
      custom_details: {
        ...Object.fromEntries(view.facts.map((f) => [f.label, f.value])),
        message: r?.message ?? null,
        alarm: doc.alarm.name,
        reason: doc.alarm.reason,
        ...(doc.group ? { probes: doc.group.probes } : {}),
      },
    },
    links: view.links.map((l) => ({ href: l.href, text: l.text })),
    client: 'oauth-probe',
    ...(doc.links.dashboard ? { client_url: doc.links.dashboard } : {}),
  };
}

/** CloudWatch's `2026-11-22T03:05:43.123+0000` as ISO 8601 (PagerDuty parses `+00:00`). */
function toIso(value: string): string | undefined {
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
