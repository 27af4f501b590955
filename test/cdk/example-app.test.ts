/**
 * The example probes.json, synthesized once (with cdk-nag, as `npm run synth` does): eu-west-1 (home)
 * runs billing-api and partner-sync, us-east-1 runs billing-api.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER_CONTEXT } from '../../functions/contract/environment.js';
import { globalAlarm, stoppedAlarm } from '../../plan/index.js';
import { count, exampleApp, expectMathAlarm, maskedTemplate, resourcesOf, type SynthesizedApp } from './helpers.js';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = exampleApp({ validations: true });
}, 300_000);

const HOME = 'eu-west-1';
const OTHER = 'us-east-1';
const alarmTopic = { Ref: Match.stringLikeRegexp('^AlarmTopic') };
/** The same, for vitest's toMatchObject on resources taken out of the template. */
const alarmTopicRef = { Ref: expect.stringMatching(/^AlarmTopic/) };

describe('stacks', () => {
  it('creates one stack per probe region, named OAuthProbe-<region>, the home stack first in deploy order', () => {
    expect([...synth.stacks.keys()]).toEqual([HOME, OTHER]);
    const other = synth.stacks.get(OTHER)!;
    expect(other.stackName).toBe('OAuthProbe-us-east-1');
    expect(other.dependencies.map((s) => s.stackName)).toEqual(['OAuthProbe-eu-west-1']);
    expect(synth.stacks.get(HOME)!.region).toBe(HOME);
  });

  it('passes cdk-nag AwsSolutions (every finding acknowledged) and CDK’s built-in CloudFormation validation', () => {
    expect(synth.violations).toEqual([]);
  });
});

