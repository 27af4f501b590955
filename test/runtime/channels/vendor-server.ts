/**
 * A local stand-in for the vendors' endpoints on 127.0.0.1 that checks what each vendor documents as
 * required and as limits, and answers like the vendor does (PagerDuty 202 / 400 with errors[]; Slack
 * 200 "ok" / 400 "invalid_blocks"; Teams Workflows 202). Scripted answers (429 with Retry-After, 500)
 * come first when queued.
 *
 * Sources: PagerDuty developer docs "Events API v2" (required routing_key, event_action, dedup_key
 * ≤ 255, payload.summary ≤ 1024 / source / severity enum for trigger, 512 KB body); Slack "Block Kit"
 * reference (≤ 50 blocks, header plain_text ≤ 150, section text ≤ 3000, ≤ 10 fields ≤ 2000, button
 * text ≤ 75 / url ≤ 3000); Microsoft "Create incoming webhooks with Workflows" and adaptivecards.io
 * (message with attachments[].contentType application/vnd.microsoft.card.adaptive, card type
 * AdaptiveCard with version and body, ≤ 28 KB).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  body: unknown;
  problems: string[];
}

export interface VendorServer {
  url: string;
  received: Received[];
  /** Answers to give before validating, in order, e.g. { status: 429, headers: { 'retry-after': '0' } }. */
  script: { status: number; headers?: Record<string, string>; body?: string }[];
  close(): Promise<void>;
}

export async function startVendorServer(): Promise<VendorServer> {
  const received: Received[] = [];
  const script: VendorServer['script'] = [];
  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    const path = req.url ?? '/';
    let body: unknown;
    const problems: string[] = [];
    if (req.headers['content-type'] !== 'application/json') problems.push('content-type is not application/json');
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('body is not JSON');
    }
    if (body !== undefined) {
      if (path.startsWith('/pagerduty')) problems.push(...pagerDutyProblems(body, text));
      else if (path.startsWith('/slack')) problems.push(...slackProblems(body));
      else if (path.startsWith('/teams')) problems.push(...teamsProblems(body, text));
    }
    received.push({ path, body, problems });
    const scripted = script.shift();
    if (scripted) {
      res.writeHead(scripted.status, scripted.headers ?? {});
      res.end(scripted.body ?? '');
      return;
    }
    if (problems.length) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: problems }));
      return;
    }
    res.writeHead(path.startsWith('/slack') ? 200 : 202, { 'content-type': 'application/json' });
    res.end(
      path.startsWith('/pagerduty')
        ? JSON.stringify({ status: 'success', dedup_key: (body as { dedup_key?: string }).dedup_key })
        : 'ok',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function pagerDutyProblems(body: unknown, text: string): string[] {
  const e = body as Record<string, unknown>;
  const p: string[] = [];
  if (Buffer.byteLength(text) > 512 * 1024) p.push('body over 512 KB');
  if (!str(e.routing_key) || e.routing_key.length !== 32)
    p.push('routing_key must be the 32-character integration key');
  if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action as string)) p.push('event_action invalid');
  if (e.dedup_key !== undefined && (!str(e.dedup_key) || e.dedup_key.length > 255)) p.push('dedup_key over 255');
  if (e.event_action !== 'trigger' && !str(e.dedup_key)) p.push('dedup_key required to acknowledge or resolve');
  if (e.event_action === 'trigger') {
    const payload = e.payload as Record<string, unknown> | undefined;
    if (!payload) p.push('payload required for trigger');
    else {
      if (!str(payload.summary) || payload.summary.length > 1024) p.push('payload.summary missing or over 1024');
      if (!str(payload.source)) p.push('payload.source missing');
      if (!['critical', 'error', 'warning', 'info'].includes(payload.severity as string))
        p.push('payload.severity invalid');
      if (payload.timestamp !== undefined && Number.isNaN(Date.parse(payload.timestamp as string)))
        p.push('payload.timestamp not ISO 8601');
    }
    for (const link of (e.links as { href?: unknown; text?: unknown }[] | undefined) ?? []) {
      if (!str(link.href)) p.push('links[].href missing');
    }
  }
  return p;
}

export function slackProblems(body: unknown): string[] {
  const m = body as { text?: unknown; blocks?: Record<string, unknown>[] };
  const p: string[] = [];
  if (!str(m.text) && !m.blocks?.length) p.push('text or blocks required');
  const blocks = m.blocks ?? [];
  if (blocks.length > 50) p.push('more than 50 blocks');
  for (const block of blocks) {
    const text = block.text as { type?: string; text?: string } | undefined;
    if (block.type === 'header') {
      if (text?.type !== 'plain_text' || !str(text.text) || text.text.length > 150)
        p.push('header: plain_text ≤ 150 required');
    } else if (block.type === 'section') {
      const fields = (block.fields as { text?: string }[] | undefined) ?? [];
      if (!text && fields.length === 0) p.push('section: text or fields required');
      if (text && (!str(text.text) || text.text.length > 3000)) p.push('section text over 3000');
      if (fields.length > 10) p.push('section: more than 10 fields');
      if (fields.some((f) => !str(f.text) || f.text.length > 2000)) p.push('section field over 2000');
    } else if (block.type === 'actions') {
      const elements = (block.elements as { text?: { text?: string }; url?: string }[]) ?? [];
      if (elements.length === 0 || elements.length > 25) p.push('actions: 1-25 elements');
      for (const el of elements) {
        if (!str(el.text?.text) || el.text.text.length > 75) p.push('button text over 75');
        if (el.url !== undefined && (!str(el.url) || el.url.length > 3000)) p.push('button url over 3000');
      }
    } else if (block.type === 'context') {
      const elements = (block.elements as unknown[]) ?? [];
      if (elements.length === 0 || elements.length > 10) p.push('context: 1-10 elements');
    } else p.push(`unexpected block type ${String(block.type)}`);
  }
  return p;
}

export function teamsProblems(body: unknown, text: string): string[] {
  const m = body as { type?: string; attachments?: { contentType?: string; content?: Record<string, unknown> }[] };
  const p: string[] = [];
  if (Buffer.byteLength(text) > 28 * 1024) p.push('message over 28 KB');
  if (m.type !== 'message') p.push('type must be "message"');
  if (!m.attachments?.length) p.push('attachments required');
  for (const a of m.attachments ?? []) {
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive') p.push('attachment is not an Adaptive Card');
    const card = a.content ?? {};
    if (card.type !== 'AdaptiveCard') p.push('content.type must be AdaptiveCard');
    if (!str(card.version)) p.push('content.version required');
    if (!Array.isArray(card.body)) p.push('content.body must be an array');
    for (const el of (card.body as { type?: string }[]) ?? []) {
      if (!['TextBlock', 'FactSet', 'ColumnSet', 'Container'].includes(el.type ?? ''))
        p.push(`unknown element ${el.type}`);
    }
    for (const action of (card.actions as { type?: string; url?: string; title?: string }[]) ?? []) {
      if (action.type !== 'Action.OpenUrl' || !str(action.url) || !str(action.title))
        p.push('Action.OpenUrl needs title and url');
    }
  }
  return p;
}
