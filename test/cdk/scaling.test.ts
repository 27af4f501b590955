/**
 * Three regions, three probes: what is shared per region stays one per region, what belongs to a
 * probe scales with its regions.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { globalAlarm, stoppedAlarm } from '../../plan/index.js';
import { count, expectMathAlarm, resourcesOf, type SynthesizedApp, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';
const AP = 'ap-southeast-2';

const config: ProbesConfigInput = {
  homeRegion: EU,
  regions: [EU, US, AP],
  // No default degradedMs: gamma has none, so it gets no latency alarm.
  defaults: { timeoutMs: 4000 },
  notifications: {
    warning: { emails: ['ops@example.com'] },
    critical: { emails: ['ops@example.com', 'pager@example.com'] },
  },
  probes: [
    {
      // Every region, every minute.
      name: 'alpha',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/alpha' },
      degradedMs: 1000,
      runbookUrl: 'https://wiki.example.com/alpha',
    },
    {
      // Two regions, a secret by ARN under a customer key, steps with their own degraded thresholds.
      name: 'beta',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: {
        secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:beta-AbCdEf',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        // The replica in us-east-1 is encrypted with a key of its own region.
        kmsKeyArns: { [US]: 'arn:aws:kms:us-east-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab' },
      },
      degradedMs: 1000,
      token: { degradedMs: 800 },
      steps: [{ name: 'orders', request: { url: 'https://api.example.com/orders' }, degradedMs: 2000 }],
      regions: [EU, US],
      schedule: 'rate(5 minutes)',
      deadlineMs: 45_000,
    },
    {
      // One region, hourly cron, no degraded threshold at all.
      name: 'gamma',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/gamma' },
      regions: [AP],
      schedule: 'cron(0 * * * ? *)',
    },
  ],
};

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize(config, { probeMemoryMb: 192 });
});

const alarmNames = (region: string) =>
  resourcesOf(synth.template(region), 'AWS::CloudWatch::Alarm')
    .map(([, p]) => p.AlarmName as string)
    .filter((name) => !name.startsWith('OAuthProbe-Notifier-'))
    .sort();

describe('a three-region, three-probe deployment', () => {
  it('has one stack per region, the home stack first', () => {
    expect([...synth.stacks.keys()]).toEqual([EU, US, AP]);
  });

  it.each([EU, US, AP])(
    'shares one probe function, notifier, alarm topic, key and scheduler role per region (%s)',
    (region) => {
      const template = synth.template(region);
      const home = region === EU;
      expect(count(template, 'AWS::Lambda::Function')).toBe(2);
      expect(count(template, 'AWS::Logs::LogGroup')).toBe(2);
      expect(count(template, 'AWS::Logs::MetricFilter')).toBe(1);
      expect(count(template, 'AWS::SNS::Topic')).toBe(home ? 2 : 1);
      expect(count(template, 'AWS::KMS::Key')).toBe(home ? 2 : 1);
      // Elsewhere, one more: EventBridge forwards the notifier alarms to the home event bus.
      expect(count(template, 'AWS::IAM::Role')).toBe(home ? 3 : 4);
      expect(count(template, 'AWS::CloudWatch::Dashboard')).toBe(home ? 3 : 0);
    },
  );

  it('creates one schedule per probe and region', () => {
    const schedules = (region: string) =>
      resourcesOf(synth.template(region), 'AWS::Scheduler::Schedule')
        .map(([, p]) => p.Description)
        .sort();
    expect(schedules(EU)).toEqual(['oauth-probe alpha', 'oauth-probe beta']);
    expect(schedules(US)).toEqual(['oauth-probe alpha', 'oauth-probe beta']);
    expect(schedules(AP)).toEqual(['oauth-probe alpha', 'oauth-probe gamma']);
  });

  it('creates the regional alarms per probe and region, and global alarms in the home region for multi-region probes', () => {
    const regional = (probe: string, region: string, latency = true) =>
      [
        'Availability',
        'Expiry',
        ...(latency ? ['Latency'] : []),
        'Stopped',
        ...['BurnFast', 'BurnSlow', 'BurnTicket'].flatMap((burn) => [`${burn}-Long`, `${burn}-Short`]),
      ].map((kind) => `OAuthProbe-${probe}-${region}-${kind}`);
    // One secret version drift and one throttles warning per region, whatever the number of probes.
    const drift = (region: string) => [
      `OAuthProbe-SecretVersionDrift-${region}`,
      `OAuthProbe-ProbeThrottles-${region}`,
    ];
    expect(alarmNames(EU)).toEqual(
      [
        ...regional('alpha', EU),
        ...regional('beta', EU),
        'OAuthProbe-alpha-Global',
        'OAuthProbe-beta-Global',
        ...drift(EU),
      ].sort(),
    );
    expect(alarmNames(US)).toEqual([...regional('alpha', US), ...regional('beta', US), ...drift(US)].sort());
    // gamma has no degradedMs (no latency alarm) and runs from 1 region (< globalFailureRegions 2: no global alarm).
    expect(alarmNames(AP)).toEqual([...regional('alpha', AP), ...regional('gamma', AP, false), ...drift(AP)].sort());
  });

  it('counts the failing regions over all three regions for alpha, as the plan defines it', () => {
    expectMathAlarm(
      synth.template(EU),
      'OAuthProbe-alpha-Global',
      globalAlarm({
        namespace: 'OAuthProbe',
        probe: 'alpha',
        regions: [EU, US, AP],
        periodMinutes: 1,
        globalFailureRegions: 2,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      }),
    );
  });

  it('divides each p95 by its own degraded threshold when they differ (beta: token 800 ms, step 2000 ms)', () => {
    const [, alarm] = resourcesOf(synth.template(US), 'AWS::CloudWatch::Alarm').find(
      ([, p]) => p.AlarmName === `OAuthProbe-beta-${US}-Latency`,
    )!;
    expect(alarm.Threshold).toBe(1);
    const expressions = (alarm.Metrics as { Expression?: string }[]).map((m) => m.Expression).filter(Boolean);
    expect(expressions).toEqual(['MAX([tokenRatio, step0Ratio])', 'FILL(token, 0) / 800', 'FILL(step0, 0) / 2000']);
  });

  it('uses the average interval of an hourly cron as the period of its availability and stopped alarms', () => {
    const template = synth.template(AP);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `OAuthProbe-gamma-${AP}-Availability`,
      Period: 3600,
    });
    expectMathAlarm(
      template,
      `OAuthProbe-gamma-${AP}-Stopped`,
      stoppedAlarm({ namespace: 'OAuthProbe', probe: 'gamma', periodMinutes: 60, missingRunsPeriods: 3 }),
    );
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 * * * ? *)' });
  });

  it('gives the probe functions the memory asked for, the notifier its 256 MB', () => {
    const memory = resourcesOf(synth.template(US), 'AWS::Lambda::Function').map(([, p]) => [
      String(p.Description).startsWith('oauth-probe: runs') ? 'probe' : 'notifier',
      p.MemorySize,
    ]);
    expect(Object.fromEntries(memory)).toEqual({ probe: 192, notifier: 256 });
  });

  it('sizes each region’s probe timeout to the longest deadline it runs', () => {
    const timeout = (region: string) =>
      resourcesOf(synth.template(region), 'AWS::Lambda::Function').find(([, p]) =>
        String(p.Description).startsWith('oauth-probe: runs'),
      )![1].Timeout;
    expect(timeout(EU)).toBe(60); // beta: 45 s + 15 s
    expect(timeout(AP)).toBe(23); // alpha and gamma: 4 s × (1 + 1) = 8 s + 15 s
  });

  it('grants a secret given by ARN on its local replica, and its customer key only through Secrets Manager', () => {
    synth.template(US).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ProbeFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: [
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    `:secretsmanager:${US}:`,
                    { Ref: 'AWS::AccountId' },
                    ':secret:oauth-probe/alpha-??????',
                  ],
                ],
              },
              `arn:aws:secretsmanager:${US}:111122223333:secret:beta-AbCdEf`,
            ],
          }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            // The key of the replica in this region (credentials.kmsKeyArns), not the primary's.
            Resource: 'arn:aws:kms:us-east-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab',
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${US}.amazonaws.com` } },
          }),
        ]),
      },
    });
    // gamma's region has no probe with a customer key: no kms:Decrypt there.
    const apPolicy = resourcesOf(synth.template(AP), 'AWS::IAM::Policy').map(([, p]) => JSON.stringify(p));
    expect(apPolicy.some((p) => p.includes(`secretsmanager.${AP}.amazonaws.com`))).toBe(false);
  });

  it('subscribes an address listed as warning and critical once, filtered on both target names', () => {
    const emails = resourcesOf(synth.template(EU), 'AWS::SNS::Subscription')
      .filter(([, p]) => p.Protocol === 'email')
      .map(([, p]) => [p.Endpoint, p.FilterPolicy]);
    expect(emails).toEqual([
      ['ops@example.com', { targets: ['warning.emails[0]', 'critical.emails[0]', { exists: false }] }],
      ['pager@example.com', { targets: ['critical.emails[1]', { exists: false }] }],
    ]);
  });
});

describe('a home region that runs no probe', () => {
  it('still gets a stack with the home resources and the alarm topic, but no probe function', () => {
    const only = synthesize({
      homeRegion: 'us-west-2',
      regions: [EU],
      notifications: config.notifications,
      probes: [config.probes[0]!],
    });

    const home = only.template('us-west-2');
    expect([...only.stacks.keys()]).toEqual(['us-west-2', EU]);
    expect(count(home, 'AWS::Lambda::Function')).toBe(1);
    expect(count(home, 'AWS::Scheduler::Schedule')).toBe(0);
    expect(count(home, 'AWS::CloudWatch::Dashboard')).toBe(3);
    expect(count(home, 'AWS::SNS::Topic')).toBe(2);
    // alpha runs from one region: no global alarm; only the notifier's own two.
    expect(resourcesOf(home, 'AWS::CloudWatch::Alarm').map(([, p]) => p.AlarmName)).toEqual([
      'OAuthProbe-Notifier-us-west-2-Errors',
      'OAuthProbe-Notifier-us-west-2-DeadLetters',
    ]);
  });
});
