/**
 * tools/cli/aws/errors.ts, once per case, on the errors the real AWS SDK raises: its credential chain
 * with nothing to find, a client without a region, a loopback endpoint that refuses calls in each
 * protocol, a closed port and a deadline that aborts a call that never gets an answer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AwsProblem,
  awsCall,
  awsEnvironmentError,
  awsFailure,
  awsProblemLine,
  classifyAwsError,
} from '../../../tools/cli/aws/errors.js';
import { UsageError } from '../../../tools/cli/errors.js';
import { closedPort, startAwsErrorEndpoint } from './aws-error-endpoint.js';

const KEYS = { accessKeyId: 'AKIDCLITEST', secretAccessKey: 'cli-test-secret-key' };
const alarm = new SetAlarmStateCommand({ AlarmName: 'a', StateValue: 'OK', StateReason: 'test' });

/** The SDK's environment, emptied: no credentials anywhere, no region, no instance metadata. */
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_CONFIG_FILE', join(import.meta.dirname, 'no-such-aws-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(import.meta.dirname, 'no-such-aws-credentials'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable('the call succeeded'),
    (error: unknown) => error,
  );
}

describe('classifyAwsError, on the errors the SDK raises', () => {
  it('no_credentials: the credential chain finds nothing', async () => {
    const error = await rejection(new CloudWatchClient({ region: 'eu-west-1' }).send(alarm));

    expect((error as Error).name).toBe('CredentialsProviderError');
    expect(classifyAwsError(error)).toBe('no_credentials');
  });

  it('no_region: a client without a region', async () => {
    const error = await rejection(new CloudWatchClient({ credentials: KEYS }).send(alarm));

    expect(classifyAwsError(error)).toBe('no_region');
  });

  it.each([
    ['CloudWatch (JSON 1.0, query-compatible)', () => new CloudWatchClient({}).send(alarm)],
    ['CloudWatch Logs (JSON 1.1)', () => new CloudWatchLogsClient({}).send(new DescribeLogGroupsCommand({}))],
    [
      'Secrets Manager (JSON 1.1)',
      () => new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 's' })),
    ],
    ['CloudFormation (Query/XML)', () => new CloudFormationClient({}).send(new DescribeStacksCommand({}))],
    ['Lambda (REST-JSON)', () => new LambdaClient({}).send(new InvokeCommand({ FunctionName: 'f' }))],
  ])('access_denied and expired_credentials from %s', async (_protocol, call) => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEYS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEYS.secretAccessKey);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const expected: [string, string | undefined, AwsProblem][] = [
      ['AccessDenied', undefined, 'access_denied'],
      ['ExpiredToken', undefined, 'expired_credentials'],
      ['InvalidClientTokenId', 'UnrecognizedClientException', 'invalid_credentials'],
    ];
    for (const [code, jsonType, problem] of expected) {
      const endpoint = await startAwsErrorEndpoint(code, jsonType);
      vi.stubEnv('AWS_ENDPOINT_URL', endpoint.url);
      try {
        const error = await rejection(call());
        expect(classifyAwsError(error), `${code}: ${(error as Error).name}`).toBe(problem);
        expect(endpoint.requests).toHaveLength(1);
      } finally {
        await endpoint.close();
      }
    }
  });

  it('unreachable: a refused connection, and a deadline that aborts a call nobody answers', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const refused = await rejection(
      new CloudWatchClient({
        region: 'eu-west-1',
        credentials: KEYS,
        endpoint: `http://127.0.0.1:${await closedPort()}`,
      }).send(alarm),
    );
    expect(classifyAwsError(refused)).toBe('unreachable');

    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const client = new CloudWatchClient({ region: 'eu-west-1', credentials: KEYS, endpoint });
      const error = await rejection(
        awsCall({ service: 'CloudWatch', region: 'eu-west-1', deadlineMs: 200 }, (abortSignal) =>
          client.send(alarm, { abortSignal }),
        ),
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(
        'cannot reach AWS (CloudWatch in eu-west-1) (no answer within 200 ms): check the network, HTTPS_PROXY, or AWS_ENDPOINT_URL',
      );
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('unreachable: a name that does not resolve (node: getaddrinfo ENOTFOUND)', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND monitoring.eu-west-7.amazonaws.com'), {
      code: 'ENOTFOUND',
      $metadata: { attempts: 3 },
    });
    expect(classifyAwsError(error)).toBe('unreachable');
  });

  it('leaves what is about the thing asked for to the command, and bugs alone', () => {
    const notFound = Object.assign(new Error("Secrets Manager can't find the specified secret."), {
      name: 'ResourceNotFoundException',
      $metadata: {},
    });
    expect(classifyAwsError(notFound)).toBeUndefined();
    expect(classifyAwsError(new TypeError('x is undefined'))).toBeUndefined();
    expect(classifyAwsError('a string')).toBeUndefined();
    // A service answer becomes a usage error quoting it; a bug stays what it is (internal error, 70).
    expect(awsFailure(notFound, { service: 'Secrets Manager', action: 'secretsmanager:GetSecretValue' })).toEqual(
      new UsageError(
        "secretsmanager:GetSecretValue failed (Secrets Manager): ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      ),
    );
    const bug = new TypeError('x is undefined');
    expect(awsFailure(bug, {})).toBe(bug);
  });
});

describe('awsProblemLine', () => {
  it('names the cause and the fix in one line for every problem', () => {
    const site = { service: 'CloudWatch', region: 'eu-west-1', action: 'cloudwatch:SetAlarmState' };
    const lines = (
      [
        'no_credentials',
        'expired_credentials',
        'invalid_credentials',
        'no_region',
        'access_denied',
        'unreachable',
      ] as const
    ).map((problem) => awsProblemLine(problem, Object.assign(new Error('x'), { name: 'SomeError' }), site));

    expect(lines).toEqual([
      'no AWS credentials found: set AWS_PROFILE (a profile from `aws configure` or `aws configure sso`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and run it again',
      'your AWS credentials have expired (SomeError): refresh them (`aws sso login`, or new temporary keys) and run it again',
      'AWS rejected your credentials (CloudWatch in eu-west-1) (SomeError): check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and that eu-west-1 is enabled in the account',
      'no AWS region: set AWS_REGION (e.g. export AWS_REGION=eu-west-1) or a region in your AWS profile',
      'AWS denied cloudwatch:SetAlarmState (CloudWatch in eu-west-1) (SomeError): grant it to the identity you use (`aws sts get-caller-identity` shows which), or use a profile that has it',
      'cannot reach AWS (CloudWatch in eu-west-1) (SomeError): check the network, HTTPS_PROXY, or AWS_ENDPOINT_URL',
    ]);
    for (const line of lines) expect(line).not.toContain('\n');
  });

  it('an expired SSO session is expired credentials, not missing ones', () => {
    const sso = Object.assign(
      new Error('The SSO session associated with this profile has expired or is otherwise invalid.'),
      {
        name: 'CredentialsProviderError',
      },
    );
    expect(awsEnvironmentError(sso)?.problem).toBe('expired_credentials');
  });
});