describe('probe function', () => {
  it.each([HOME, OTHER])(
    'runs nodejs24.x on arm64 with 256 MB, a timeout above the deadline and the probe env in %s',
    (region) => {
      synth.template(region).hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^oauth-probe: runs '),
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        // deadlineMs of both probes = min(5000 ms × (requests + 1), 60 s) = 25 s, + 15 s margin
        Timeout: 40,
        Environment: {
          Variables: Match.objectLike({
            METRICS_NAMESPACE: 'OAuthProbe',
            HOME_REGION: HOME,
            DEADLINE_MARGIN_MS: '3000',
            SECRET_CACHE_TTL_SEC: '300',
          }),
        },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^ProbeFunctionLogGroup') } },
      });
    },
  );

  it('keeps its logs 30 days and never retries an asynchronous run', () => {
    const template = synth.template(HOME);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^ProbeFunction') },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 120,
    });
  });

  it('turns metric_publish_failed log events into the MetricPublishFailures metric', () => {
    synth.template(HOME).hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.event = "metric_publish_failed" }',
      LogGroupName: { Ref: Match.stringLikeRegexp('^ProbeFunctionLogGroup') },
      MetricTransformations: [{ MetricName: 'MetricPublishFailures', MetricNamespace: 'OAuthProbe', MetricValue: '1' }],
    });
  });

  it('may read only the secrets its probes name, and put metrics only into its namespace', () => {
    const secret = (name: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:secretsmanager:${HOME}:`,
          { Ref: 'AWS::AccountId' },
          `:secret:${name}-??????`,
        ],
      ],
    });
    synth.template(HOME).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ProbeFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: [secret('oauth-probe/billing'), secret('oauth-probe/partner-sync')],
          }),
          Match.objectLike({
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'OAuthProbe' } },
          }),
        ]),
      },
    });
    // us-east-1 runs billing-api only: partner-sync's secret is not readable there.
    synth.template(OTHER).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ProbeFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  `:secretsmanager:${OTHER}:`,
                  { Ref: 'AWS::AccountId' },
                  ':secret:oauth-probe/billing-??????',
                ],
              ],
            },
          }),
        ]),
      },
    });
  });

  it('uses no AWS managed policy; the one customer-managed policy is the probe role own drift-check grant', () => {
    for (const template of synth.templates.values()) {
      for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
        // Kept out of the inline policy, whose size the secret grants use (docs/deploy.md, IAM).
        if (id.startsWith('ProbeFunctionRole')) {
          expect(role.ManagedPolicyArns).toEqual([
            { Ref: expect.stringMatching(/^ListSecretVersionsInPrimaryRegion/) },
          ]);
        } else expect(role.ManagedPolicyArns).toBeUndefined();
      }
      for (const [, policy] of resourcesOf(template, 'AWS::IAM::ManagedPolicy')) {
        // Version ids, labels and dates only: never a value.
        const { Statement } = policy.PolicyDocument as { Statement: { Action: unknown }[] };
        expect(Statement.map((s) => s.Action)).toEqual(['secretsmanager:ListSecretVersionIds']);
      }
    }
  });
});

describe('schedules', () => {
  it('runs billing-api every minute with the resolved probe and the Scheduler context as input, no retries, no flexible window', () => {
    const [, schedule] = resourcesOf(synth.template(HOME), 'AWS::Scheduler::Schedule').find(
      ([, p]) => p.Description === 'oauth-probe billing-api',
    )!;
    expect(schedule.ScheduleExpression).toBe('rate(1 minute)');
    expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    const target = schedule.Target as { Input: string; RetryPolicy: unknown; RoleArn: unknown; Arn: unknown };
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ProbeFunction/), 'Arn'] });
    const input = JSON.parse(target.Input);
    expect(input.scheduledTime).toBe(SCHEDULER_CONTEXT.scheduledTime);
    expect(input.executionId).toBe(SCHEDULER_CONTEXT.executionId);
    expect(input.probe).toMatchObject({
      name: 'billing-api',
      credentials: { secretId: 'oauth-probe/billing' },
      timeoutMs: 5000,
      degradedMs: 1500,
      deadlineMs: 25000,
      schedule: 'rate(1 minute)',
      regions: [HOME, OTHER],
      alarms: { evaluationPeriods: 5, datapointsToAlarm: 3, expiryDaysThreshold: 14 },
    });
  });

  it('schedules partner-sync every 5 minutes in its one region only', () => {
    synth.template(HOME).hasResourceProperties('AWS::Scheduler::Schedule', {
      Description: 'oauth-probe partner-sync',
      ScheduleExpression: 'rate(5 minutes)',
    });
    expect(resourcesOf(synth.template(OTHER), 'AWS::Scheduler::Schedule').map(([, p]) => p.Description)).toEqual([
      'oauth-probe billing-api',
    ]);
  });

  it('gives Scheduler a role that may invoke the probe function and nothing else', () => {
    const template = synth.template(HOME);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SchedulerRole') }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProbeFunction'), 'Arn'] },
          },
        ],
      },
    });
  });
});

describe('regional alarms of billing-api', () => {
  const actions = { AlarmActions: [alarmTopic], OKActions: [alarmTopic] };

  it.each([HOME, OTHER])(
    'availability in %s: Success minimum per minute < 1 for 3 of 5, missing data keeps the state',
    (region) => {
      synth.template(region).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `OAuthProbe-billing-api-${region}-Availability`,
        AlarmDescription: Match.stringLikeRegexp(
          `billing-api" from ${region}[\\s\\S]*\\nRunbook: https://wiki.example.com/runbooks/billing-oauth$`,
        ),
        Namespace: 'OAuthProbe',
        MetricName: 'Success',
        Dimensions: [{ Name: 'Probe', Value: 'billing-api' }],
        Statistic: 'Minimum',
        Period: 60,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'ignore',
        ...actions,
      });
    },
  );

  it('latency: MAX over the p95 of the token request and each step, 5-minute periods, against degradedMs 1500', () => {
    const [, alarm] = resourcesOf(synth.template(HOME), 'AWS::CloudWatch::Alarm').find(
      ([, p]) => p.AlarmName === `OAuthProbe-billing-api-${HOME}-Latency`,
    )!;
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1500,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'ignore',
    });
    const metrics = alarm.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] }; Stat: string; Period: number };
    }[];
    expect(metrics.find((m) => m.Expression?.startsWith('MAX'))?.Expression).toBe(
      'MAX([tokenRatio, step0Ratio, step1Ratio])',
    );
    const stats = metrics
      .filter((m) => m.MetricStat)
      .map((m) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Stat, m.MetricStat!.Period]);
    expect(stats).toEqual([
      ['token', 'TokenLatency', 'p95', 300],
      ['step0', 'StepLatency', 'p95', 300],
      ['step1', 'StepLatency', 'p95', 300],
    ]);
  });

  it('expiry: fewest days left on certificates and credential < 14 per 6 hours, missing data ignored', () => {
    const [, alarm] = resourcesOf(synth.template(HOME), 'AWS::CloudWatch::Alarm').find(
      ([, p]) => p.AlarmName === `OAuthProbe-billing-api-${HOME}-Expiry`,
    )!;
    expect(alarm).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 14,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'ignore',
    });
    const metrics = alarm.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string }; Stat: string; Period: number };
    }[];
    expect(metrics.map((m) => m.Expression).filter(Boolean)).toEqual([
      'MIN([certFilled, credFilled])',
      'FILL(cert, 100000)',
      'FILL(cred, 100000)',
    ]);
    expect(
      metrics
        .filter((m) => m.MetricStat)
        .map((m) => [m.MetricStat!.Metric.MetricName, m.MetricStat!.Stat, m.MetricStat!.Period]),
    ).toEqual([
      ['CertificateDaysLeft', 'Minimum', 21600],
      ['CredentialDaysLeft', 'Minimum', 21600],
    ]);
  });

  it('stopped: no run in 3 periods, counted as real zeros once the probe has run, nothing before its first run', () => {
    const template = synth.template(HOME);
    expectMathAlarm(
      template,
      `OAuthProbe-billing-api-${HOME}-Stopped`,
      stoppedAlarm({ namespace: 'OAuthProbe', probe: 'billing-api', periodMinutes: 1, missingRunsPeriods: 3 }),
    );
    expectMathAlarm(
      template,
      `OAuthProbe-partner-sync-${HOME}-Stopped`,
      stoppedAlarm({ namespace: 'OAuthProbe', probe: 'partner-sync', periodMinutes: 5, missingRunsPeriods: 3 }),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `OAuthProbe-billing-api-${HOME}-Stopped`,
      ...actions,
    });
    // No alarm breaches on missing data: a new alarm waits for the probe's first run (nothing at deploy).
    const breaching = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(
      ([, p]) => p.TreatMissingData === 'breaching',
    );
    expect(breaching).toEqual([]);
  });

  it('uses 5-minute periods for partner-sync, which runs every 5 minutes', () => {
    synth.template(HOME).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `OAuthProbe-partner-sync-${HOME}-Availability`,
      Period: 300,
    });
  });

  it('sends ALARM and OK of every alarm to the AlarmTopic of its region; SLO window alarms act only through their composite', () => {
    for (const template of synth.templates.values()) {
      for (const [, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
        // The notifier's own alarms and the per-region drift and throttles warnings go straight to the
        // notification topic.
        if (String(alarm.AlarmName).startsWith('OAuthProbe-Notifier-')) continue;
        if (String(alarm.AlarmName).startsWith('OAuthProbe-SecretVersionDrift-')) continue;
        if (String(alarm.AlarmName).startsWith('OAuthProbe-ProbeThrottles-')) continue;
        if (/-Burn(Fast|Slow|Ticket)-(Long|Short)$/.test(String(alarm.AlarmName))) {
          expect(alarm.AlarmActions).toBeUndefined();
          continue;
        }
        expect(alarm).toMatchObject({ AlarmActions: [alarmTopicRef], OKActions: [alarmTopicRef] });
      }
      const composites = resourcesOf(template, 'AWS::CloudWatch::CompositeAlarm');
      expect(composites.length).toBeGreaterThan(0);
      for (const [, alarm] of composites) {
        expect(alarm).toMatchObject({ AlarmActions: [alarmTopicRef], OKActions: [alarmTopicRef] });
      }
    }
  });

  it('has the SLO burn-rate pairs of billing-api (99.9 % / 30 d, every minute) with the scaled factors', () => {
    const alarms = resourcesOf(synth.template(HOME), 'AWS::CloudWatch::Alarm').map(([, p]) => p);
    const byName = (suffix: string) => alarms.find((a) => a.AlarmName === `OAuthProbe-billing-api-${HOME}-${suffix}`)!;
    expect(byName('BurnFast-Long')).toMatchObject({
      Threshold: 14.4,
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
    });
    expect(byName('BurnFast-Short')).toMatchObject({ Threshold: 14.4, EvaluationPeriods: 1 });
    expect(byName('BurnSlow-Long')).toMatchObject({ Threshold: 6 });
    expect(byName('BurnTicket-Long')).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    const partner = alarms.find((a) => a.AlarmName === `OAuthProbe-partner-sync-${HOME}-BurnFast-Long`)!;
    // 99.5 % over 7 d: 0.02 × 7 d ÷ 1 h = 3.36.
    expect(partner).toMatchObject({ Threshold: 3.36 });
  });
});

