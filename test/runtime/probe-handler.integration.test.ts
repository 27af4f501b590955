/**
 * The real probe handler (functions/runtime/probe/handler.ts) against the in-process authorization server
 * and protected API, with only the AWS clients mocked: Secrets Manager answers with the local
 * environment's secrets, PutMetricData is captured, and the log lines are read from stdout/stderr the
 * way CloudWatch Logs would receive them. The notifier is then fed those log lines, and everything
 * produced (logs, metrics, notifications) is scanned for secrets.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveProbe } from '../../functions/config/resolve.js';
import type { ProbeConfig, ProbesConfig } from '../../functions/config/schema.js';
import { alarmName } from '../../functions/contract/alarm-naming.js';
import type { ClientSecret } from '../../functions/engine/index.js';
import type { ProbeRunOutput } from '../../functions/runtime/probe/run.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { alarmChange } from './alarm-fixtures.js';
import { handlerEnvironment, lambdaContext } from './lambda-context.js';

const sm = mockClient(SecretsManagerClient);
const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const sns = mockClient(SNSClient);

const REGION = 'eu-west-1';
/** A JWS compact serialization: what access tokens of the local server and client assertions look like. */
const JWS = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/;
const BASIC_ID = 'oauth-probe/billing';
const JWT_ID = 'oauth-probe/billing-jwt';

let env: LocalEnvironment;
let handler: (event: unknown, context: Context) => Promise<ProbeRunOutput>;
let notifier: (event: SNSEvent) => Promise<unknown>;
/** The current content of each secret in the (mocked) Secrets Manager. */
const stored = new Map<string, ClientSecret>();
/** Every value that must never appear in any output. */
const secretValues = new Set<string>();
/** Everything written to stdout/stderr while the handler ran: the CloudWatch Logs stream. */
const output: string[] = [];
const restore: (() => void)[] = [];

const context = (): Context => lambdaContext(REGION);

function probe(
  method: 'client_secret_basic' | 'private_key_jwt',
  name: string,
  secretId: string,
  defaults?: NonNullable<ProbesConfig['defaults']>,
): ProbeConfig {
  const config = env.probe(method, { name, credentials: { secretId }, runbookUrl: 'https://wiki.example.com/rb' });
  return resolveProbe({ probes: [config], ...(defaults ? { defaults } : {}) } as ProbesConfig, config);
}

/** Token requests the local authorization server received while `work` ran. */
async function tokenRequestsDuring<T>(work: () => Promise<T>): Promise<{ value: T; tokenRequests: number }> {
  const before = env.authServer.requestCounts().token;
  const value = await work();
  return { value, tokenRequests: env.authServer.requestCounts().token - before };
}

const metricNames = (input: { MetricData?: { MetricName?: string }[] } | undefined) =>
  (input?.MetricData ?? []).map((d) => d.MetricName);

/** Runs the handler and returns the JSON log lines it wrote. */
async function invoke(event: unknown): Promise<{ out: ProbeRunOutput; lines: Record<string, unknown>[] }> {
  const start = output.length;
  const out = await handler(event, context());
  const lines = output
    .slice(start)
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { out, lines };
}

const resultLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.event === 'probe_result');
const putInputs = () => cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);

