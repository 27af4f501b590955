import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NOTIFIER_ENV } from '../../functions/contract/environment.js';
import {
  logsInsightsUrl,
  type NotifierDeps,
  notifierSettingsFromEnv,
  notifyAlarm,
  parseStateChangeTime,
  resultFilterPattern,
  resultQuery,
} from '../../functions/runtime/notifier/alarm-change.js';
import { createNotifierHandler } from '../../functions/runtime/notifier/run.js';
import { resultLogLine } from '../../functions/runtime/shared/log.js';
import { alarmChange } from './alarm-fixtures.js';
import { failResult, passResult } from './fixtures.js';

const logsMock = mockClient(CloudWatchLogsClient);
const cwMock = mockClient(CloudWatchClient);
const snsMock = mockClient(SNSClient);

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:oauth-probe-notifications';
const LOG_GROUP = '/aws/lambda/oauth-probe-probe';
const CHANGE = Date.parse('2026-11-22T07:06:30.123Z');

function logEvent(result = failResult(), scheduledTime = '2026-11-22T07:05:00.000Z', region = 'eu-west-1') {
  const line = resultLogLine(result, { region, scheduledTime, runbookUrl: 'https://wiki.example.com/from-log' });
  const message = JSON.stringify({
    level: 'WARN',
    message: line.message,
    timestamp: scheduledTime,
    service: 'oauth-probe',
    ...line.fields,
  });
  return { timestamp: Date.parse(scheduledTime), message, logStreamName: 's', eventId: scheduledTime };
}

let sent: { region: string }[];
let logged: unknown[][];
function deps(region = 'eu-west-1'): NotifierDeps {
  const sink = (...args: unknown[]) => logged.push(args);
  return {
    settings: {
      notificationTopicArn: TOPIC,
      probeLogGroupName: LOG_GROUP,
      namespace: 'OAuthProbe',
      homeRegion: 'us-east-1',
      region,
      dashboardUrl: 'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=oauth-probe',
      globalFailureRegions: 2,
    },
    logs: () => new CloudWatchLogsClient({ region }),
    cloudWatch: () => new CloudWatchClient({ region }),
    sns: (r) => {
      sent.push({ region: r });
      return new SNSClient({ region: r });
    },
    logger: { info: sink, warn: sink, error: sink },
  };
}