describe('global alarm', () => {
  it('fires when billing-api fails from 2 regions at once (home region only, Region copies of Success)', () => {
    const [, alarm] = resourcesOf(synth.template(HOME), 'AWS::CloudWatch::Alarm').find(
      ([, p]) => p.AlarmName === 'OAuthProbe-billing-api-Global',
    )!;
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 2,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'ignore',
      AlarmActions: [alarmTopicRef],
      OKActions: [alarmTopicRef],
    });
    // The plan's definition: failing and passing regions counted by their last reported run, silent ones
    // counted by the constant (plan/alarm-expressions.ts), read from the Region copies of Success.
    expectMathAlarm(
      synth.template(HOME),
      'OAuthProbe-billing-api-Global',
      globalAlarm({
        namespace: 'OAuthProbe',
        probe: 'billing-api',
        regions: [HOME, OTHER],
        periodMinutes: 1,
        globalFailureRegions: 2,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      }),
    );
  });

  it('exists only in the home region, and not for partner-sync (one region < globalFailureRegions 2)', () => {
    const globals = (region: string) =>
      resourcesOf(synth.template(region), 'AWS::CloudWatch::Alarm')
        .map(([, p]) => p.AlarmName as string)
        .filter((n) => n.endsWith('-Global'));
    expect(globals(HOME)).toEqual(['OAuthProbe-billing-api-Global']);
    expect(globals(OTHER)).toEqual([]);
  });
});