beforeAll(async () => {
  env = await startLocalEnvironment();
  stored.set(BASIC_ID, { ...env.secrets['local/basic']! });
  stored.set(JWT_ID, { ...env.secrets['local/jwt']! });
  for (const secret of stored.values()) {
    if (secret.client_secret) secretValues.add(secret.client_secret);
    if (secret.private_key) {
      for (const line of secret.private_key.split('\n'))
        if (line.length > 16 && !line.startsWith('-----')) secretValues.add(line);
    }
  }
  Object.assign(process.env, handlerEnvironment(REGION));
  // Capture what Powertools writes, as CloudWatch Logs would receive it (JSON lines are kept off the console).
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    restore.push(() => {
      stream.write = write;
    });
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      output.push(text);
      return text.startsWith('{') ? true : (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
  ({ handler } = (await import('../../functions/runtime/probe/handler.js')) as unknown as { handler: typeof handler });
  ({ handler: notifier } = (await import('../../functions/runtime/notifier/handler.js')) as unknown as {
    handler: typeof notifier;
  });
});

afterAll(async () => {
  for (const undo of restore) undo();
  await env?.close();
});

beforeEach(() => {
  sm.reset();
  cw.reset();
  logs.reset();
  sns.reset();
  sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
    const secret = stored.get(input.SecretId);
    if (!secret)
      throw Object.assign(new Error('not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    return { SecretString: JSON.stringify(secret) };
  });
  cw.on(PutMetricDataCommand).resolves({});
});

describe('probe handler against the local authorization server', () => {
  it('a passing run: metrics for every exchange and one result line, then invalid_client after a rotation with a forced re-read, then recovery', async () => {
    // Arrange
    const billing = probe('client_secret_basic', 'billing-api', BASIC_ID);

    // Act: a passing run
    const pass = await invoke({ probe: billing, scheduledTime: '2026-11-22T07:05:00Z', executionId: 'e1' });

    // Assert: the result, one log line, one PutMetricData with the home copy (home = this region)
    expect(pass.out).toMatchObject({ outcome: 'ran', published: true, result: { status: 'pass' } });
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: BASIC_ID }]);
    const [line] = resultLines(pass.lines);
    expect(resultLines(pass.lines)).toHaveLength(1);
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'billing-api pass',
      service: 'oauth-probe',
      event: 'probe_result',
      probe: 'billing-api',
      status: 'pass',
      region: REGION,
      scheduledTime: '2026-11-22T07:05:00.000Z',
      runbookUrl: 'https://wiki.example.com/rb',
      function_request_id: expect.any(String),
    });
    // Powertools leaves null fields out: a passing line has no stage, code or hint.
    expect(line).not.toHaveProperty('code');
    expect((line!.exchanges as { name: string }[]).map((e) => e.name)).toEqual([
      'token',
      'jwks',
      'list-invoices',
      'get-invoice',
    ]);
    expect(putInputs()).toHaveLength(1);
    const data = putInputs()[0]!;
    expect(data.Namespace).toBe('OAuthProbe');
    expect(
      data.MetricData!.map((d) => [d.MetricName, d.Dimensions!.map((x) => `${x.Name}=${x.Value}`).join(','), d.Unit]),
    ).toEqual([
      ['Success', 'Probe=billing-api', 'Count'],
      ['TokenSuccess', 'Probe=billing-api', 'Count'],
      ['TokenLatency', 'Probe=billing-api', 'Milliseconds'],
      ['StepLatency', 'Probe=billing-api,Step=list-invoices', 'Milliseconds'],
      ['StepLatency', 'Probe=billing-api,Step=get-invoice', 'Milliseconds'],
      ['TotalLatency', 'Probe=billing-api', 'Milliseconds'],
      // No Success+Region copy: a probe of one region (the default) has no global alarm to feed.
    ]);
    expect(data.MetricData!.map((d) => d.Value)[0]).toBe(1);
    expect(data.MetricData!.every((d) => d.Timestamp?.toISOString() === '2026-11-22T07:05:00.000Z')).toBe(true);

    // Act: the secret is rotated at the provider; Secrets Manager still holds the old one
    const rotated = 'rotated-secret-0123456789abcdef';
    secretValues.add(rotated);
    env.authServer.setClientSecret(stored.get(BASIC_ID)!.client_id, rotated);
    sm.resetHistory();
    cw.resetHistory();
    const fail = await invoke({ probe: billing, scheduledTime: '2026-11-22T07:06:00Z', executionId: 'e2' });

    // Assert: invalid_client at the token stage. The secret was cached by the first run, so the one
    // GetSecretValue of this run is the forced re-read after invalid_client (two token attempts).
    expect(fail.out).toMatchObject({
      outcome: 'ran',
      result: { status: 'fail', stage: 'token', code: 'invalid_client' },
    });
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: BASIC_ID }]);
    expect(
      (resultLines(fail.lines)[0]!.exchanges as { name: string; status: number }[]).map((e) => [e.name, e.status]),
    ).toEqual([
      ['token', 401],
      ['token', 401],
    ]);
    expect(resultLines(fail.lines)[0]).toMatchObject({
      level: 'WARN',
      status: 'fail',
      stage: 'token',
      code: 'invalid_client',
      httpStatus: 401,
      hint: expect.any(String),
    });
    expect(
      putInputs()[0]!.MetricData!.map((d) => [d.MetricName, d.Dimensions!.map((x) => x.Value).join(','), d.Value]),
    ).toEqual([
      ['Success', 'billing-api', 0],
      ['Failures', 'billing-api,invalid_client', 1],
      ['Failures', 'billing-api,token,invalid_client', 1],
      ['TokenSuccess', 'billing-api', 0],
      ['TokenLatency', 'billing-api', expect.any(Number)],
      ['TotalLatency', 'billing-api', expect.any(Number)],
    ]);

    // Act: the new secret is stored; the cached old copy fails, the forced re-read fetches the new one
    stored.set(BASIC_ID, { ...stored.get(BASIC_ID)!, client_secret: rotated });
    sm.resetHistory();
    const recovered = await invoke({ probe: billing, scheduledTime: '2026-11-22T07:07:00Z', executionId: 'e3' });

    expect(recovered.out).toMatchObject({ outcome: 'ran', result: { status: 'pass' } });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('a duplicate delivery of a scheduled event is neither run nor published twice', async () => {
    const billing = probe('client_secret_basic', 'billing-dup', BASIC_ID);
    const event = { probe: billing, scheduledTime: '2026-11-22T08:00:00Z', executionId: 'd1' };

    await invoke(event);
    const again = await invoke({ ...event, executionId: 'd2' });

    expect(again.out).toEqual({ outcome: 'duplicate', probe: 'billing-dup', scheduledTime: '2026-11-22T08:00:00Z' });
    expect(putInputs()).toHaveLength(1);
  });

  it('a secret that does not exist fails at credentials with secret_not_found, published and logged', async () => {
    const missing = probe('client_secret_basic', 'billing-missing', 'oauth-probe/nope');

    const run = await invoke({ probe: missing, scheduledTime: '2026-11-22T08:01:00Z' });

    expect(resultLines(run.lines)[0]).toMatchObject({ stage: 'credentials', code: 'secret_not_found', status: 'fail' });
    expect(putInputs()[0]!.MetricData![1]).toMatchObject({
      MetricName: 'Failures',
      Dimensions: [
        { Name: 'Probe', Value: 'billing-missing' },
        { Name: 'Code', Value: 'secret_not_found' },
      ],
    });
  });
});

