/**
 * Reserved concurrency and the Throttles alarm as the templates say it: the probe function reserves what
 * the plan says (config `reservedConcurrency`), and in every region that runs probes a warning alarm on
 * its `Throttles` reaches the notification topic without the notifier: directly at home, through the
 * EventBridge forwarding rules from other regions (the topic policy lets CloudWatch publish it).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesize } from './helpers.js';

const HOME = 'eu-west-1';
const OTHER = 'us-east-1';
const probe = (name: string) => ({
  name,
  tokenUrl: 'https://auth.example.com/oauth/token',
  credentials: { secretId: `oauth-probe/${name}` },
  page: 'never' as const,
});
const app = synthesize({
  homeRegion: HOME,
  regions: [HOME, OTHER],
  reservedConcurrency: 7,
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [probe('a'), probe('b')],
});
const notificationTopic = { Ref: Match.stringLikeRegexp('^NotificationTopic') };
const probeFunction = (region: string) =>
  resourcesOf(app.template(region), 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProbeFunction'))!;

describe('reserved concurrency', () => {
  it.each([HOME, OTHER])('%s: the probe function reserves what the config says', (region) => {
    expect(probeFunction(region)[1].ReservedConcurrentExecutions).toBe(7);
  });

  it('reserves nothing for the notifier', () => {
    const notifier = resourcesOf(app.template(HOME), 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('NotifierFunction'),
    )!;
    expect(notifier[1].ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('the probe function Throttles alarm', () => {
  it.each([HOME, OTHER])("%s: a warning on the function's Throttles, Sum over 5 minutes, silence is OK", (region) => {
    app.template(region).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `OAuthProbe-ProbeThrottles-${region}`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: probeFunction(region)[0] } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('reserved concurrency \\(7\\)'),
    });
  });

  it('home: straight to the notification topic, which CloudWatch may publish it to', () => {
    const template = app.template(HOME);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `OAuthProbe-ProbeThrottles-${HOME}`,
      AlarmActions: [notificationTopic],
      OKActions: [notificationTopic],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'NotifierAlarmsPublish',
            Condition: Match.objectLike({
              ArnLike: {
                'aws:SourceArn': Match.arrayWith([
                  {
                    'Fn::Join': [
                      '',
                      Match.arrayWith([Match.stringLikeRegexp(':alarm:OAuthProbe-ProbeThrottles-\\*$')]),
                    ],
                  },
                ]),
              },
            }),
          }),
        ]),
      },
    });
  });

  it('other region: forwarded to the home event bus with the notifier alarms, then to the topic', () => {
    const template = app.template(OTHER);
    const alarm = resourcesOf(template, 'AWS::CloudWatch::Alarm').find(
      ([, p]) => p.AlarmName === `OAuthProbe-ProbeThrottles-${OTHER}`,
    )!;
    expect(alarm[1].AlarmActions).toBeUndefined();
    const [forward] = resourcesOf(template, 'AWS::Events::Rule');
    expect(JSON.stringify(forward![1].EventPattern)).toContain(alarm[0]);
    app.template(HOME).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        region: [{ 'anything-but': [HOME] }],
        detail: { alarmName: [{ prefix: 'OAuthProbe-ProbeThrottles-' }] },
      },
      Targets: [Match.objectLike({ Arn: notificationTopic })],
    });
  });

  it('passes cdk-nag', () => {
    expect(app.violations).toEqual([]);
  });
});
