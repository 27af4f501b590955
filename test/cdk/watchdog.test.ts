/**
 * The watchdog construct in a bare stack: the function and its environment, the schedule, and IAM that
 * reads its one secret, GetMetricData, and DescribeAlarms on the deployment's own alarms only. cdk-nag
 * runs over the stack as it does in the app (every finding acknowledged with a reason). Then the app: the
 * watchdog placed in the home stack from `notifications.heartbeat`, as the plan says.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Watchdog, type WatchdogProps } from '../../lib/constructs/watchdog.js';
import { applyNag } from '../../lib/nag.js';
import { resourcesOf, synthesize } from './helpers.js';

const NOTIFIER = {
  region: 'eu-west-1',
  functionName: 'OAuthProbe-eu-west-1-NotifierFunction',
  deadLetterQueueName: 'OAuthProbe-eu-west-1-NotifierDLQ',
  alarmNames: ['OAuthProbe-Notifier-eu-west-1-Errors', 'OAuthProbe-Notifier-eu-west-1-DeadLetters'],
};

function synth(props: Partial<WatchdogProps> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'oauth-probe-watchdog-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Home', { env: { account: '123456789012', region: 'eu-west-1' } });
  new Watchdog(stack, 'Watchdog', { urlSecretId: 'oauth-probe/heartbeat', notifiers: [NOTIFIER], ...props });
  applyNag(app);
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  return { template: Template.fromStack(stack), violations: report.pluginReports.flatMap((r) => r.violations ?? []) };
}

const { template, violations } = synth();

describe('Watchdog construct', () => {
  it('one function on nodejs24.x (arm64) with its settings in the environment, never the URL', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 30,
      Environment: {
        Variables: Match.objectLike({
          HEARTBEAT_URL_SECRET_ID: 'oauth-probe/heartbeat',
          HEARTBEAT_PERIOD_MINUTES: '5',
          WATCHDOG_NOTIFIERS: JSON.stringify([NOTIFIER]),
          WATCHDOG_ALARM_PREFIX: 'OAuthProbe-',
          WATCHDOG_ALARM_REGIONS: 'eu-west-1',
        }),
      },
    });
  });

  it('runs every 5 minutes by default, from an EventBridge rule allowed to invoke it and nothing else', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchdogWatchdogFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 120 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchdogSchedule'), 'Arn'] },
    });
  });

  it('its role reads its one secret, GetMetricData, and DescribeAlarms on its own alarms only', () => {
    const [[, policy]] = resourcesOf(template, 'AWS::IAM::Policy') as [string, Record<string, unknown>][];
    const statements = (policy!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'ReadHeartbeatUrl',
      'ReadNotifierMetrics',
      'ReadOwnAlarmStates',
      'WriteOwnLogs',
    ]);
    expect(bySid.ReadHeartbeatUrl).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':secretsmanager:eu-west-1:123456789012:secret:oauth-probe/heartbeat-??????',
          ],
        ],
      },
    });
    expect(bySid.ReadNotifierMetrics).toMatchObject({ Action: 'cloudwatch:GetMetricData', Resource: '*' });
    expect(bySid.ReadOwnAlarmStates).toMatchObject({
      Action: 'cloudwatch:DescribeAlarms',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:123456789012:alarm:OAuthProbe-*']],
      },
    });
  });

  it('passes cdk-nag, every finding acknowledged with its reason', () => {
    expect(violations).toEqual([]);
  });

  it('a named deployment, several alarm regions, a schedule and a secret ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hb-AbCdEf';
    const named = synth({
      deployment: 'staging',
      urlSecretId: arn,
      schedule: 'rate(1 minute)',
      alarmRegions: ['eu-west-1', 'us-east-1'],
      neverRanGraceMinutes: 90,
    });
    named.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    named.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HEARTBEAT_PERIOD_MINUTES: '1',
          WATCHDOG_ALARM_PREFIX: 'staging.',
          WATCHDOG_ALARM_REGIONS: 'eu-west-1,us-east-1',
          WATCHDOG_NEVER_RAN_GRACE_MINUTES: '90',
        }),
      },
    });
    const [[, policy]] = resourcesOf(named.template, 'AWS::IAM::Policy') as [string, Record<string, unknown>][];
    const text = JSON.stringify(policy);
    expect(text).toContain(`"Resource":"${arn}"`);
    expect(text).toContain(':cloudwatch:us-east-1:123456789012:alarm:staging.*');
    expect(text).toContain(':cloudwatch:eu-west-1:123456789012:alarm:staging.*');
    expect(named.violations).toEqual([]);
  });

  it('refuses a schedule that is not a rate, and no notifier to check', () => {
    expect(() => synth({ schedule: 'cron(0/5 * * * ? *)' })).toThrow(/rate\(N minutes\)/);
    expect(() => synth({ notifiers: [] })).toThrow(/at least one notifier/);
  });
});

describe('the watchdog in the app (config notifications.heartbeat)', () => {
  const app = synthesize({
    homeRegion: 'eu-west-1',
    regions: ['eu-west-1', 'us-east-1'],
    notifications: {
      warning: { emails: ['ops@example.com'] },
      heartbeat: { urlSecretId: 'oauth-probe/heartbeat', schedule: 'rate(2 minutes)' },
    },
    probes: [
      {
        name: 'billing-api',
        tokenUrl: 'https://auth.example.com/oauth/token',
        credentials: { secretId: 'oauth-probe/billing' },
        schedule: 'rate(5 minutes)',
        page: 'never',
      },
    ],
  });
  const home = app.template('eu-west-1');
  const watchdogFunctions = (region: string) =>
    resourcesOf(app.template(region), 'AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('WatchdogWatchdogFunction'),
    );

  it('is in the home stack only, on the heartbeat schedule', () => {
    expect(watchdogFunctions('eu-west-1')).toHaveLength(1);
    expect(watchdogFunctions('us-east-1')).toHaveLength(0);
    home.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });

  it("watches the home notifier by its metrics and alarms, the other region by its alarms, every region's probe alarms", () => {
    const [[, fn]] = watchdogFunctions('eu-west-1');
    const variables = (fn!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      HEARTBEAT_URL_SECRET_ID: 'oauth-probe/heartbeat',
      HEARTBEAT_PERIOD_MINUTES: '2',
      WATCHDOG_ALARM_PREFIX: 'OAuthProbe-',
      WATCHDOG_ALARM_REGIONS: 'eu-west-1,us-east-1',
      // The Stopped alarm of a 5-minute probe waits 3 periods; 15 minutes of margin.
      WATCHDOG_NEVER_RAN_GRACE_MINUTES: String(5 * 3 + 15),
    });
    // The notifier list is JSON joined with references to the home notifier's function and queue:
    // written back as text (a reference as the logical id it points at), it parses to the planned list.
    const joined = (variables.WATCHDOG_NOTIFIERS as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
      .map((part) =>
        typeof part === 'string'
          ? part
          : ((part as { Ref?: string }).Ref ?? (part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'].join('.')),
      )
      .join('');
    expect(JSON.parse(joined)).toEqual([
      {
        region: 'eu-west-1',
        functionName: expect.stringMatching(/^NotifierFunction[0-9A-F]{8}$/),
        deadLetterQueueName: expect.stringMatching(/^NotifierDeliveryDeadLetterQueue[0-9A-F]{8}\.QueueName$/),
        alarmNames: ['OAuthProbe-Notifier-eu-west-1-Errors', 'OAuthProbe-Notifier-eu-west-1-DeadLetters'],
      },
      {
        region: 'us-east-1',
        alarmNames: ['OAuthProbe-Notifier-us-east-1-Errors', 'OAuthProbe-Notifier-us-east-1-DeadLetters'],
      },
    ]);
  });

  it('may describe its own alarms in both regions, and passes cdk-nag', () => {
    const policies = resourcesOf(home, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('WatchdogWatchdogFunction'));
    const text = JSON.stringify(policies);
    expect(text).toContain(':cloudwatch:eu-west-1:');
    expect(text).toContain(':cloudwatch:us-east-1:');
    expect(text).toContain('alarm:OAuthProbe-*');
    expect(app.violations).toEqual([]);
  });
});
