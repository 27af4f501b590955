/**
 * The construct library as a user's own CDK app sees it: its own App and Stack, `OAuthProbes` imported
 * from lib/index.ts (the package's `oauth-probe/cdk`), synthesized offline, with the props a platform
 * team uses (its own alarm actions and topic, an IVpc with subnets and security groups, reserved
 * concurrency, prebuilt code); config mistakes throw `ConfigError` naming the construct, props that
 * contradict the config fail the synth through CDK's construct validation.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { addOAuthProbeStacks, ConfigError, OAuthProbes, type OAuthProbesProps } from '../../lib/index.js';
import { resourcesOf, testApp } from './helpers.js';

const config = {
  name: 'team-a',
  regions: ['eu-west-1'],
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [
    {
      name: 'billing-api',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/billing' },
      page: 'never' as const,
    },
  ],
};

function userApp(region = 'eu-west-1') {
  const app = testApp({
    outdir: mkdtempSync(join(tmpdir(), 'oauth-probe-user-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'PlatformMonitoring', { env: { account: '111122223333', region } });
  return { app, stack };
}

/** A prebuilt bundle directory, as the package ships them (dist/lambda/<role>). */
function prebuilt(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'oauth-probe-prebuilt-')), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.mjs'), `export const handler = async () => '${name}';\n`);
  return dir;
}

function vpcOf(stack: Stack) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0abc1234',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
  });
}

/** One user app with every prop a platform team sets, synthesized once for the tests of this block. */
const { app, stack } = userApp();
const teamTopic = new sns.Topic(stack, 'TeamTopic');
const pagerTopic = sns.Topic.fromTopicArn(stack, 'Pager', 'arn:aws:sns:eu-west-1:111122223333:pager');
const vpc = vpcOf(stack);
const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ProbeEgress', 'sg-0ccc3333');
const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-lib-'));
writeFileSync(join(dir, 'probes.json'), JSON.stringify(config));
const probes = new OAuthProbes(stack, 'Probes', {
  config: join(dir, 'probes.json'),
  alarmTopic: teamTopic,
  alarmActions: [new cwActions.SnsAction(pagerTopic)],
  vpc,
  vpcSubnets: { subnets: [vpc.privateSubnets[1]!] },
  securityGroups: [securityGroup],
  reservedConcurrency: 12,
  probeMemoryMb: 512,
  logRetention: logs.RetentionDays.THREE_MONTHS,
  entries: { notifier: prebuilt('notifier') },
});
app.synth();
const template = Template.fromStack(stack);
const shard = Template.fromStack(probes.shards[0]!);
const probeFunction = () =>
  resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProbesProbeFunction'))!;

describe('OAuthProbes in a user app', () => {
  it('synthesizes offline from a config file path, inside the user’s own stack', () => {
    expect(probes.isHome).toBe(true);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'team-a-notifications' });
    template.resourceCountIs('AWS::CloudFormation::Stack', probes.shards.length);
    shard.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'team-a.billing-api-eu-west-1-Availability' });
  });

  it("adds the team's topic and actions, ALARM and OK, to every alarm that notifies and to no window alarm", () => {
    const alarms = [
      ...resourcesOf(shard, 'AWS::CloudWatch::Alarm'),
      ...resourcesOf(shard, 'AWS::CloudWatch::CompositeAlarm'),
      ...resourcesOf(template, 'AWS::CloudWatch::Alarm'),
    ].map(([, p]) => p);
    const named = (name: string) => alarms.find((a) => (a.AlarmName ?? a.CompositeAlarmName) === name)!;
    for (const name of [
      'team-a.billing-api-eu-west-1-Availability',
      'team-a.billing-api-eu-west-1-BurnFast',
      'team-a.Notifier-eu-west-1-Errors',
      'team-a.ProbeThrottles-eu-west-1',
    ]) {
      const alarm = named(name);
      for (const actions of [alarm.AlarmActions, alarm.OKActions] as unknown[][]) {
        expect(JSON.stringify(actions), name).toContain('arn:aws:sns:eu-west-1:111122223333:pager');
        expect(JSON.stringify(actions), name).toMatch(/TeamTopic/);
      }
    }
    // The shard reads the team topic as a nested-stack parameter from the user's stack.
    expect(JSON.stringify(named('team-a.billing-api-eu-west-1-Availability').AlarmActions)).toMatch(/referenceto/i);
    expect(named('team-a.billing-api-eu-west-1-BurnFast-Long').AlarmActions).toBeUndefined();
  });

  it('places the probe function in the IVpc: the chosen subnet, the given security group, ENI permissions', () => {
    const [, fn] = probeFunction();
    expect(fn.VpcConfig).toEqual({ SubnetIds: ['subnet-0bbb2222'], SecurityGroupIds: ['sg-0ccc3333'] });
    expect(JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'))).toContain('ec2:CreateNetworkInterface');
    // Our role keeps its own statements: no AWS managed policy comes with the VPC.
    const [[, role]] = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('ProbesProbeFunctionRole'),
    );
    expect(JSON.stringify(role!.ManagedPolicyArns)).not.toContain('AWSLambdaVPCAccessExecutionRole');
  });

  it('sets memory and reserved concurrency from the props', () => {
    const [, fn] = probeFunction();
    expect(fn.MemorySize).toBe(512);
    expect(fn.ReservedConcurrentExecutions).toBe(12);
    expect(probes.prepared.plan.regions[0]!.reservedConcurrency).toBe(12);
  });

  it("keeps every function's log group for the logRetention of the props", () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    // The probe and the notifier function (no watchdog without notifications.heartbeat).
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expect(groups.map(([, group]) => group.RetentionInDays)).toEqual(groups.map(() => 90));
  });

  it('takes a prebuilt bundle as it is: the asset hash is the hash of its files, the same in any app', () => {
    const notifierCode = (t: Template) =>
      resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProbesNotifierFunction'))![1].Code;
    const other = userApp();
    new OAuthProbes(other.stack, 'Probes', {
      config,
      entries: { notifier: join(prebuilt('elsewhere'), '..', 'notifier-copy') },
    });
    // A missing directory is refused through CDK's validation, with the function's path.
    expect(() => other.app.synth()).toThrow(
      /\[PlatformMonitoring\/Probes\/NotifierFunction\] entry: .*notifier-copy does not exist/,
    );
    // Two apps, two copies of the same bundle in different folders: one hash.
    const again = userApp();
    new OAuthProbes(again.stack, 'Probes', { config, entries: { notifier: prebuilt('notifier') } });
    again.app.synth();
    const code = notifierCode(template) as { S3Key: unknown };
    expect(notifierCode(Template.fromStack(again.stack))).toEqual(code);
    expect(JSON.stringify(code)).toMatch(/[0-9a-f]{64}\.zip/);
  });
});

