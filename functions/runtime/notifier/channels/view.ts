/**
 * What every channel shows, taken once from the notification document: a title, the one-line
 * diagnosis, labelled facts and links. The vendor modules only lay these out in their own format, so
 * PagerDuty, Slack, Teams and Chatbot always say the same thing.
 */
import type { NotificationDocument } from '../../shared/notification.js';

export interface IncidentView {
  title: string;
  firing: boolean;
  headline: string;
  facts: { label: string; value: string }[];
  links: { text: string; href: string }[];
}

export function incidentView(doc: NotificationDocument, subject: string): IncidentView {
  const r = doc.result;
  const facts: { label: string; value: string }[] = [];
  const add = (label: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') facts.push({ label, value: String(value) });
  };
  add('Probe', doc.probe);
  add('Owner', doc.owner);
  add('Severity', doc.severity);
  add('Regions', doc.failingRegions?.length ? doc.failingRegions.join(', ') : doc.region);
  if (doc.group && doc.group.probes.length > 1) {
    add('Same cause', `${doc.group.probes.join(', ')} (${doc.group.authServer})`);
  }
  add('Stage', r?.stage ? `${r.stage}${r.step ? ` / ${r.step}` : ''}` : null);
  add('Code', r?.code);
  add('HTTP status', r?.httpStatus);
  add('Hint', r?.hint);
  add('Last good run', doc.lastGoodRun ?? (doc.state === 'ALARM' ? 'none found in 24 h' : null));
  const links: { text: string; href: string }[] = [];
  const link = (text: string, href: string | null) => {
    if (href) links.push({ text, href });
  };
  link('Dashboard', doc.links.dashboard);
  link('Logs', doc.links.logs);
  link('Alarm', doc.links.alarm);
  link('Runbook', doc.links.runbook);
  return { title: subject, firing: doc.state === 'ALARM', headline: doc.headline, facts, links };
}

/** Cuts `text` to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
