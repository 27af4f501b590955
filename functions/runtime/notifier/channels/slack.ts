/**
 * Slack incoming webhook (api.slack.com, "Sending messages using incoming webhooks", Block Kit
 * reference): `text` (the notification fallback) and `blocks`. An ALARM is a header, the diagnosis,
 * up to 10 fields and link buttons; an OK is one short "recovered" section.
 *
 * Limits kept: ≤ 50 blocks; header plain_text ≤ 150; section text ≤ 3000; ≤ 10 fields of ≤ 2000;
 * button text ≤ 75 and URL ≤ 3000 (a longer link is left out rather than cut, a cut URL is broken).
 */
import type { NotificationDocument } from '../../shared/notification.js';
import { clip, incidentView } from './view.js';

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  actionElements: 25,
  text: 40_000,
} as const;

type Text = { type: 'plain_text' | 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: { type: 'button'; text: Text; url: string }[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export function slackMessage(doc: NotificationDocument, subject: string): SlackMessage {
  const view = incidentView(doc, subject);
  if (!view.firing) {
    return {
      text: clip(subject, SLACK_LIMITS.text),
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: clip(
              `:white_check_mark: *${escapeMrkdwn(subject)}*\n${escapeMrkdwn(doc.headline)}`,
              SLACK_LIMITS.sectionText,
            ),
          },
        },
      ],
    };
  }
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(subject, SLACK_LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(doc.headline), SLACK_LIMITS.sectionText) } },
  ];
  const fields = view.facts.slice(0, SLACK_LIMITS.fields).map((f) => ({
    type: 'mrkdwn' as const,
    text: clip(`*${f.label}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText),
  }));
  if (fields.length) blocks.push({ type: 'section', fields });
  const buttons = view.links
    .filter((l) => l.href.length <= SLACK_LIMITS.buttonUrl)
    .slice(0, SLACK_LIMITS.actionElements)
    .map((l) => ({
      type: 'button' as const,
      text: { type: 'plain_text' as const, text: clip(l.text, SLACK_LIMITS.buttonText) },
      url: l.href,
    }));
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(`${escapeMrkdwn(doc.alarm.name)} · ${doc.alarm.stateChangeTime}`, SLACK_LIMITS.sectionText),
      },
    ],
  });
  return { text: clip(`${subject}: ${doc.headline}`, SLACK_LIMITS.text), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

/** Slack's three control characters in mrkdwn (api.slack.com "Formatting text": escape &, <, >). */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
