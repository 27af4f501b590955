/**
 * Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"; the Office
 * 365 connectors and their MessageCard are retired): a message with one Adaptive Card attachment
 * (adaptivecards.io schema, version 1.4, which Teams renders on desktop and mobile).
 *
 * Limits kept: the card stays under Teams' 28 KB message size; facts and texts are cut to fit.
 */
import type { NotificationDocument } from '../../shared/notification.js';
import { clip, incidentView } from './view.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const ADAPTIVE_CARD_VERSION = '1.4';
export const TEAMS_MAX_BYTES = 28 * 1024;

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[];
}

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: string;
  body: Record<string, unknown>[];
  actions?: { type: 'Action.OpenUrl'; title: string; url: string }[];
  msteams?: { width: 'Full' };
}

export function teamsMessage(doc: NotificationDocument, subject: string): TeamsMessage {
  const view = incidentView(doc, subject);
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: clip(subject, 200),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: view.firing ? (doc.severity === 'critical' ? 'Attention' : 'Warning') : 'Good',
    },
    { type: 'TextBlock', text: clip(doc.headline, 2000), wrap: true },
  ];
  if (view.firing) {
    body.push({
      type: 'FactSet',
      facts: view.facts.map((f) => ({ title: f.label, value: clip(f.value, 1000) })),
    });
  }
  const card: AdaptiveCard = {
    $schema: ADAPTIVE_CARD_SCHEMA,
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(view.links.length
      ? { actions: view.links.map((l) => ({ type: 'Action.OpenUrl' as const, title: l.text, url: l.href })) }
      : {}),
    msteams: { width: 'Full' },
  };
  return {
    type: 'message',
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}
