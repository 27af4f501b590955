/**
 * Each native channel posts to a local server that checks the vendor's documented required fields and
 * limits (./vendor-server.ts); Chatbot's message goes through a mocked SNS Publish and is checked
 * against the custom-notification schema. Secrets (routing key, webhook URLs) never reach a log line.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAlarmName } from '../../../functions/contract/alarm-naming.js';
import type { NotificationRoutes } from '../../../functions/contract/notification-routes.js';
import { fanOut } from '../../../functions/runtime/notifier/channels/fan-out.js';
import { staticChannelSecrets } from '../../../functions/runtime/notifier/channels/secrets.js';
import { SLACK_LIMITS } from '../../../functions/runtime/notifier/channels/slack.js';
import type { LoggedResult } from '../../../functions/runtime/shared/log.js';
import { buildNotification, type Notification } from '../../../functions/runtime/shared/notification.js';
import { alarmChange } from '../alarm-fixtures.js';
import { failResult } from '../fixtures.js';
import { startVendorServer, type VendorServer } from './vendor-server.js';

const ROUTING_KEY = 'r0ut1ngk3yr0ut1ngk3yr0ut1ngk3y00';
let server: VendorServer;
const snsMock = mockClient(SNSClient);
const lines: string[] = [];
const sink = (message: string, fields?: Record<string, unknown>) => {
  lines.push(JSON.stringify({ message, ...fields }));
};
const logger = { info: sink, warn: sink, error: sink };

beforeAll(async () => {
  server = await startVendorServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  server.script.length = 0;
  lines.length = 0;
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

function routes(): NotificationRoutes {
  return {
    targets: {
      pd: { kind: 'pagerDuty', routingKeySecretId: 'pd-key', eventsUrl: `${server.url}/pagerduty/v2/enqueue` },
      slack: { kind: 'slack', webhookSecretId: 'slack-url' },
      teams: { kind: 'teams', webhookSecretId: 'teams-url' },
      chat: { kind: 'chatbot', topicArn: 'arn:aws:sns:eu-west-1:123456789012:oauth-probe-chat' },
      mail: { kind: 'email' },
    },
    defaults: { warning: ['slack'], critical: ['pd', 'slack', 'teams', 'chat', 'mail'] },
    probes: {},
  };
}

function deps() {
  return {
    routes: routes(),
    secrets: staticChannelSecrets({
      'pd-key': JSON.stringify({ routingKey: ROUTING_KEY }),
      'slack-url': `${server.url}/slack/services/T000/B000/s3cr3tslackpath`,
      'teams-url': `${server.url}/teams/workflows/s3cr3tteamssig`,
    }),
    sns: () => new SNSClient({ region: 'eu-west-1' }),
    logger,
    post: { backoffMs: [0, 0] },
  };
}

function notification(
  state: 'ALARM' | 'OK',
  latest: LoggedResult = { ...failResult(), region: 'eu-west-1' },
): Notification {
  const alarm = alarmChange('global', state, { old: state === 'OK' ? 'ALARM' : 'OK' });
  return buildNotification({
    alarm,
    identity: parseAlarmName(alarm.AlarmName)!,
    region: 'us-east-1',
    latest,
    lastGoodRun: '2026-11-22T06:58:00.000Z',
    failingRegions: ['eu-west-1', 'us-east-1'],
    reportingRegions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
    globalFailureRegions: 2,
    owner: 'Billing platform team',
    links: {
      dashboard: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home#dashboards/dashboard/OAuthProbe',
      logs: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home#logsV2:logs-insights',
      alarm: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home#alarmsV2:alarm/x',
      runbook: 'https://wiki.example.com/runbooks/billing-api',
    },
  });
}

const byPath = (prefix: string) => server.received.filter((r) => r.path.startsWith(prefix));

describe('fan-out to every native channel', () => {
  it('ALARM: each vendor accepts its message (documented fields and limits), Chatbot gets the custom schema', async () => {
    const outcomes = await fanOut(notification('ALARM'), routes().defaults.critical, deps());

    expect(outcomes.map((o) => [o.target, o.ok])).toEqual([
      ['pd', true],
      ['slack', true],
      ['teams', true],
      ['chat', true],
    ]);
    expect(server.received.map((r) => r.problems)).toEqual([[], [], []]);
    const pd = byPath('/pagerduty')[0]!.body as { payload: { summary: string }; links: { text: string }[] };
    expect(pd).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'oauth-probe/billing-api/critical/global',
      payload: {
        severity: 'critical',
        component: 'billing-api',
        class: 'invalid_client',
        custom_details: expect.objectContaining({
          Probe: 'billing-api',
          Owner: 'Billing platform team',
          Stage: 'token',
          Code: 'invalid_client',
          'HTTP status': '401',
          'Last good run': '2026-11-22T06:58:00.000Z',
        }),
      },
      client: 'oauth-probe',
    });
    expect(pd.payload.summary).toContain('[CRITICAL] billing-api failing in 2 regions: token invalid_client');
    expect(pd.links.map((l: { text: string }) => l.text)).toEqual(['Dashboard', 'Logs', 'Alarm', 'Runbook']);
    const slack = byPath('/slack')[0]!.body as { blocks: { type: string }[] };
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    const teams = byPath('/teams')[0]!.body as { attachments: { content: { body: { type: string }[] } }[] };
    expect(teams.attachments[0]!.content.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet']);

    const published = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(published.TopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:oauth-probe-chat');
    const chat = JSON.parse(published.Message!);
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { threadId: 'oauth-probe/billing-api/critical/global' },
    });
    expect(typeof chat.content.title).toBe('string');
    expect(chat.content.description).toContain('invalid_client');
  });

  it('OK: PagerDuty resolves the same dedup_key, Slack posts a short recovered message, Chatbot threads it', async () => {
    await fanOut(notification('OK'), ['pd', 'slack', 'chat'], deps());

    expect(server.received.map((r) => r.problems)).toEqual([[], []]);
    expect(byPath('/pagerduty')[0]!.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: 'oauth-probe/billing-api/critical/global',
    });
    const slack = byPath('/slack')[0]!.body as { blocks: unknown[] };
    expect(slack.blocks).toHaveLength(1);
    const chat = JSON.parse(snsMock.commandCalls(PublishCommand)[0]!.args[0].input.Message!);
    expect(chat.metadata.threadId).toBe('oauth-probe/billing-api/critical/global');
  });

  it('keeps Slack, Teams and PagerDuty within their limits for an oversized diagnosis', async () => {
    const huge = 'x'.repeat(5000);
    const latest = { ...failResult({ message: huge, hint: huge }), region: 'eu-west-1' };
    const outcomes = await fanOut(notification('ALARM', latest), ['pd', 'slack', 'teams'], deps());

    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(server.received.map((r) => r.problems)).toEqual([[], [], []]);
    const slack = byPath('/slack')[0]!.body as { blocks: { fields?: { text: string }[] }[] };
    for (const field of slack.blocks.flatMap((b) => b.fields ?? [])) {
      expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
  });

  it('retries PagerDuty after a 429 with Retry-After and after a 500, then succeeds', async () => {
    server.script.push({ status: 429, headers: { 'retry-after': '0' } }, { status: 500 });
    const [outcome] = await fanOut(notification('ALARM'), ['pd'], deps());

    expect(outcome).toMatchObject({ target: 'pd', ok: true, attempts: 3 });
    expect(byPath('/pagerduty')).toHaveLength(3);
  });

  it('logs a 400 as a configuration error with the vendor reason, never retries it, never logs the key', async () => {
    const bad = deps();
    bad.secrets = staticChannelSecrets({ 'pd-key': 'too-short-key' });
    const [outcome] = await fanOut(notification('ALARM'), ['pd'], bad);

    expect(outcome).toMatchObject({ target: 'pd', ok: false, status: 400, attempts: 1, error: 'config_error' });
    expect(byPath('/pagerduty')).toHaveLength(1);
    const line = lines.find((l) => l.includes('channel_config_error'));
    expect(line).toContain('routing_key must be the 32-character integration key');
    expect(lines.join('\n')).not.toContain('too-short-key');
  });

  it('never writes a routing key or webhook URL to the log', async () => {
    await fanOut(notification('ALARM'), routes().defaults.critical, deps());
    server.script.push({ status: 500 }, { status: 500 }, { status: 500 });
    await fanOut(notification('ALARM'), ['slack'], deps());

    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [ROUTING_KEY, 's3cr3tslackpath', 's3cr3tteamssig', server.url]) {
      expect(log).not.toContain(secret);
    }
  });

  it('reports a missing channel secret by id and goes on with the other channels', async () => {
    const partial = deps();
    partial.secrets = staticChannelSecrets({ 'slack-url': `${server.url}/slack/x` });
    const outcomes = await fanOut(notification('ALARM'), ['pd', 'slack'], partial);

    expect(outcomes).toMatchObject([
      { target: 'pd', ok: false, error: 'channel_secret_unavailable' },
      { target: 'slack', ok: true },
    ]);
  });
});
