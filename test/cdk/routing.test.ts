/** Routing, Chatbot topic, recurring maintenance, `enabled: false` and the legacy notification lists, synthesized. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { count, notifierRoutes, resourcesOf, synthesize } from './helpers.js';

const probe = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  tokenUrl: 'https://idp.example.com/oauth/token',
  credentials: { secretId: `oauth-probe/${name}` },
  ...extra,
});

describe('enabled: false', () => {
  const synth = synthesize({
    regions: ['eu-west-1', 'us-east-1'],
    notifications: { warning: { emails: ['ops@example.com'] } },
    probes: [probe('alpha'), probe('beta', { enabled: false })],
  });

  it('removes the schedules and every alarm of the disabled probe, in every region', () => {
    for (const region of ['eu-west-1', 'us-east-1']) {
      const template = synth.template(region);
      const names = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, p]) => String(p.AlarmName));
      expect(names.some((n) => n.includes('-beta-'))).toBe(false);
      expect(names.some((n) => n.includes('-alpha-'))).toBe(true);
      const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule').map(([, p]) => String(p.Description));
      expect(schedules).toEqual(['oauth-probe alpha']);
    }
    expect(JSON.stringify(synth.template('eu-west-1').toJSON())).not.toContain('OAuthProbe-beta-Global');
  });
});

describe('chatbot target, recurring maintenance for all probes, legacy lists', () => {
  const synth = synthesize({
    regions: ['eu-west-1'],
    notifications: {
      targets: { chat: { chatbot: {} }, ops: { https: 'https://hooks.example.com/oauth-probe' } },
      warning: { emails: ['team@example.com'], targets: ['chat'] },
      critical: { https: ['https://hooks.example.com/oauth-probe'] },
    },
    maintenance: [{ name: 'weekly', cron: '0 2 * * SUN', duration: 'PT2H', timezone: 'UTC' }],
    probes: [probe('alpha', { page: 'never' }), probe('beta', { notify: { critical: ['ops'] } })],
  });
  const template = synth.template('eu-west-1');

  it('creates the chat topic under the notification key and lets the notifier publish to it', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'oauth-probe-chat',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^NotifierFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'PublishChatNotifications', Action: 'sns:Publish' })]),
      },
    });
  });

  it('subscribes an endpoint listed twice once, filtered on both names; the legacy email keeps getting warnings', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/oauth-probe',
      FilterPolicy: { targets: ['ops', 'critical.https[0]', { exists: false }] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'team@example.com',
      FilterPolicy: { targets: ['warning.emails[0]', { exists: false }] },
    });
    expect(count(template, 'AWS::SNS::Subscription')).toBe(3); // + the notifier on the alarm topic
  });

  it('routes by probe: page never, own critical targets, defaults otherwise', () => {
    const [, fn] = resourcesOf(template, 'AWS::Lambda::Function').find(([, p]) =>
      String(p.Description).includes('turns alarm state changes'),
    )!;
    const routes = notifierRoutes(synth, 'eu-west-1');
    expect(routes.defaults.warning).toEqual(['warning.emails[0]', 'chat']);
    expect(routes.probes.alpha).toMatchObject({ page: 'never' });
    expect(routes.probes.beta).toMatchObject({ critical: ['ops'] });
    // The chat target names no topic: the notifier takes the deployment's chat topic from its environment.
    expect(routes.targets.chat).toEqual({ kind: 'chatbot' });
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(variables.CHAT_TOPIC_ARN)).toContain(':oauth-probe-chat');
  });

  it('mutes every alarm of every probe on the recurring window (cron, duration, time zone)', () => {
    const rules = resourcesOf(template, 'AWS::CloudWatch::AlarmMuteRule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Rule).toEqual({ Schedule: { Expression: 'cron(0 2 * * SUN)', Duration: 'PT2H', Timezone: 'UTC' } });
    expect((rule.MuteTargets as { AlarmNames: string[] }).AlarmNames).toEqual([
      'OAuthProbe-alpha-eu-west-1-Availability',
      'OAuthProbe-alpha-eu-west-1-Expiry',
      'OAuthProbe-alpha-eu-west-1-Stopped',
      'OAuthProbe-alpha-eu-west-1-BurnFast',
      'OAuthProbe-alpha-eu-west-1-BurnSlow',
      'OAuthProbe-alpha-eu-west-1-BurnTicket',
      'OAuthProbe-beta-eu-west-1-Availability',
      'OAuthProbe-beta-eu-west-1-Expiry',
      'OAuthProbe-beta-eu-west-1-Stopped',
      'OAuthProbe-beta-eu-west-1-BurnFast',
      'OAuthProbe-beta-eu-west-1-BurnSlow',
      'OAuthProbe-beta-eu-west-1-BurnTicket',
    ]);
  });
});

describe('a window over more than 100 alarms', () => {
  it('is split into rules of at most 100 alarms', () => {
    // 18 probes × 6 alarms that notify (availability, expiry, stopped and the three burn alarms).
    const probes = Array.from({ length: 18 }, (_, i) => probe(`p${i}`));
    const synth = synthesize({
      regions: ['eu-west-1'],
      notifications: { warning: { emails: ['ops@example.com'] } },
      maintenance: [{ name: 'all', start: '2026-12-24T00:00', end: '2026-12-26T00:00' }],
      probes,
    });
    const rules = resourcesOf(synth.template('eu-west-1'), 'AWS::CloudWatch::AlarmMuteRule');
    const sizes = rules.map(([, r]) => (r.MuteTargets as { AlarmNames: string[] }).AlarmNames.length);
    expect(sizes).toEqual([100, 8]);
    expect(rules[0]![1].Rule).toEqual({
      Schedule: { Expression: 'at(2026-12-24T00:00)', Duration: 'P2D', Timezone: 'UTC' },
    });
  });
});
