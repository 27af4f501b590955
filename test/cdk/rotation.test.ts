import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { OAuthProbes, ProbeRotationTest } from '../../lib/index.js';
import { PROJECT_ROOT, resourcesOf, synthesize, testApp } from './helpers.js';

const probe = (name: string, rotationTest?: boolean) => ({
  name,
  tokenUrl: 'https://auth.example.com/oauth2/token',
  credentials: { secretId: `oauth-probe/${name}`, ...(rotationTest ? { rotationTest } : {}) },
  steps: [],
});

const config = (rotationTest: boolean): ProbesConfigInput => ({
  regions: ['eu-west-1', 'us-east-1'],
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [probe('billing-api', rotationTest), probe('orders-api')],
});

function rotationStack(input: ProbesConfigInput, name = 'billing-api') {
  const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Probes', { env: { region: 'eu-west-1' } });
  const probes = new OAuthProbes(stack, 'Probes', { config: input, baseDir: PROJECT_ROOT });
  const rotationFunction = new lambda.Function(stack, 'Rotation', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  const test = new ProbeRotationTest(stack, 'RotationTest', { probes, probe: name, rotationFunction });
  return { template: Template.fromStack(stack), probes, test };
}

describe('ProbeRotationTest', () => {
  it('lets the rotation function invoke the probe function and tells it which function and probe', () => {
    const { template, probes, test } = rotationStack(config(true));
    const probeFunctionId = Stack.of(probes).getLogicalId(probes.probeFunction!.node.defaultChild as never);

    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [probeFunctionId, 'Arn'] }]),
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^RotationServiceRole') }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: { OAUTH_PROBE_FUNCTION_NAME: { Ref: probeFunctionId }, OAUTH_PROBE_PROBE: test.probeJson },
      },
    });
    expect(JSON.parse(test.probeJson)).toMatchObject({
      name: 'billing-api',
      credentials: { secretId: 'oauth-probe/billing-api', rotationTest: true },
    });
  });

  it('refuses a probe that has not opted in, naming the key to set', () => {
    expect(() => rotationStack(config(false))).toThrow(/"credentials": \{ "rotationTest": true \}/);
  });

  it('refuses an unknown probe, listing the known ones', () => {
    expect(() => rotationStack(config(true), 'nope')).toThrow(/no probe "nope".*billing-api, orders-api/);
  });
});

describe('rotation notices and the drift check in the deployment', () => {
  const withOptIn = synthesize(config(true));
  const without = synthesize(config(false));

  const probeFunction = (template: Template) =>
    resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProbeFunction'))![1] as {
      Environment: { Variables: Record<string, unknown> };
    };

  it('gives the probe function the notification topic and sns:Publish only when a probe opts in', () => {
    for (const region of ['eu-west-1', 'us-east-1']) {
      expect(probeFunction(withOptIn.template(region)).Environment.Variables).toMatchObject({
        // The home region's (eu-west-1) topic, from every region.
        NOTIFICATION_TOPIC_ARN: {
          'Fn::Join': ['', expect.arrayContaining([':sns:eu-west-1:', ':oauth-probe-notifications'])],
        },
        DEPLOYMENT_NAME: 'oauth-probe',
      });
      withOptIn.template(region).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Sid: 'PublishRotationTestFailures', Action: 'sns:Publish' })]),
        },
      });
      expect(probeFunction(without.template(region)).Environment.Variables.NOTIFICATION_TOPIC_ARN).toBeUndefined();
      expect(JSON.stringify(without.template(region).toJSON())).not.toContain('PublishRotationTestFailures');
    }
  });

  it('alarms SecretVersionDrift once per region as a warning, on the metric without a Probe dimension', () => {
    for (const region of ['eu-west-1', 'us-east-1']) {
      const template = without.template(region);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `OAuthProbe-SecretVersionDrift-${region}`,
        AlarmDescription: Match.stringLikeRegexp('^WARNING: '),
        MetricName: 'SecretVersionDrift',
        Namespace: 'OAuthProbe',
        Dimensions: Match.absent(),
        Statistic: 'Maximum',
        Period: 900,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      });
      const drift = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(([, p]) =>
        String(p.AlarmName).includes('SecretVersionDrift'),
      );
      expect(drift).toHaveLength(1);
    }
    // Home (eu-west-1): straight to the notification topic; elsewhere forwarded to the home event bus.
    without.template('eu-west-1').hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'OAuthProbe-SecretVersionDrift-eu-west-1',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationTopic') }],
    });
    without.template('eu-west-1').hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { alarmName: [{ prefix: 'OAuthProbe-SecretVersionDrift-' }] } }),
    });
    without.template('us-east-1').hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        resources: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretDriftAlarm'), 'Arn'] }]),
      }),
    });
  });

  it('lets the probe role describe its secrets here and list their versions in any region (no value)', () => {
    const template = without.template('us-east-1');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadProbeSecrets',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Sid: 'ListProbeSecretVersions',
            Action: 'secretsmanager:ListSecretVersionIds',
            Resource: Match.arrayWith([
              {
                'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secretsmanager:\\*:')])],
              },
            ]),
          }),
        ],
      },
    });
  });
});
