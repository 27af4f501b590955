/** `oauth-probe preflight` with Secrets Manager, SSM and CloudFormation mocked per region (aws-sdk-client-mock). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../tools/cli/main.js';
import { type Workspace, workspace } from './helpers.js';
import { memoryIo } from './memory-io.js';

const secretsManager = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

const SECRET_VALUE = 'preflight-secret-Vb7Qx1';
const notFound = (name: string, message: string) => Object.assign(new Error(message), { name });
const regionOf = async (getClient: () => { config: { region: unknown } }) => {
  const region = getClient().config.region;
  return typeof region === 'function' ? await region() : region;
};

/** Per region: the secrets that exist (value), the bootstrapped regions, the stacks that exist. */
function world(options: {
  secrets: Record<string, Record<string, string>>;
  bootstrapped: string[];
  stacks: Record<string, string>;
}) {
  secretsManager.on(GetSecretValueCommand).callsFake(async (input, getClient) => {
    const value = options.secrets[await regionOf(getClient)]?.[input.SecretId];
    if (value === undefined)
      throw notFound('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return { SecretString: value };
  });
  ssm.on(GetParameterCommand).callsFake(async (_input, getClient) => {
    if (!options.bootstrapped.includes(await regionOf(getClient))) throw notFound('ParameterNotFound', '');
    return { Parameter: { Value: '27' } };
  });
  cloudFormation.on(DescribeStacksCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient);
    if (options.stacks[region] !== input.StackName) {
      throw notFound('ValidationError', `Stack with id ${input.StackName} does not exist`);
    }
    return { Stacks: [{ StackName: input.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] };
  });
}

const good = JSON.stringify({ client_id: 'billing', client_secret: SECRET_VALUE });