describe('errors', () => {
  it('throws ConfigError naming the construct and every problem for a bad config', () => {
    const { stack } = userApp();
    const bad = { ...config, name: 'has space', probes: [{ ...config.probes[0], name: 'bad name' }] };

    const error = (() => {
      try {
        new OAuthProbes(stack, 'Probes', { config: bad });
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(['name', 'probes[0].name']);
    expect((error as Error).message).toContain('(OAuthProbes at PlatformMonitoring/Probes)');
    expect((error as Error).message).toContain('  name: use 1-32 letters');
    expect((error as Error).message).toContain('  probes[0].name: use 1-64 letters');
  });

  it('refuses a region the config does not deploy to', () => {
    const { stack } = userApp('sa-east-1');

    expect(() => new OAuthProbes(stack, 'Probes', { config })).toThrow(/runs no probe from sa-east-1.*eu-west-1/);
  });

  it.each<[string, (stack: Stack) => Partial<OAuthProbesProps>, RegExp]>([
    [
      'a VPC given twice (prop and config vpc)',
      (stack) => ({
        vpc: vpcOf(stack),
        config: {
          ...config,
          vpc: { 'eu-west-1': { subnetIds: ['subnet-0aaa1111'], securityGroupIds: ['sg-0aaa1111'] } },
        },
      }),
      /\[PlatformMonitoring\/Probes\] vpc: config vpc\.eu-west-1 places the probe function too/,
    ],
    [
      'security groups without a VPC',
      (stack) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0aaa1111')] }),
      /vpcSubnets, securityGroups: they place the probe function in `vpc`; give `vpc` too/,
    ],
    [
      'a topic of another region',
      (stack) => ({ alarmTopic: sns.Topic.fromTopicArn(stack, 'Far', 'arn:aws:sns:us-east-1:111122223333:far') }),
      /alarmTopic: the topic is in us-east-1; an alarm action must be in eu-west-1/,
    ],
    ['a reservation of 0', () => ({ reservedConcurrency: 0 }), /reservedConcurrency: 0: give "auto" or a whole number/],
  ])('%s', (_, props, message) => {
    const { app, stack } = userApp();
    expect(() => {
      new OAuthProbes(stack, 'Probes', { config, ...props(stack) });
      app.synth();
    }).toThrow(message);
  });
});

describe('addOAuthProbeStacks with regional props', () => {
  it('builds each region in its own stack with the VPC and topic made there', () => {
    const app = testApp({
      outdir: mkdtempSync(join(tmpdir(), 'oauth-probe-user-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    const regions: string[] = [];
    const { stacks } = addOAuthProbeStacks(app, {
      config: { ...config, regions: ['eu-west-1', 'us-east-1'] },
      name: 'staging',
      probeMemoryMb: 384,
      forRegion: (stack, region) => {
        regions.push(region);
        return {
          alarmTopic: new sns.Topic(stack, 'TeamTopic'),
          vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
            vpcId: 'vpc-0abc1234',
            availabilityZones: [`${region}a`],
            privateSubnetIds: [region === 'eu-west-1' ? 'subnet-0aaa1111' : 'subnet-0ddd4444'],
          }),
        };
      },
    });
    app.synth();

    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
    for (const [region, stack] of stacks) {
      const fn = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function').find(([id]) =>
        id.startsWith('ProbeFunction'),
      )![1];
      expect(fn.MemorySize).toBe(384);
      expect((fn.VpcConfig as { SubnetIds: string[] }).SubnetIds).toEqual([
        region === 'eu-west-1' ? 'subnet-0aaa1111' : 'subnet-0ddd4444',
      ]);
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `staging.ProbeThrottles-${region}`,
        AlarmActions: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^TeamTopic') }]),
      });
    }
  });
});
