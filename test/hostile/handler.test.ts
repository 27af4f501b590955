/**
 * What a hostile token endpoint sends, through the real probe handler (functions/runtime/probe/handler.ts)
 * with the AWS clients recorded by aws-sdk-client-mock, then through the real notifier reading the very
 * log lines: numbers CloudWatch would refuse never cost the PutMetricData batch its `Success` datum, a
 * PEM header without its END line or a 6000-deep `aud` never costs the result line (every line is valid
 * JSON), and control characters (ESC, OSC 52) reach neither the log line nor the notification.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alarmName } from '../../functions/contract/alarm-naming.js';
import { MAX_METRIC_VALUE, MIN_METRIC_MAGNITUDE } from '../../functions/runtime/probe/metrics.js';
// biome-ignore lint/style/noRestrictedImports: the engine tests' inline server
import { type InlineServer, resolved, startInlineServer } from '../engine/helpers.js';
import { alarmChange } from '../runtime/alarm-fixtures.js';
import { handlerEnvironment, lambdaContext } from '../runtime/lambda-context.js';

const sm = mockClient(SecretsManagerClient);
const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const sns = mockClient(SNSClient);

const REGION = 'eu-west-1';
const SECRET = { client_id: 'hostile-client', client_secret: 'hostile-secret-value-0123' };
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const ESCAPES = '\u001b]52;c;Y3VybCBldmlsLnRlc3QgfCBzaA==\u0007\u001b[2J\u001b]0;pwned\u0007';

const b64url = (text: string) => Buffer.from(text).toString('base64url');
/** An unsigned-looking JWT (the probe has no token.jwt: its claims are read, not verified). */
const jwt = (claimsJson: string) => `${b64url('{"alg":"ES256","typ":"at+jwt"}')}.${b64url(claimsJson)}.c2ln`;
const deepAud = `${'['.repeat(6000)}"x"${']'.repeat(6000)}`;

/** What /token/<case> answers. */
const REPLIES: Record<string, { status: number; body: string }> = {
  'huge-expiry': { status: 200, body: '{"access_token":"opaque-token-1","token_type":"Bearer","expires_in":1e308}' },
  'tiny-expiry': { status: 200, body: '{"access_token":"opaque-token-2","token_type":"Bearer","expires_in":1e-200}' },
  'pem-claim': {
    status: 200,
    body: JSON.stringify({
      access_token: jwt(JSON.stringify({ sub: 's', note: '-----BEGIN PRIVATE KEY-----\nMIIEabc', exp: 4102444800 })),
      token_type: 'Bearer',
      expires_in: 300,
    }),
  },
  'deep-aud': {
    status: 200,
    body: JSON.stringify({
      access_token: jwt(`{"sub":"s","exp":4102444800,"aud":${deepAud}}`),
      token_type: 'Bearer',
      expires_in: 300,
    }),
  },
  escapes: {
    status: 400,
    body: JSON.stringify({ error: `invalid_scope${ESCAPES}`, error_description: `nope ${ESCAPES} done` }),
  },
};

let server: InlineServer;
let handler: (event: unknown, context: Context) => Promise<unknown>;
let notifier: (event: SNSEvent) => Promise<unknown>;
const output: string[] = [];
const restore: (() => void)[] = [];

const context = (): Context => lambdaContext(REGION);

/** Runs the handler for /token/<name>; every JSON line it wrote must parse. */
async function invoke(name: string): Promise<{ lines: Record<string, unknown>[]; text: string }> {
  const config = {
    name,
    tokenUrl: `${server.url}/token/${name}`,
    credentials: { secretId: 'hostile' },
    runbookUrl: 'https://wiki.example.com/rb',
  };
  const probe = resolved(config);
  const start = output.length;
  await handler({ probe, scheduledTime: '2026-11-22T07:05:00Z', executionId: name }, context());
  const text = output.slice(start).join('');
  // Every line the logger wrote must parse (Node's own warnings, "(node:123) ...", are not log lines).
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, text };
}

const resultLine = (lines: Record<string, unknown>[]) => lines.find((l) => l.event === 'probe_result');
const putData = () => cw.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);