describe('topics', () => {
  it.each([HOME, OTHER])(
    'encrypts the AlarmTopic of %s with a rotating customer key that CloudWatch alarms may use',
    (region) => {
      const template = synth.template(region);
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: 'oauth-probe-alarms',
        DisplayName: 'oauth-probe alarms',
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmTopicKey'), 'Arn'] },
      });
      const fromOurAlarms = {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:cloudwatch:${region}:`,
                { Ref: 'AWS::AccountId' },
                ':alarm:OAuthProbe-*',
              ],
            ],
          },
        },
      };
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: {
                ...fromOurAlarms,
                StringEquals: {
                  ...fromOurAlarms.StringEquals,
                  'kms:EncryptionContext:aws:sns:topicArn': {
                    'Fn::Join': [
                      '',
                      [
                        'arn:',
                        { Ref: 'AWS::Partition' },
                        `:sns:${region}:`,
                        { Ref: 'AWS::AccountId' },
                        ':oauth-probe-alarms',
                      ],
                    ],
                  },
                },
              },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: fromOurAlarms,
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: alarmTopic,
        Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierFunction'), 'Arn'] },
      });
    },
  );

  it('creates the notification topic in the home region only, under its alias-named key', () => {
    const home = synth.template(HOME);
    home.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'oauth-probe-notifications',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationTopicKey'), 'Arn'] },
    });
    home.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/oauth-probe-notifications' });
    expect(count(synth.template(OTHER), 'AWS::KMS::Alias')).toBe(0);
    synth.template(OTHER).resourcePropertiesCountIs('AWS::SNS::Topic', { TopicName: 'oauth-probe-notifications' }, 0);
  });

  it('subscribes each email target once, filtered on the target names it stands for; no PagerDuty CloudWatch URL', () => {
    const home = synth.template(HOME);
    home.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform-team@example.com',
      FilterPolicy: { targets: ['platform-email', { exists: false }] },
    });
    home.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'https' }, 0);
    expect(JSON.stringify(home.toJSON())).not.toContain('events.pagerduty.com/integration');
  });
});

describe('routing, paging rule and maintenance', () => {
  // The routing table ships as a file in a Lambda layer (a fleet's table outgrows the 4 KB environment).
  const routesOf = (region: string) => {
    const template = synth.template(region);
    const [, fn] = resourcesOf(template, 'AWS::Lambda::Function').find(([, p]) =>
      String(p.Description).includes('turns alarm state changes'),
    )!;
    const variables = (fn.Environment as { Variables: Record<string, string> }).Variables;
    expect(variables.NOTIFY_ROUTES_FILE).toBe('/opt/oauth-probe/routes.json');
    expect(variables.NOTIFY_ROUTES).toBeUndefined();
    const [layerId, layer] = resourcesOf(template, 'AWS::Lambda::LayerVersion').find(([, p]) =>
      String(p.Description).includes('routing table'),
    )!;
    expect(fn.Layers).toEqual([{ Ref: layerId }]);
    const key = String((layer.Content as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    return JSON.parse(readFileSync(join(synth.outdir, `asset.${key}`, 'oauth-probe', 'routes.json'), 'utf8'));
  };

  it.each([HOME, OTHER])(
    'gives the notifier in %s the routing table: targets, per-probe notify, page rule, owner',
    (region) => {
      const routes = routesOf(region);
      expect(routes.targets.oncall).toEqual({
        kind: 'pagerDuty',
        routingKeySecretId: 'oauth-probe/pagerduty-routing-key',
        eventsUrl: 'https://events.pagerduty.com/v2/enqueue',
      });
      expect(routes.defaults).toEqual({
        warning: ['platform-email', 'platform-slack'],
        critical: ['oncall', 'platform-slack', 'platform-email'],
      });
      // Per probe only what differs from the defaults (the environment holds 4 KB).
      expect(routes.probes['billing-api']).toEqual({
        owner: 'Billing platform team (#billing-oncall)',
        authServer: 'auth.example.com',
      });
      expect(routes.probes['partner-sync']).toMatchObject({
        warning: ['partner-teams'],
        critical: ['oncall', 'partner-teams'],
        page: 'any-region',
        authServer: 'login.partner.example.net',
      });
    },
  );

  it('lets the notifier read only the channel secrets (home region) and the states of its own alarms', () => {
    synth.template(OTHER).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^NotifierFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadChannelSecrets',
            Action: 'secretsmanager:GetSecretValue',
            Resource: Match.arrayWith([
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    `:secretsmanager:${HOME}:`,
                    { Ref: 'AWS::AccountId' },
                    ':secret:oauth-probe/pagerduty-routing-key-??????',
                  ],
                ],
              },
            ]),
          }),
          Match.objectLike({ Sid: 'ReadProbeAlarmStates', Action: 'cloudwatch:DescribeAlarms' }),
        ]),
      },
    });
  });

  it('mutes the alarms of partner-sync during its one-time maintenance window (home region only)', () => {
    synth.template(HOME).hasResourceProperties('AWS::CloudWatch::AlarmMuteRule', {
      Name: 'oauth-probe-partner-idp-upgrade',
      Rule: { Schedule: { Expression: 'at(2026-12-12T22:00)', Duration: 'PT4H', Timezone: 'Europe/Dublin' } },
      MuteTargets: {
        AlarmNames: [
          'OAuthProbe-partner-sync-eu-west-1-Availability',
          'OAuthProbe-partner-sync-eu-west-1-Latency',
          'OAuthProbe-partner-sync-eu-west-1-Expiry',
          'OAuthProbe-partner-sync-eu-west-1-Stopped',
          // The burn alarms page too: a maintenance window mutes every alarm of the probe that notifies.
          'OAuthProbe-partner-sync-eu-west-1-BurnFast',
          'OAuthProbe-partner-sync-eu-west-1-BurnSlow',
          'OAuthProbe-partner-sync-eu-west-1-BurnTicket',
        ],
      },
    });
    // us-east-1 runs no partner-sync alarm: nothing to mute there.
    synth.template(OTHER).resourceCountIs('AWS::CloudWatch::AlarmMuteRule', 0);
  });
});

describe('notifier', () => {
  it.each([HOME, OTHER])(
    'publishes cross-region to the home notification topic and its aliased key from %s',
    (region) => {
      const template = synth.template(region);
      const topicArn = {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, `:sns:${HOME}:`, { Ref: 'AWS::AccountId' }, ':oauth-probe-notifications'],
        ],
      };
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'oauth-probe: turns alarm state changes into notifications',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: Match.objectLike({
            NOTIFICATION_TOPIC_ARN: topicArn,
            PROBE_LOG_GROUP_NAME: { Ref: Match.stringLikeRegexp('^ProbeFunctionLogGroup') },
            METRICS_NAMESPACE: 'OAuthProbe',
            HOME_REGION: HOME,
            DASHBOARD_URL: `https://${HOME}.console.aws.amazon.com/cloudwatch/home?region=${HOME}#dashboards/dashboard/OAuthProbe`,
            GLOBAL_FAILURE_REGIONS: '2',
          }),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^NotifierFunctionRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'logs:FilterLogEvents',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProbeFunctionLogGroup'), 'Arn'] },
            }),
            Match.objectLike({ Action: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'], Resource: '*' }),
            Match.objectLike({ Action: 'sns:Publish', Resource: topicArn }),
            Match.objectLike({
              Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
              Resource: {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, `:kms:${HOME}:`, { Ref: 'AWS::AccountId' }, ':key/*'],
                ],
              },
              Condition: {
                'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/oauth-probe-notifications' },
                StringEquals: {
                  'kms:ViaService': `sns.${HOME}.amazonaws.com`,
                  'kms:EncryptionContext:aws:sns:topicArn': topicArn,
                },
              },
            }),
          ]),
        },
      });
    },
  );
});

