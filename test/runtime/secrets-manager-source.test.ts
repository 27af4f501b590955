import {
  DecryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidRequestException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { localSecretId } from '../../functions/contract/secret-ids.js';
import { CredentialsError } from '../../functions/engine/index.js';
import { SecretsManagerSecretSource } from '../../functions/runtime/probe/secrets-manager-source.js';

const sm = mockClient(SecretsManagerClient);
const SECRET_ID = 'oauth-probe/billing';
const VALUE = { client_id: 'billing-probe', client_secret: 'sup3r-s3cret-value' };

class FakeClock {
  constructor(public ms = Date.parse('2026-11-22T03:00:00Z')) {}
  now() {
    return this.ms;
  }
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

function source(clock = new FakeClock(), warnings: unknown[][] = []) {
  return new SecretsManagerSecretSource({
    client: new SecretsManagerClient({ region: 'eu-west-1' }),
    region: 'eu-west-1',
    ttlSec: 300,
    clock,
    logger: { warn: (...args: unknown[]) => warnings.push(args) },
  });
}

function awsError(name: string, status: number | undefined, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...extra,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialsError);
    return (error as CredentialsError).code;
  }
  throw new Error('expected the read to fail');
}

describe('SecretsManagerSecretSource', () => {
  beforeEach(() => {
    sm.reset();
  });

  it('reads the secret string by id and parses it', async () => {
    // Arrange
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(VALUE) });
    // Act
    const lookup = await source().get(SECRET_ID);
    // Assert
    expect(lookup).toEqual({ secret: VALUE, fromCache: false });
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ID }]);
  });

  it('calls Secrets Manager once for two reads within the TTL, the second from cache', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(VALUE) });
    const clock = new FakeClock();
    const secrets = source(clock);

    const first = await secrets.get(SECRET_ID);
    clock.advance(299);
    const second = await secrets.get(SECRET_ID);

    expect(first.fromCache).toBe(false);
    expect(second).toEqual({ secret: VALUE, fromCache: true });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads again once the TTL has passed', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(VALUE) });
    const clock = new FakeClock();
    const secrets = source(clock);

    await secrets.get(SECRET_ID);
    clock.advance(300);
    const again = await secrets.get(SECRET_ID);

    expect(again.fromCache).toBe(false);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('re-reads past the cache with bypassCache and keeps the fresh copy', async () => {
    const rotated = { ...VALUE, client_secret: 'rotated-secret-value' };
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(VALUE) })
      .resolves({ SecretString: JSON.stringify(rotated) });
    const secrets = source();

    await secrets.get(SECRET_ID);
    const fresh = await secrets.get(SECRET_ID, { bypassCache: true });
    const cachedAfter = await secrets.get(SECRET_ID);

    expect(fresh).toEqual({ secret: rotated, fromCache: false });
    expect(cachedAfter).toEqual({ secret: rotated, fromCache: true });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reads a replicated secret from the local replica when given the primary ARN', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(VALUE) });
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:oauth-probe/billing-AbCdEf';

    await source().get(arn);

    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:oauth-probe/billing-AbCdEf',
    });
  });

  it('leaves names and ARNs of its own region unchanged', () => {
    const local = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf';
    expect(localSecretId(local, 'eu-west-1')).toBe(local);
    expect(localSecretId('oauth-probe/billing', 'eu-west-1')).toBe('oauth-probe/billing');
  });

  it.each([
    [
      'ResourceNotFoundException',
      () => new ResourceNotFoundException({ message: 'nope', $metadata: { httpStatusCode: 400 } }),
      'secret_not_found',
    ],
    [
      'InvalidRequestException (scheduled for deletion)',
      () => new InvalidRequestException({ message: 'marked for deletion', $metadata: { httpStatusCode: 400 } }),
      'secret_not_found',
    ],
    ['AccessDeniedException', () => awsError('AccessDeniedException', 400), 'secret_access_denied'],
    [
      'DecryptionFailure (KMS)',
      () => new DecryptionFailure({ message: 'kms', $metadata: { httpStatusCode: 400 } }),
      'secret_access_denied',
    ],
    ['KMSAccessDeniedException', () => awsError('KMSAccessDeniedException', 400), 'secret_access_denied'],
    [
      'ThrottlingException',
      () => awsError('ThrottlingException', 400, { $retryable: { throttling: true } }),
      'secret_unavailable',
    ],
    [
      'InternalServiceError (5xx)',
      () => new InternalServiceError({ message: 'boom', $metadata: { httpStatusCode: 500 } }),
      'secret_unavailable',
    ],
    [
      'a network error (no HTTP status)',
      () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'secret_unavailable',
    ],
  ])('maps %s to %s', async (_label, error, code) => {
    sm.on(GetSecretValueCommand).rejects(error());

    expect(await codeOf(source().get(SECRET_ID))).toBe(code);
  });

  it('says secret_unavailable is the probe infrastructure, not the authorization server', async () => {
    sm.on(GetSecretValueCommand).rejects(awsError('ThrottlingException', 400, { $retryable: { throttling: true } }));

    const error = await source()
      .get(SECRET_ID)
      .catch((e: unknown) => e as CredentialsError);

    expect((error as CredentialsError).message).toMatch(/probe's own infrastructure/);
    expect((error as CredentialsError).message).not.toMatch(/authorization server is down/);
  });

  it.each([
    ['ThrottlingException', () => awsError('ThrottlingException', 400, { $retryable: { throttling: true } })],
    ['a 503', () => awsError('ServiceUnavailable', 503)],
    ['a network error', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('serves the expired cached copy when Secrets Manager fails with %s, and warns', async (_label, error) => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(VALUE) })
      .rejects(error());
    const clock = new FakeClock();
    const warnings: unknown[][] = [];
    const secrets = source(clock, warnings);

    await secrets.get(SECRET_ID);
    clock.advance(600);
    const stale = await secrets.get(SECRET_ID);

    expect(stale).toEqual({ secret: VALUE, fromCache: true });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).toContain('secret_cache_stale_read');
    expect(JSON.stringify(warnings)).not.toContain(VALUE.client_secret);
  });

  it('does not serve the cache for an access-denied answer: the permission problem is reported', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(VALUE) })
      .rejects(awsError('AccessDeniedException', 400));
    const clock = new FakeClock();
    const secrets = source(clock);

    await secrets.get(SECRET_ID);
    clock.advance(600);

    expect(await codeOf(secrets.get(SECRET_ID))).toBe('secret_access_denied');
  });

  it('reports a binary secret as malformed', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    expect(await codeOf(source().get(SECRET_ID))).toBe('secret_malformed');
  });

  it('reports unparsable JSON as malformed without quoting it, and does not cache it', async () => {
    const text = '{"client_id": "x", "client_secret": "leaky-value-123",';
    sm.on(GetSecretValueCommand).resolves({ SecretString: text });
    const secrets = source();

    const error = (await secrets.get(SECRET_ID).catch((e: unknown) => e)) as CredentialsError;
    await secrets.get(SECRET_ID).catch(() => undefined);

    expect(error.code).toBe('secret_malformed');
    expect(error.message).not.toContain('leaky-value-123');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('names the missing field of an incomplete secret', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ client_secret: 'abcdefgh' }) });

    const error = (await source()
      .get(SECRET_ID)
      .catch((e: unknown) => e)) as CredentialsError;

    expect(error.code).toBe('secret_malformed');
    expect(error.message).toContain('client_id');
    expect(error.message).not.toContain('abcdefgh');
  });
});