beforeAll(async () => {
  server = await startInlineServer((req, res) => {
    const reply = REPLIES[(req.url ?? '').split('/').at(-1) ?? ''] ?? { status: 404, body: '{}' };
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body);
  });
  Object.assign(process.env, handlerEnvironment(REGION));
  // What Powertools writes, as CloudWatch Logs receives it.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    restore.push(() => {
      stream.write = write;
    });
    stream.write = ((chunk: string | Uint8Array) => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  }
  ({ handler } = (await import('../../functions/runtime/probe/handler.js')) as unknown as { handler: typeof handler });
  ({ handler: notifier } = (await import('../../functions/runtime/notifier/handler.js')) as unknown as {
    handler: typeof notifier;
  });
});

afterAll(async () => {
  for (const undo of restore) undo();
  await server?.close();
});

beforeEach(() => {
  for (const mock of [sm, cw, logs, sns]) mock.reset();
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SECRET) });
  cw.on(PutMetricDataCommand).resolves({});
});

describe('numbers CloudWatch would refuse', () => {
  for (const name of ['huge-expiry', 'tiny-expiry']) {
    it(`${name}: the batch still carries Success, and no value is outside CloudWatch's range`, async () => {
      const { lines } = await invoke(name);

      expect(resultLine(lines)).toBeDefined();
      const data = putData();
      expect(data.map((d) => d.MetricName)).toContain('Success');
      for (const datum of data) {
        const value = datum.Value!;
        expect(Number.isFinite(value), datum.MetricName).toBe(true);
        expect(Math.abs(value), datum.MetricName).toBeLessThanOrEqual(MAX_METRIC_VALUE);
        if (value !== 0) expect(Math.abs(value), datum.MetricName).toBeGreaterThanOrEqual(MIN_METRIC_MAGNITUDE);
        for (const v of datum.Values ?? []) expect(Math.abs(v)).toBeLessThanOrEqual(MAX_METRIC_VALUE);
      }
    });
  }
});

describe('claims that would break a serialized log line', () => {
  it('a PEM header without END in a claim: the run passes and every line is valid JSON', async () => {
    const { lines, text } = await invoke('pem-claim');

    expect(resultLine(lines)).toMatchObject({ status: 'pass', probe: 'pem-claim' });
    expect(text).not.toContain('MIIEabc');
  });

  it('a 6000-deep aud: the result line is still written, bounded', async () => {
    const { lines, text } = await invoke('deep-aud');

    expect(resultLine(lines)).toMatchObject({ probe: 'deep-aud' });
    expect(resultLine(lines)!.code).not.toBe('internal_error');
    expect(text.length).toBeLessThan(100_000);
    expect(putData().map((d) => d.MetricName)).toContain('Success');
  });
});

describe('control characters from a server', () => {
  it('reach neither the log line nor the notification built from it', async () => {
    const { lines } = await invoke('escapes');
    const line = resultLine(lines)!;
    expect(line).toMatchObject({ status: 'fail', stage: 'token' });
    expect(String(line.message)).toContain('done');

    const strings: string[] = [];
    JSON.parse(JSON.stringify(lines), (_, v) => {
      if (typeof v === 'string') strings.push(v);
      return v;
    });
    expect(strings.filter((s) => CONTROL.test(s))).toEqual([]);

    const lineText = lines.filter((l) => l.event === 'probe_result').map((l) => JSON.stringify(l));
    logs.on(FilterLogEventsCommand).resolves({
      events: lineText.map((message) => ({ message, timestamp: Date.parse('2026-11-22T07:05:00Z') })),
    });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'x' });
    const alarm = {
      ...alarmChange('availability', 'ALARM', { probe: 'escapes' }),
      AlarmName: alarmName({ probe: 'escapes', kind: 'availability', region: REGION }),
      StateChangeTime: '2026-11-22T07:06:00.000+0000',
    };
    await notifier({ Records: [{ Sns: { Message: JSON.stringify(alarm) } }] } as unknown as SNSEvent);

    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    // The message is SNS's per-protocol JSON: its strings are checked once decoded, escapes included.
    const texts = [published[0]!.Subject ?? ''];
    JSON.parse(published[0]!.Message ?? '', (_, v) => {
      if (typeof v === 'string') texts.push(v);
      return v;
    });
    expect(texts.join('\n')).toContain('nope done');
    expect(texts.filter((text) => CONTROL.test(text))).toEqual([]);
  });
});