describe('dashboard', () => {
  it('exists in the home region only: Executive, On-call (OAuthProbe) and Debug', () => {
    synth.template(HOME).resourceCountIs('AWS::CloudWatch::Dashboard', 3);
    synth.template(OTHER).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('has the three families and cross-region widgets with a region on each query', () => {
    const dashboards = resourcesOf(synth.template(HOME), 'AWS::CloudWatch::Dashboard');
    expect(dashboards.map(([, d]) => d.DashboardName).sort()).toEqual([
      'OAuthProbe',
      'OAuthProbe-Debug',
      'OAuthProbe-Executive',
    ]);
    const body = dashboards.map(([, d]) => JSON.stringify(synth.stacks.get(HOME)!.resolve(d.DashboardBody))).join('');
    for (const text of ['Executive', 'On-call', 'Debug', 'SLO attainment', 'Probes failing now', 'Burn rate']) {
      expect(body).toContain(text);
    }
    expect(body).toContain('Failures by stage and code');
    expect(body).toContain(`\\"region\\":\\"${OTHER}\\"`);
    expect(body).toContain('TokenLatency');
    expect(body).toContain('CredentialDaysLeft');
    expect(body).toContain('\\"type\\":\\"alarm\\"');
  });
});

describe('outputs', () => {
  it('exports topic ARNs, the dashboard URL and the function names', () => {
    expect(Object.keys(synth.template(HOME).findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'DashboardUrl',
      'NotificationTopicArn',
      'NotifierFunctionName',
      'ProbeFunctionName',
    ]);
    expect(Object.keys(synth.template(OTHER).findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'NotifierFunctionName',
      'ProbeFunctionName',
    ]);
  });
});

describe('snapshots', () => {
  it.each([HOME, OTHER])('OAuthProbe-%s matches its snapshot (asset hashes masked)', (region) => {
    expect(maskedTemplate(synth.template(region))).toMatchSnapshot();
  });
});