describe('token reuse and Retry-After in one warm handler (one container)', () => {
  const REUSE = { token: { reuse: { maxAgeSec: 3600 } } };

  it('two runs make one token request with defaults.token.reuse, two without it', async () => {
    const reused = probe('client_secret_basic', 'warm-reuse', BASIC_ID, REUSE);
    const fresh = probe('client_secret_basic', 'warm-fresh', BASIC_ID);

    const on = await tokenRequestsDuring(async () => [
      await invoke({ probe: reused, scheduledTime: '2026-11-22T10:00:00Z' }),
      await invoke({ probe: reused, scheduledTime: '2026-11-22T10:01:00Z' }),
    ]);
    cw.resetHistory();
    const off = await tokenRequestsDuring(async () => [
      await invoke({ probe: fresh, scheduledTime: '2026-11-22T10:00:00Z' }),
      await invoke({ probe: fresh, scheduledTime: '2026-11-22T10:01:00Z' }),
    ]);

    expect(on.tokenRequests).toBe(1);
    expect(off.tokenRequests).toBe(2);
    const [first, second] = on.value.map((run) => resultLines(run.lines)[0]!);
    expect(first).toMatchObject({ status: 'pass', token: { reused: false } });
    expect(second).toMatchObject({ status: 'pass', token: { reused: true } });
    expect((second!.exchanges as { name: string }[]).map((e) => e.name)).toEqual(['list-invoices', 'get-invoice']);
    expect(off.value.map((run) => (resultLines(run.lines)[0]!.token as { reused: boolean }).reused)).toEqual([
      false,
      false,
    ]);
  });

  it('token metrics come only from the run that requested the token; Success from every run', async () => {
    const reused = probe('client_secret_basic', 'warm-metrics', BASIC_ID, REUSE);

    await invoke({ probe: reused, scheduledTime: '2026-11-22T10:10:00Z' });
    await invoke({ probe: reused, scheduledTime: '2026-11-22T10:11:00Z' });

    const [requested, reusedRun] = putInputs();
    expect(metricNames(requested)).toEqual([
      'Success',
      'TokenSuccess',
      'TokenLatency',
      'StepLatency',
      'StepLatency',
      'TotalLatency',
    ]);
    expect(metricNames(reusedRun)).toEqual(['Success', 'StepLatency', 'StepLatency', 'TotalLatency']);
    expect(reusedRun!.MetricData![0]).toMatchObject({ MetricName: 'Success', Value: 1 });
  });

  it("a step's 401 drops the cached token: that run fails as today, the next one requests a fresh token", async () => {
    const reused = probe('client_secret_basic', 'warm-401', BASIC_ID, REUSE);
    await invoke({ probe: reused, scheduledTime: '2026-11-22T10:20:00Z' });
    env.resourceServer.injectFault({
      kind: 'respond',
      status: 401,
      body: '',
      headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' },
    });

    const refused = await tokenRequestsDuring(() => invoke({ probe: reused, scheduledTime: '2026-11-22T10:21:00Z' }));
    await env.resourceServer.clearFaults();
    const next = await tokenRequestsDuring(() => invoke({ probe: reused, scheduledTime: '2026-11-22T10:22:00Z' }));

    expect(refused.tokenRequests).toBe(0);
    expect(resultLines(refused.value.lines)[0]).toMatchObject({
      status: 'fail',
      stage: 'api',
      code: 'invalid_token',
      token: { reused: true },
    });
    expect(next.tokenRequests).toBe(1);
    expect(resultLines(next.value.lines)[0]).toMatchObject({ status: 'pass', token: { reused: false } });
  });

  it('a 429 with Retry-After: 120 makes the next run report rate_limited without a request', async () => {
    const throttled = probe('client_secret_basic', 'warm-429', BASIC_ID);
    env.authServer.injectFault({
      kind: 'respond',
      status: 429,
      body: JSON.stringify({ error: 'too_many_requests' }),
      headers: { 'retry-after': '120' },
    });
    const limited = await tokenRequestsDuring(() =>
      invoke({ probe: throttled, scheduledTime: '2026-11-22T10:30:00Z' }),
    );
    env.authServer.clearFaults();
    cw.resetHistory();

    const held = await tokenRequestsDuring(() => invoke({ probe: throttled, scheduledTime: '2026-11-22T10:31:00Z' }));

    expect(limited.tokenRequests).toBe(1);
    expect(resultLines(limited.value.lines)[0]).toMatchObject({ code: 'rate_limited', httpStatus: 429 });
    expect(held.tokenRequests).toBe(0);
    const line = resultLines(held.value.lines)[0]!;
    expect(line).toMatchObject({ status: 'fail', stage: 'token', code: 'rate_limited', exchanges: [] });
    expect(line.message).toMatch(
      /^token request not sent: the token endpoint answered 429 with Retry-After, 1[12]\d s left$/,
    );
    // No token request, so no token metrics: Success 0 and the failure by code, nothing else.
    expect(
      putInputs()[0]!.MetricData!.map((d) => [d.MetricName, d.Dimensions!.map((x) => x.Value).join(','), d.Value]),
    ).toEqual([
      ['Success', 'warm-429', 0],
      ['Failures', 'warm-429,rate_limited', 1],
      ['Failures', 'warm-429,token,rate_limited', 1],
      ['TotalLatency', 'warm-429', expect.any(Number)],
    ]);
  });

  it('a rotation test never uses the cached token: it requests one with the version it tests', async () => {
    const reused = probe('client_secret_basic', 'warm-rotation', BASIC_ID, REUSE);
    await invoke({ probe: reused, scheduledTime: '2026-11-22T10:40:00Z' });

    const rotation = await tokenRequestsDuring(() => invoke({ probe: reused, secretVersionStage: 'AWSPENDING' }));

    expect(rotation.tokenRequests).toBe(1);
    expect(rotation.value.out).toMatchObject({ outcome: 'ran', result: { token: { reused: false } } });
  });
});