describe('notifyAlarm', () => {
  beforeEach(() => {
    logsMock.reset();
    cwMock.reset();
    snsMock.reset();
    sent = [];
    logged = [];
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('looks up the latest result and the last good run, then publishes one enriched message to the home topic', async () => {
    // Arrange
    logsMock
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [
          logEvent(failResult(), '2026-11-22T07:03:00.000Z'),
          logEvent(passResult(), '2026-11-22T06:58:00.000Z'),
        ],
        nextToken: 'page-2',
      })
      .resolves({
        events: [logEvent(failResult({ httpStatus: 400, code: 'invalid_scope' }), '2026-11-22T07:05:00.000Z')],
      });
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 's0',
          Timestamps: [
            new Date('2026-11-22T07:05:00Z'),
            new Date('2026-11-22T06:59:00Z'),
            new Date('2026-11-22T06:58:00Z'),
          ],
          Values: [0, 1, 1],
        },
      ],
    });

    // Act
    const outcome = await notifyAlarm(alarmChange('availability', 'ALARM'), deps());

    // Assert
    const filter = logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(filter).toEqual([
      {
        logGroupName: LOG_GROUP,
        filterPattern: '{ ($.event = "probe_result") && ($.probe = "billing-api") }',
        startTime: CHANGE - 15 * 60_000,
        endTime: CHANGE + 60_000,
      },
      {
        logGroupName: LOG_GROUP,
        filterPattern: '{ ($.event = "probe_result") && ($.probe = "billing-api") }',
        startTime: CHANGE - 15 * 60_000,
        endTime: CHANGE + 60_000,
        nextToken: 'page-2',
      },
    ]);
    expect(cwMock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        StartTime: new Date(CHANGE - 24 * 3_600_000),
        EndTime: new Date(CHANGE + 60_000),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          {
            Id: 's0',
            MetricStat: {
              Metric: {
                Namespace: 'OAuthProbe',
                MetricName: 'Success',
                Dimensions: [{ Name: 'Probe', Value: 'billing-api' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
            ReturnData: true,
          },
        ],
      },
    ]);
    expect(sent).toEqual([{ region: 'us-east-1' }]);
    const publish = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(publish).toHaveLength(1);
    expect(publish[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[FAIL] billing-api: token invalid_scope (eu-west-1)',
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'warning' },
        probe: { DataType: 'String', StringValue: 'billing-api' },
        code: { DataType: 'String', StringValue: 'invalid_scope' },
        state: { DataType: 'String', StringValue: 'ALARM' },
        region: { DataType: 'String', StringValue: 'eu-west-1' },
        kind: { DataType: 'String', StringValue: 'availability' },
      },
    });
    const doc = JSON.parse((JSON.parse(publish[0]!.Message!) as { https: string }).https);
    expect(doc.lastGoodRun).toBe('2026-11-22T06:59:00.000Z');
    expect(doc.result).toMatchObject({
      code: 'invalid_scope',
      httpStatus: 400,
      scheduledTime: '2026-11-22T07:05:00.000Z',
    });
    expect(doc.links).toEqual({
      dashboard: 'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=oauth-probe',
      logs: logsInsightsUrl('eu-west-1', LOG_GROUP, resultQuery('billing-api')),
      alarm:
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/OAuthProbe-billing-api-eu-west-1-Availability',
      runbook: 'https://wiki.example.com/runbooks/billing-api',
    });
    expect(outcome).toMatchObject({ published: true, messageId: 'm-1' });
  });

  it('takes the runbook from the latest result when the alarm description has none', async () => {
    logsMock.on(FilterLogEventsCommand).resolves({ events: [logEvent()] });
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });

    const outcome = await notifyAlarm(alarmChange('availability', 'ALARM', { runbook: '' }), deps());

    expect(outcome.published && outcome.notification.document.links.runbook).toBe('https://wiki.example.com/from-log');
  });

  it('handles a burn alarm that is a metric alarm (lean profile) exactly as the composite of the same name (full)', async () => {
    logsMock.on(FilterLogEventsCommand).resolves({ events: [logEvent(failResult(), '2026-11-22T07:05:00.000Z')] });
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    // Full: a composite's state change carries no Trigger. Lean: one metric alarm on Success Average, 2 of 60.
    const { Trigger: _none, ...composite } = alarmChange('burnFast', 'ALARM');
    const metricAlarm = alarmChange('burnFast', 'ALARM');
    metricAlarm.Trigger = {
      MetricName: 'Success',
      Namespace: 'OAuthProbe',
      Statistic: 'AVERAGE',
      Dimensions: [{ value: 'billing-api', name: 'Probe' }],
      Period: 60,
      EvaluationPeriods: 60,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'ignore',
    };
    metricAlarm.NewStateReason =
      'Threshold Crossed: 2 out of the last 60 datapoints were less than the threshold (1.0).';

    const fromComposite = await notifyAlarm(composite, deps());
    const fromMetric = await notifyAlarm(metricAlarm, deps());

    for (const outcome of [fromComposite, fromMetric]) {
      expect(outcome).toMatchObject({
        published: true,
        subject: '[CRITICAL] billing-api error budget burning fast: token invalid_client (eu-west-1)',
      });
    }
    const [a, b] = [fromComposite, fromMetric].map((o) => (o.published ? o.notification.document : undefined));
    expect(b).toMatchObject({ kind: 'burnFast', severity: 'critical', incidentKey: a!.incidentKey });
    expect(b!.headline).toBe(a!.headline);
    expect(b!.result).toEqual(a!.result);
    const attributes = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes);
    expect(attributes[1]).toEqual(attributes[0]);

    const resolved = alarmChange('burnFast', 'OK');
    resolved.Trigger = metricAlarm.Trigger;
    expect(await notifyAlarm(resolved, deps())).toMatchObject({
      published: true,
      subject: '[OK] billing-api error budget no longer burning fast (eu-west-1)',
    });
  });

  it('still publishes, without the details, when the log and metric lookups fail', async () => {
    logsMock.on(FilterLogEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    cwMock.on(GetMetricDataCommand).rejects(Object.assign(new Error('slow'), { name: 'Throttling' }));

    const outcome = await notifyAlarm(alarmChange('availability', 'ALARM'), deps());

    expect(outcome).toMatchObject({ published: true, subject: '[FAIL] billing-api failing (eu-west-1)' });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(JSON.stringify(logged)).toContain('notification_enrichment_failed');
  });

  it('throws when Publish fails, so that Lambda retries the invocation', async () => {
    logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    snsMock.on(PublishCommand).rejects(new Error('KMS key disabled'));

    await expect(notifyAlarm(alarmChange('availability', 'ALARM'), deps())).rejects.toThrow('KMS key disabled');
  });

  it('global: reads the failing regions from the Region copies the alarm watches, in the home region', async () => {
    logsMock.on(FilterLogEventsCommand).resolves({ events: [logEvent(failResult(), undefined, 'us-east-1')] });
    const recent = new Date('2026-11-22T07:06:00Z');
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'r0', Timestamps: [recent, new Date('2026-11-22T07:00:00Z')], Values: [0, 1] },
        { Id: 'r1', Timestamps: [recent], Values: [1] },
        { Id: 'r2', Timestamps: [recent, new Date('2026-11-22T06:50:00Z')], Values: [0, 1] },
      ],
    });

    const outcome = await notifyAlarm(alarmChange('global', 'ALARM'), deps('us-east-1'));

    const queries = cwMock.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries.map((q) => [q.Id, q.MetricStat?.Metric?.Dimensions])).toEqual([
      [
        'r0',
        [
          { Name: 'Probe', Value: 'billing-api' },
          { Name: 'Region', Value: 'ap-southeast-2' },
        ],
      ],
      [
        'r1',
        [
          { Name: 'Probe', Value: 'billing-api' },
          { Name: 'Region', Value: 'eu-west-1' },
        ],
      ],
      [
        'r2',
        [
          { Name: 'Probe', Value: 'billing-api' },
          { Name: 'Region', Value: 'us-east-1' },
        ],
      ],
    ]);
    expect(cwMock.commandCalls(ListMetricsCommand)).toHaveLength(0);
    expect(outcome).toMatchObject({
      published: true,
      subject: '[CRITICAL] billing-api failing in 2 regions: token invalid_client',
    });
    const publish = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish.MessageAttributes?.severity?.StringValue).toBe('critical');
    const doc = JSON.parse((JSON.parse(publish.Message!) as { https: string }).https);
    expect(doc.failingRegions).toEqual(['ap-southeast-2', 'us-east-1']);
    expect(doc.reportingRegions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(doc.result.region).toBe('us-east-1');
  });

  it('global: falls back to ListMetrics when the alarm does not list its metrics', async () => {
    logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
    cwMock.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          Dimensions: [
            { Name: 'Probe', Value: 'billing-api' },
            { Name: 'Region', Value: 'eu-west-1' },
          ],
        },
        {
          Dimensions: [
            { Name: 'Probe', Value: 'billing-api' },
            { Name: 'Region', Value: 'eu-central-1' },
          ],
        },
      ],
    });
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const alarm = { ...alarmChange('global', 'ALARM'), Trigger: {} };

    await notifyAlarm(alarm, deps('us-east-1'));

    expect(cwMock.commandCalls(ListMetricsCommand)[0]!.args[0].input).toEqual({
      Namespace: 'OAuthProbe',
      MetricName: 'Success',
      Dimensions: [{ Name: 'Probe', Value: 'billing-api' }, { Name: 'Region' }],
    });
    const queries = cwMock.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries.map((q) => q.MetricStat?.Metric?.Dimensions?.[1]?.Value)).toEqual(['eu-central-1', 'eu-west-1']);
  });

  it('global in a home region without a probe function: no log lookup, still published', async () => {
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const { probeLogGroupName: _none, ...settings } = deps('us-east-1').settings;

    const outcome = await notifyAlarm(alarmChange('global', 'ALARM'), { ...deps('us-east-1'), settings });

    expect(logsMock.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
    expect(outcome).toMatchObject({ published: true, subject: '[CRITICAL] billing-api failing in 2+ regions' });
    expect(outcome.published && outcome.notification.document.links.logs).toBeNull();
  });

  it.each([
    ['an alarm that is not ours', { ...alarmChange('availability', 'ALARM'), AlarmName: 'SomeoneElses-Alarm' }],
    ['OK after INSUFFICIENT_DATA (a new alarm)', alarmChange('availability', 'OK', { old: 'INSUFFICIENT_DATA' })],
    ['INSUFFICIENT_DATA', { ...alarmChange('availability', 'ALARM'), NewStateValue: 'INSUFFICIENT_DATA' as const }],
  ])('skips %s without publishing', async (_label, alarm) => {
    const outcome = await notifyAlarm(alarm, deps());

    expect(outcome.published).toBe(false);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(JSON.stringify(logged)).toContain('notification_skipped');
  });
});

