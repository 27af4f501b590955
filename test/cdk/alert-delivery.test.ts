/**
 * Alerts that always arrive, as the templates say it: the notifier retries and dead-letters, its own
 * failures alarm straight to the notification topic (home) or through EventBridge to it (other
 * regions), and only the Stopped alarm turns silence into a verdict.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleApp, resourcesOf, type SynthesizedApp } from './helpers.js';

let synth: SynthesizedApp;
const HOME = 'eu-west-1';
const OTHER = 'us-east-1';

beforeAll(() => {
  // The example app, shared with example-app.test.ts when both run in one worker (its validated synth
  // serves here too).
  synth = exampleApp();
});

const notificationTopic = { Ref: Match.stringLikeRegexp('^NotificationTopic') };

describe('notifier delivery', () => {
  it.each([HOME, OTHER])(
    '%s: the notifier retries twice, keeps an event for 6 hours, then dead-letters it',
    (region) => {
      const template = synth.template(region);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp('^NotifierFunction') },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierDeliveryDeadLetterQueue'), 'Arn'] },
          },
        },
      });
      const [config] = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').filter(([, p]) =>
        (p.FunctionName as { Ref: string }).Ref.startsWith('NotifierFunction'),
      );
      expect(config![1].MaximumRetryAttempts).toBeGreaterThanOrEqual(2);
      expect(config![1].MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(3600);
    },
  );

  it.each([HOME, OTHER])(
    '%s: the dead-letter queue is encrypted (SSE-SQS), TLS-only and keeps messages 14 days',
    (region) => {
      const template = synth.template(region);
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86400,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    },
  );

  it('home: the alarms on notifier errors and dead letters go straight to the notification topic', () => {
    const template = synth.template(HOME);
    for (const [name, metric] of [
      [`OAuthProbe-Notifier-${HOME}-Errors`, 'Errors'],
      [`OAuthProbe-Notifier-${HOME}-DeadLetters`, 'ApproximateNumberOfMessagesVisible'],
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name,
        MetricName: metric,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [notificationTopic],
        OKActions: [notificationTopic],
      });
    }
    // CloudWatch and EventBridge may use the topic's key, and CloudWatch may publish the notifier alarms.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AlarmsAndEventsPublishToEncryptedNotificationTopic',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
          }),
        ]),
      },
    });
  });

  it('other regions: the notifier alarms are forwarded to the home event bus, never to the alarm topic', () => {
    const template = synth.template(OTHER);
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(([, p]) =>
      String(p.AlarmName).startsWith('OAuthProbe-Notifier-'),
    );
    expect(alarms.map(([, p]) => p.AlarmName).sort()).toEqual([
      `OAuthProbe-Notifier-${OTHER}-DeadLetters`,
      `OAuthProbe-Notifier-${OTHER}-Errors`,
    ]);
    for (const [, alarm] of alarms) expect(alarm.AlarmActions).toBeUndefined();
    const [rule] = resourcesOf(template, 'AWS::Events::Rule');
    expect(rule![1]).toMatchObject({
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
    });
    expect(JSON.stringify(rule![1].Targets)).toContain(`:events:${HOME}:`);
    // And the home stack publishes them (other regions only: its own alarms act directly).
    synth.template(HOME).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        region: [{ 'anything-but': [HOME] }],
        detail: { alarmName: [{ prefix: 'OAuthProbe-Notifier-' }] },
      },
      Targets: [Match.objectLike({ Arn: notificationTopic })],
    });
  });
});

describe('reserved concurrency', () => {
  it('is opt-in: without config reservedConcurrency no function reserves any', () => {
    for (const template of synth.templates.values()) {
      for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
        expect(fn.ReservedConcurrentExecutions).toBeUndefined();
      }
    }
  });

  it.each([HOME, OTHER])('%s: the Throttles alarm is there all the same', (region) => {
    synth.template(region).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `OAuthProbe-ProbeThrottles-${region}`,
      MetricName: 'Throttles',
    });
  });
});

describe('alarm states: no alarm turns silence into OK', () => {
  it('no probe alarm turns missing data into OK, nor into ALARM: Stopped reads empty periods as zero runs once the probe has run', () => {
    for (const template of synth.templates.values()) {
      for (const [, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
        const name = String(alarm.AlarmName);
        const kind = name.split('-').at(-1);
        if (name.startsWith('OAuthProbe-Notifier-')) {
          // No invocation = no error; an idle queue's silence keeps the state.
          expect(alarm.TreatMissingData).toBe(kind === 'Errors' ? 'notBreaching' : 'ignore');
          continue;
        }
        if (name.startsWith('OAuthProbe-ProbeThrottles-')) {
          // No invocation = no throttle.
          expect(alarm.TreatMissingData).toBe('notBreaching');
          continue;
        }
        expect(alarm.TreatMissingData, name).toBe('ignore');
        if (kind === 'Stopped') {
          const metrics = alarm.Metrics as { Expression?: string }[];
          expect(metrics.find((m) => m.Expression)?.Expression, name).toBe('IF(FILL(runs, REPEAT), FILL(runs, 0))');
        }
      }
    }
  });
});