describe('oauth-probe preflight', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await workspace();
    await ws.write('probes.json', {
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1'],
      probes: [
        {
          name: 'billing',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'oauth-probe/billing' },
        },
      ],
    });
  });

  beforeEach(() => {
    secretsManager.reset();
    ssm.reset();
    cloudFormation.reset();
    lambda.reset();
  });

  /** A config reserving concurrency in eu-west-1 (home) and us-east-1, whose secrets and bootstrap are in place. */
  const reserving = async (file: string, reservedConcurrency: 'auto' | number) => {
    await ws.write(file, {
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1'],
      reservedConcurrency,
      probes: [
        {
          name: 'billing',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'oauth-probe/billing' },
        },
      ],
    });
    world({
      secrets: { 'eu-west-1': { 'oauth-probe/billing': good }, 'us-east-1': { 'oauth-probe/billing': good } },
      bootstrapped: ['eu-west-1', 'us-east-1'],
      stacks: {},
    });
  };

  const preflight = async (...args: string[]) => {
    const io = memoryIo(ws.dir);
    const code = await main(['preflight', ...args], io);
    return { code, stdout: io.out(), stderr: io.err() };
  };

  it('exits 0 when secrets and replicas parse, regions are bootstrapped and nothing is left over', async () => {
    world({
      secrets: { 'eu-west-1': { 'oauth-probe/billing': good }, 'us-east-1': { 'oauth-probe/billing': good } },
      bootstrapped: ['eu-west-1', 'us-east-1'],
      stacks: { 'eu-west-1': 'OAuthProbe-eu-west-1', 'us-east-1': 'OAuthProbe-us-east-1' },
    });

    const { code, stdout } = await preflight();

    expect(code).toBe(0);
    expect(stdout).toContain('  ok    secret oauth-probe/billing of probe billing in us-east-1: exists and parses');
    expect(stdout).toContain('  ok    eu-west-1: CDK bootstrap version 27');
    expect(stdout).toContain('ready to deploy');
    // Every call carried an abort deadline.
    for (const call of [...secretsManager.calls(), ...ssm.calls(), ...cloudFormation.calls()]) {
      expect(((call.args as unknown[])[1] as { abortSignal?: AbortSignal })?.abortSignal).toBeInstanceOf(AbortSignal);
    }
  });

  it('exits 1 naming a missing replica, a malformed secret, an unbootstrapped region and a left-over stack', async () => {
    world({
      secrets: { 'eu-west-1': { 'oauth-probe/billing': JSON.stringify({ client_secret: SECRET_VALUE }) } },
      bootstrapped: ['eu-west-1'],
      stacks: { 'ap-south-1': 'OAuthProbe-ap-south-1' },
    });

    const { code, stdout } = await preflight();

    expect(code).toBe(1);
    expect(stdout).toContain(
      'FAIL  secret oauth-probe/billing of probe billing in us-east-1: not found (create it, or replicate it to us-east-1: aws secretsmanager replicate-secret-to-regions --secret-id oauth-probe/billing --add-replica-regions Region=us-east-1)',
    );
    expect(stdout).toContain(
      'FAIL  secret oauth-probe/billing of probe billing in eu-west-1: secret "oauth-probe/billing"',
    );
    expect(stdout).toContain('FAIL  us-east-1: not CDK-bootstrapped (run: npx cdk bootstrap aws://ACCOUNT/us-east-1)');
    expect(stdout).toContain(
      'FAIL  ap-south-1: stack OAuthProbe-ap-south-1 (UPDATE_COMPLETE) belongs to this deployment but the config has no probe there; it keeps probing. Delete it: aws cloudformation delete-stack --region ap-south-1 --stack-name OAuthProbe-ap-south-1',
    );
    expect(stdout).toContain('4 problems found');
    expect(stdout).not.toContain(SECRET_VALUE);
  });

  it('searches --scan-region too, and never the configured regions, for left-over stacks', async () => {
    world({
      secrets: { 'eu-west-1': { 'oauth-probe/billing': good }, 'us-east-1': { 'oauth-probe/billing': good } },
      bootstrapped: ['eu-west-1', 'us-east-1'],
      stacks: { 'me-central-1': 'OAuthProbe-me-central-1' },
    });

    const { code, stdout } = await preflight('--scan-region', 'me-central-1');

    expect(code).toBe(1);
    expect(stdout).toContain('stack OAuthProbe-me-central-1 (UPDATE_COMPLETE) belongs to this deployment');
    const scanned = cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName);
    expect(scanned).toContain('OAuthProbe-me-central-1');
    expect(scanned).not.toContain('OAuthProbe-eu-west-1');
  });

  it('reads no Lambda account settings without reservedConcurrency', async () => {
    world({
      secrets: { 'eu-west-1': { 'oauth-probe/billing': good }, 'us-east-1': { 'oauth-probe/billing': good } },
      bootstrapped: ['eu-west-1', 'us-east-1'],
      stacks: {},
    });

    const { code, stdout } = await preflight();

    expect(code).toBe(0);
    expect(stdout).not.toContain('Lambda concurrency');
    expect(lambda.calls()).toHaveLength(0);
  });

  it("checks reservedConcurrency against each region's account settings: a new account's quota of 10 fails", async () => {
    await reserving('reserving.json', 'auto');
    // eu-west-1: a new account (quota 10); us-east-1: the default quota, 300 reserved by other functions.
    lambda
      .on(GetAccountSettingsCommand)
      .callsFake(async (_input, getClient) =>
        (await regionOf(getClient)) === 'eu-west-1'
          ? { AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } }
          : { AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 700 } },
      );

    const { code, stdout } = await preflight('--config', 'reserving.json');

    expect(code).toBe(1);
    expect(stdout).toContain('Lambda concurrency (reservedConcurrency)');
    expect(stdout).toContain(
      'FAIL  eu-west-1: the account\'s concurrency quota is 10; reserving 5 would leave 5 unreserved, below the 100 Lambda keeps, and the deployment fails: raise "Concurrent executions" for Lambda in eu-west-1 in Service Quotas, or lower reservedConcurrency',
    );
    expect(stdout).toContain('ok    us-east-1: reserving 5 of 1000 concurrent executions leaves 695 unreserved');
    expect(stdout).toContain('1 problem found');
    const calls = lambda.commandCalls(GetAccountSettingsCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.args[0].input).toEqual({});
      expect(((call.args as unknown[])[1] as { abortSignal?: AbortSignal })?.abortSignal).toBeInstanceOf(AbortSignal);
    }
  });

  it("fails a region where other functions' reservations leave too little; access denied is the caller's AWS problem", async () => {
    await reserving('reserving-20.json', 20);
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 110 } });

    const { code, stdout } = await preflight('--config', 'reserving-20.json');

    expect(code).toBe(1);
    expect(stdout).toContain(
      'FAIL  eu-west-1: 110 of 1000 concurrent executions are unreserved (other functions reserve the rest); reserving 20 would leave 90',
    );

    lambda.reset();
    lambda
      .on(GetAccountSettingsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const denied = await preflight('--config', 'reserving-20.json');

    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('lambda:GetAccountSettings');
    expect(denied.stdout).not.toContain('ready to deploy');
  });

  it('exits 2 with one line when the SDK finds no credentials: no finding, no verdict', async () => {
    const none = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    secretsManager.on(GetSecretValueCommand).rejects(none);
    ssm.on(GetParameterCommand).rejects(none);
    cloudFormation.on(DescribeStacksCommand).rejects(none);

    const { code, stdout, stderr } = await preflight();

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'oauth-probe: no AWS credentials found: set AWS_PROFILE (a profile from `aws configure` or `aws configure sso`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and run it again\n',
    );
  });

  it('checks every channel secret and the heartbeat secret in the home region, naming its use, never its value', async () => {
    const notifying = await workspace();
    const HOOK = 'https://hooks.slack.com/services/T000/B000/preflight-hook-Zq81';
    const KEY = 'pd-routing-key-preflight-Kf29';
    await notifying.write('probes.json', {
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1'],
      notifications: {
        targets: {
          pager: { pagerDuty: { routingKeySecretId: 'oauth-probe/pagerduty' } },
          chat: { slack: { webhookSecretId: 'oauth-probe/slack' } },
          teams: { teams: { webhookSecretId: 'oauth-probe/teams' } },
        },
        warning: { targets: ['chat', 'teams'] },
        critical: { targets: ['pager'] },
        heartbeat: { urlSecretId: 'oauth-probe/heartbeat' },
      },
      probes: [
        {
          name: 'billing',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'oauth-probe/billing' },
        },
      ],
    });
    world({
      secrets: {
        'eu-west-1': {
          'oauth-probe/billing': good,
          'oauth-probe/pagerduty': JSON.stringify({ routing_key: KEY }),
          'oauth-probe/slack': HOOK,
          // Teams: JSON without any of the fields the notifier reads.
          'oauth-probe/teams': JSON.stringify({ link: HOOK }),
        },
        // The heartbeat secret was created in another region than the home region.
        'us-east-1': { 'oauth-probe/heartbeat': 'https://hc-ping.com/preflight-uuid' },
      },
      bootstrapped: ['eu-west-1'],
      stacks: {},
    });

    const io = memoryIo(notifying.dir);
    const code = await main(['preflight'], io);
    const stdout = io.out();

    expect(code).toBe(1);
    expect(stdout).toContain('Notification secrets (home region: channels and heartbeat)');
    expect(stdout).toContain(
      '  ok    secret oauth-probe/pagerduty (PagerDuty routing key of target "pager") in eu-west-1: exists, holds a key',
    );
    expect(stdout).toContain(
      '  ok    secret oauth-probe/slack (Slack webhook of target "chat") in eu-west-1: exists, holds an https URL',
    );
    expect(stdout).toContain(
      '  FAIL  secret oauth-probe/teams (Teams webhook of target "teams") in eu-west-1: JSON without a string field "url" or "webhookUrl" or "webhook_url": add it, or store the value as plain text',
    );
    expect(stdout).toContain(
      '  FAIL  secret oauth-probe/heartbeat (heartbeat URL of the watchdog) in eu-west-1: not found (create it in the home region: aws secretsmanager create-secret --region eu-west-1 --name oauth-probe/heartbeat --secret-string file://value.txt)',
    );
    expect(stdout).toContain('2 problems found');
    for (const value of [HOOK, KEY, SECRET_VALUE, 'hc-ping.com']) expect(stdout).not.toContain(value);
  });
});