describe('no secret, key, token or assertion in any output', () => {
  it('scans log lines, metric data and notifications of passing and failing runs', async () => {
    // Arrange: runs that handle every kind of secret, passing and failing (one with a server that echoes the secret)
    const basic = probe('client_secret_basic', 'scan-basic', BASIC_ID);
    const jwt = probe('private_key_jwt', 'scan-jwt', JWT_ID);
    // Token reuse: the cached token is sent on runs that never saw the token response.
    const reusing = probe('private_key_jwt', 'scan-reuse', JWT_ID, { token: { reuse: { maxAgeSec: 3600 } } });
    const start = output.length;
    const produced: string[] = [];

    await invoke({ probe: basic, scheduledTime: '2026-11-22T09:00:00Z' });
    await invoke({ probe: jwt, scheduledTime: '2026-11-22T09:00:00Z' });
    await invoke({ probe: reusing, scheduledTime: '2026-11-22T09:00:00Z' });
    await invoke({ probe: reusing, scheduledTime: '2026-11-22T09:01:00Z' });
    const secret = stored.get(BASIC_ID)!.client_secret!;
    env.authServer.injectFault({
      kind: 'respond',
      status: 401,
      body: JSON.stringify({ error: 'invalid_client', error_description: `client secret ${secret} is wrong` }),
      headers: { 'content-type': 'application/json' },
    });
    await invoke({ probe: basic, scheduledTime: '2026-11-22T09:01:00Z' });
    env.authServer.clearFaults();
    env.authServer.injectFault({
      kind: 'respond',
      status: 401,
      body: JSON.stringify({ error: 'invalid_client', error_description: 'assertion rejected' }),
      headers: { 'content-type': 'application/json' },
    });
    await invoke({ probe: jwt, scheduledTime: '2026-11-22T09:01:00Z' });
    env.authServer.clearFaults();
    env.resourceServer.injectFault({ kind: 'respond', status: 500, body: 'oops' });
    await invoke({ probe: jwt, scheduledTime: '2026-11-22T09:02:00Z' });
    await invoke({ probe: reusing, scheduledTime: '2026-11-22T09:02:00Z' });
    await env.resourceServer.clearFaults();
    // A 429 and then a run held by its Retry-After (no request).
    env.authServer.injectFault({
      kind: 'respond',
      status: 429,
      body: JSON.stringify({ error: 'too_many_requests', error_description: `slow down, ${secret}` }),
      headers: { 'retry-after': '120' },
    });
    await invoke({ probe: basic, scheduledTime: '2026-11-22T09:03:00Z' });
    env.authServer.clearFaults();
    await invoke({ probe: basic, scheduledTime: '2026-11-22T09:04:00Z' });

    const logText = output.slice(start).join('');
    const results = logText
      .split('\n')
      .filter((l) => l.includes('"probe_result"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(results.map((r) => [r.probe, r.status])).toEqual([
      ['scan-basic', 'pass'],
      ['scan-jwt', 'pass'],
      ['scan-reuse', 'pass'],
      ['scan-reuse', 'pass'],
      ['scan-basic', 'fail'],
      ['scan-jwt', 'fail'],
      ['scan-jwt', 'fail'],
      ['scan-reuse', 'fail'],
      ['scan-basic', 'fail'],
      ['scan-basic', 'fail'],
    ]);
    expect(results.filter((r) => r.probe === 'scan-reuse').map((r) => (r.token as { reused: boolean }).reused)).toEqual(
      [false, true, true],
    );
    expect(results.slice(-2).map((r) => [r.code, r.httpStatus ?? null])).toEqual([
      ['rate_limited', 429],
      ['rate_limited', null],
    ]);
    produced.push(logText, JSON.stringify(putInputs()));

    // Act: the notifier reads those very log lines for ALARM and OK notifications
    const lines = logText.split('\n').filter((l) => l.includes('"probe_result"'));
    logs.on(FilterLogEventsCommand).resolves({
      events: lines.map((message, i) => ({ message, timestamp: Date.parse('2026-11-22T09:00:00Z') + i })),
    });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'x' });
    for (const [probeName, state] of [
      ['scan-basic', 'ALARM'],
      ['scan-jwt', 'ALARM'],
      ['scan-jwt', 'OK'],
      ['scan-reuse', 'ALARM'],
    ] as const) {
      const alarm = {
        ...alarmChange('availability', state, { probe: probeName }),
        AlarmName: alarmName({ probe: probeName, kind: 'availability', region: REGION }),
        StateChangeTime: '2026-11-22T09:02:30.000+0000',
      };
      await notifier({ Records: [{ Sns: { Message: JSON.stringify(alarm) } }] } as unknown as SNSEvent);
    }
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(4);
    // The latest scan-basic result is the held run: rate_limited without a request.
    expect(published[0]!.Subject).toBe(`[FAIL] scan-basic: token rate_limited (${REGION})`);
    expect(published[1]!.Subject).toBe(`[FAIL] scan-jwt: api server_error (${REGION})`);
    expect(published[3]!.Subject).toBe(`[FAIL] scan-reuse: api server_error (${REGION})`);
    produced.push(JSON.stringify(published), output.slice(start).join(''));

    // Assert: first, that the token pattern below does recognise a real access token of this server
    const basicSecret = stored.get(BASIC_ID)!;
    const tokenResponse = await fetch(env.authServer.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${basicSecret.client_id}:${basicSecret.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'billing:read', resource: env.audience }),
    });
    const realToken = ((await tokenResponse.json()) as { access_token: string }).access_token;
    expect(realToken).toMatch(JWS);
    const everything = produced.join('\n');
    for (const value of secretValues) expect(everything).not.toContain(value);
    expect(everything).not.toMatch(/PRIVATE KEY/);
    // Access tokens (JWTs from the local server) and client assertions are JWS compact strings.
    expect(everything).not.toMatch(JWS);
    expect(everything).not.toMatch(/Bearer\s+(?!\[redacted\])[A-Za-z0-9\-._~+/]{16,}/);
  });
});