describe('notifier handler', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    [NOTIFIER_ENV.notificationTopicArn]: TOPIC,
    [NOTIFIER_ENV.probeLogGroupName]: LOG_GROUP,
    [NOTIFIER_ENV.homeRegion]: 'us-east-1',
    [NOTIFIER_ENV.globalFailureRegions]: '3',
  };
  const snsEvent = (message: string): SNSEvent =>
    ({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alarms:sub',
          Sns: {
            Type: 'Notification',
            MessageId: 'id-1',
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
            Subject: 'ALARM: ...',
            Message: message,
            Timestamp: '2026-11-22T07:06:31.000Z',
            SignatureVersion: '1',
            Signature: 'x',
            SigningCertUrl: 'https://x',
            UnsubscribeUrl: 'https://x',
            MessageAttributes: {},
          },
        },
      ],
    }) as SNSEvent;
  const handlerWith = (environment: NodeJS.ProcessEnv) => {
    const sink = (...args: unknown[]) => logged.push(args);
    return createNotifierHandler({
      env: environment,
      envNames: NOTIFIER_ENV,
      logs: () => new CloudWatchLogsClient({ region: 'eu-west-1' }),
      cloudWatch: () => new CloudWatchClient({ region: 'eu-west-1' }),
      sns: (region) => new SNSClient({ region }),
      logger: { info: sink, warn: sink, error: sink },
    });
  };

  beforeEach(() => {
    logsMock.reset();
    cwMock.reset();
    snsMock.reset();
    logged = [];
    logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });
  });

  it('unwraps the alarm from the SNS record and publishes it', async () => {
    const outcomes = await handlerWith(env)(snsEvent(JSON.stringify(alarmChange('stopped', 'ALARM'))));

    expect(outcomes).toMatchObject([
      { published: true, subject: '[STOPPED] billing-api: no run reported for 3 min (eu-west-1)' },
    ]);
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBe(TOPIC);
  });

  it('drops a redelivery of a message it already published (same SNS MessageId), in the same container', async () => {
    const handler = handlerWith(env);
    const event = snsEvent(JSON.stringify(alarmChange('availability', 'ALARM')));

    const first = await handler(event);
    const again = await handler(event);

    expect(first).toMatchObject([{ published: true }]);
    expect(again).toEqual([{ published: false, reason: 'duplicate delivery' }]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("a failed Publish fails the invocation, and Lambda's retry of the same message publishes it with the same incident key", async () => {
    const handler = handlerWith(env);
    const event = snsEvent(JSON.stringify(alarmChange('availability', 'ALARM')));
    snsMock
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'Throttling' }))
      .resolves({ MessageId: 'm-3' });

    await expect(handler(event)).rejects.toThrow('slow down');
    const retried = await handler(event);

    expect(retried).toMatchObject([{ published: true }]);
    const keys = snsMock
      .commandCalls(PublishCommand)
      .map((call) => call.args[0].input.MessageAttributes?.incidentKey?.StringValue);
    expect(keys).toEqual([
      'oauth-probe/billing-api/warning/eu-west-1/availability',
      'oauth-probe/billing-api/warning/eu-west-1/availability',
    ]);
    expect(logged.some(([, fields]) => (fields as { event?: string })?.event === 'notification_publish_failed')).toBe(
      true,
    );
  });

  it('logs and skips a message that is not an alarm notification', async () => {
    const outcomes = await handlerWith(env)(snsEvent('hello'));

    expect(outcomes).toEqual([{ published: false, reason: 'not an alarm notification' }]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  describe('input that is not an SNS alarm event: logged, skipped, never thrown', () => {
    const skipped = () =>
      logged
        .map(([, fields]) => fields as { event?: string; reason?: string })
        .filter((fields) => fields?.event === 'notification_skipped');

    it.each([
      ['Records is an object', { Records: { Sns: { Message: '{}' } } }, 'Records is an object, not an array'],
      ['Records is a string', { Records: 'Records' }, 'Records is a string, not an array'],
      ['Records is a number', { Records: 42 }, 'Records is a number, not an array'],
      ['Records is missing', {}, 'Records is missing, not an array'],
      ['the event is null', null, 'the event is null, not an SNS event object'],
      ['the event is a string', 'hello', 'the event is a string, not an SNS event object'],
    ])('%s', async (_, event, reason) => {
      const outcomes = await handlerWith(env)(event as never);

      expect(outcomes).toEqual([]);
      expect(skipped()).toEqual([expect.objectContaining({ reason })]);
      expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    });

    const withMessage = (message: unknown): SNSEvent => {
      const event = snsEvent('x');
      (event.Records[0]!.Sns as { Message: unknown }).Message = message;
      return event;
    };

    it.each([
      ['a message that is not JSON', withMessage('{"AlarmName": '), 'the message is not JSON'],
      ['a JSON message that is not an object', withMessage('[1, 2]'), 'the message is not a JSON object'],
      [
        'a JSON message that is not an alarm state change',
        withMessage(JSON.stringify({ 'detail-type': 'Scheduled Event', source: 'aws.events' })),
        'the message is not a CloudWatch alarm state change (no AlarmName)',
      ],
      [
        'an alarm message with an unknown state',
        withMessage(JSON.stringify({ ...alarmChange('availability', 'ALARM'), NewStateValue: 'PANIC' })),
        'the message is not a CloudWatch alarm state change (no known NewStateValue)',
      ],
      ['a message that is an object, not text', withMessage({ AlarmName: 'x' }), 'the message is an object'],
      ['a record without Sns', { Records: [{ EventSource: 'aws:sqs', body: '{}' }] }, 'the record has no Sns object'],
      ['a record that is a number', { Records: [7] }, 'the record has no Sns object'],
    ])('%s', async (_, event, reason) => {
      const outcomes = await handlerWith(env)(event as never);

      expect(outcomes).toEqual([{ published: false, reason: 'not an alarm notification' }]);
      expect(skipped()).toEqual([expect.objectContaining({ reason })]);
      expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    });

    it('an alarm state change with odd fields (Trigger.Metrics an object, a numeric reason) is still notified', async () => {
      const odd = {
        ...alarmChange('stopped', 'ALARM'),
        NewStateReason: 42,
        AlarmDescription: { text: 'not a string' },
        Trigger: { Period: '60', EvaluationPeriods: 3, Metrics: { Id: 'runs' }, Dimensions: 'Probe=billing-api' },
      };

      const outcomes = await handlerWith(env)(snsEvent(JSON.stringify(odd)));

      expect(outcomes).toMatchObject([{ published: true }]);
      expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    });

    it('skips the malformed record and notifies the good one of the same event', async () => {
      const event = snsEvent(JSON.stringify(alarmChange('availability', 'ALARM')));
      event.Records.unshift('garbage' as never);

      const outcomes = await handlerWith(env)(event);

      expect(outcomes).toMatchObject([{ published: false, reason: 'not an alarm notification' }, { published: true }]);
    });

    it('still throws for its own failure next to a malformed record, so that Lambda retries and dead-letters it', async () => {
      snsMock.on(PublishCommand).rejects(Object.assign(new Error('access denied'), { name: 'AuthorizationError' }));
      const event = snsEvent(JSON.stringify(alarmChange('availability', 'ALARM')));
      event.Records.push({ Sns: { Message: 'not json' } } as never);

      await expect(handlerWith(env)(event)).rejects.toThrow('access denied');
      expect(skipped()).toEqual([expect.objectContaining({ reason: 'the message is not JSON' })]);
    });
  });

  it('fails loudly when its environment lacks the topic', async () => {
    const { [NOTIFIER_ENV.notificationTopicArn]: _topic, ...rest } = env;

    await expect(handlerWith(rest)(snsEvent('{}'))).rejects.toThrow(NOTIFIER_ENV.notificationTopicArn);
  });

  it('reads its settings from the contract env names', () => {
    expect(notifierSettingsFromEnv(env, NOTIFIER_ENV)).toEqual({
      notificationTopicArn: TOPIC,
      probeLogGroupName: LOG_GROUP,
      namespace: 'OAuthProbe',
      homeRegion: 'us-east-1',
      region: 'eu-west-1',
      globalFailureRegions: 3,
    });
  });
});

describe('helpers', () => {
  it('parses CloudWatch state change times with a +0000 offset', () => {
    expect(parseStateChangeTime('2026-11-22T07:06:30.123+0000').toISOString()).toBe('2026-11-22T07:06:30.123Z');
  });

  it('builds a filter pattern on the probe name', () => {
    expect(resultFilterPattern('x-1')).toBe('{ ($.event = "probe_result") && ($.probe = "x-1") }');
  });

  it('encodes the Logs Insights console link the way the console does', () => {
    const url = logsInsightsUrl('eu-west-1', '/aws/lambda/p', 'fields a\n| filter probe = "x"');

    expect(url).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D~(end~0~start~-86400~timeType~'RELATIVE~unit~'seconds~editorString~'fields*20a*0A*7C*20filter*20probe*20*3D*20*22x*22~source~(~'*2Faws*2Flambda*2Fp))",
    );
  });
});
