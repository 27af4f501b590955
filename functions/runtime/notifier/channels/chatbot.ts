/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot), custom notifications ("Custom
 * notifications using Amazon Q Developer in chat applications", admin guide): the SNS message is JSON
 * with `version: "1.0"` and `source: "custom"`, a `content` (client-markdown title and description,
 * next steps, keywords) and `metadata`; the same `metadata.threadId` threads the ALARM and the OK.
 */
import type { NotificationDocument } from '../../shared/notification.js';
import { clip, incidentView } from './view.js';

export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

export function chatbotNotification(doc: NotificationDocument, subject: string): ChatbotNotification {
  const view = incidentView(doc, subject);
  const description = [
    doc.headline,
    ...(view.firing ? view.facts.map((f) => `*${f.label}:* ${f.value}`) : []),
    view.links.map((l) => `<${l.href}|${l.text}>`).join(' · '),
  ]
    .filter(Boolean)
    .join('\n');
  const nextSteps = view.firing
    ? [
        ...(doc.result?.hint ? [doc.result.hint] : []),
        ...(doc.links.runbook ? [`Follow the runbook: ${doc.links.runbook}`] : []),
      ]
    : [];
  return {
    version: '1.0',
    source: 'custom',
    id: `${doc.incidentKey}/${doc.state}/${doc.alarm.stateChangeTime}`,
    content: {
      textType: 'client-markdown',
      title: clip(
        `${view.firing ? (doc.severity === 'critical' ? ':rotating_light:' : ':warning:') : ':white_check_mark:'} ${subject}`,
        250,
      ),
      description: clip(description, 8000),
      ...(nextSteps.length ? { nextSteps } : {}),
      keywords: [doc.probe, doc.severity, doc.state, ...(doc.result?.code ? [doc.result.code] : [])],
    },
    metadata: {
      threadId: doc.incidentKey,
      summary: clip(subject, 250),
      eventType: `oauth-probe-${doc.kind}-${doc.state}`,
      relatedResources: [doc.alarm.name],
      additionalContext: {
        probe: doc.probe,
        region: doc.region,
        severity: doc.severity,
        ...(doc.result?.code ? { code: doc.result.code } : {}),
      },
    },
  };
}
