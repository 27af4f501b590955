/**
 * The watchdog: pings the heartbeat URL only while the alert path is healthy. CloudWatch and Secrets
 * Manager through aws-sdk-client-mock (exact command inputs asserted); the ping through the real
 * `pingHeartbeat` to a local HTTPS server on 127.0.0.1 (its certificate signed by a test CA that the
 * injected fetch trusts), which records every request and can hang or fail on demand.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WATCHDOG_ENV } from '../../functions/contract/environment.js';
import { secretsManagerChannelSecrets } from '../../functions/runtime/notifier/channels/secrets.js';
import type { RuntimeLogger } from '../../functions/runtime/shared/log.js';
import { pingHeartbeat } from '../../functions/runtime/watchdog/ping.js';
import { createWatchdogHandler, type HeartbeatOutcome } from '../../functions/runtime/watchdog/run.js';
import { watchdogSettingsFromEnv } from '../../functions/runtime/watchdog/settings.js';
import { createTestPki } from '../../tools/local-servers/certificates.js';

const cwMock = mockClient(CloudWatchClient);
const smMock = mockClient(SecretsManagerClient);

const REGION = 'us-east-1';
const NOW = Date.parse('2026-12-08T10:00:00.000Z');
const SECRET_ID = 'oauth-probe/heartbeat';
const NOTIFIER_ALARMS = ['OAuthProbe-Notifier-us-east-1-Errors', 'OAuthProbe-Notifier-us-east-1-DeadLetters'];

/** The heartbeat service: answers 200, or whatever `mode` says. */
interface HeartbeatServer {
  url: string;
  paths: string[];
  mode: 'ok' | 'hang' | '500';
  close(): Promise<void>;
}

let server: HeartbeatServer;
let trustingFetch: typeof fetch;
/** The secret token in the URL path: what must never be logged. */
const TOKEN = '5e1c0c1e-7a11-4b0b-9c0d-heartbeat-token';

beforeAll(async () => {
  const pki = await createTestPki();
  const sockets = new Set<{ destroy(): void }>();
  const paths: string[] = [];
  const https: Server = createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    if (state.mode === 'hang') return;
    res.writeHead(state.mode === '500' ? 500 : 200, { 'content-type': 'text/plain' });
    res.end(state.mode === '500' ? 'error' : 'OK');
  });
  https.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const state: HeartbeatServer = {
    url: `https://127.0.0.1:${(https.address() as AddressInfo).port}/ping/${TOKEN}`,
    paths,
    mode: 'ok',
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        https.close(() => resolve());
      }),
  };
  server = state;
  const agent = new Agent({ connect: { ca: pki.ca.cert } });
  trustingFetch = ((url: string, init: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
});

afterAll(async () => {
  await server?.close();
});

const env = {
  AWS_REGION: REGION,
  [WATCHDOG_ENV.urlSecretId]: SECRET_ID,
  [WATCHDOG_ENV.periodMinutes]: '5',
  [WATCHDOG_ENV.notifiers]: JSON.stringify([
    {
      region: REGION,
      functionName: 'OAuthProbe-us-east-1-Notifier',
      deadLetterQueueName: 'OAuthProbe-us-east-1-NotifierDLQ',
      alarmNames: NOTIFIER_ALARMS,
    },
  ]),
  [WATCHDOG_ENV.alarmPrefix]: 'OAuthProbe-',
  [WATCHDOG_ENV.alarmRegions]: 'us-east-1,eu-west-1',
  [WATCHDOG_ENV.neverRanGraceMinutes]: '30',
};

interface Logged {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}
let logged: Logged[];
const logger: RuntimeLogger = {
  info: (message, ...extra) => logged.push({ level: 'info', message, fields: Object.assign({}, ...extra) }),
  warn: (message, ...extra) => logged.push({ level: 'warn', message, fields: Object.assign({}, ...extra) }),
  error: (message, ...extra) => logged.push({ level: 'error', message, fields: Object.assign({}, ...extra) }),
};

function handler(options: { environment?: NodeJS.ProcessEnv; pingDeadlineMs?: number } = {}) {
  return createWatchdogHandler({
    env: options.environment ?? env,
    cloudWatch: (region) => new CloudWatchClient({ region }),
    secrets: secretsManagerChannelSecrets(() => new SecretsManagerClient({ region: REGION })),
    ping: (url, deadlineMs) =>
      pingHeartbeat(url, { deadlineMs: options.pingDeadlineMs ?? deadlineMs, fetch: trustingFetch }),
    logger,
    now: () => NOW,
  });
}

const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000);
const alarm = (name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', since = minutesAgo(600)): MetricAlarm => ({
  AlarmName: name,
  StateValue: state,
  StateUpdatedTimestamp: since,
  AlarmConfigurationUpdatedTimestamp: since,
});

/** A healthy alert path: no errors, no dead letters, notifier alarms OK, probe alarms evaluating. */
function healthy() {
  cwMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'errors0', Values: [0, 0, 0] },
      { Id: 'deadLetters0', Values: [0, 0] },
    ],
  });
  cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  cwMock
    .on(DescribeAlarmsCommand, { AlarmNames: NOTIFIER_ALARMS })
    .resolves({ MetricAlarms: NOTIFIER_ALARMS.map((n) => alarm(n, 'OK')) });
  cwMock
    .on(DescribeAlarmsCommand, { StateValue: 'OK' })
    .resolves({ MetricAlarms: [alarm('OAuthProbe-billing-api-us-east-1-Stopped', 'OK')] });
}

const heartbeatLines = () => logged.filter((l) => l.fields.event === 'heartbeat');

beforeEach(() => {
  cwMock.reset();
  smMock.reset();
  logged = [];
  server.paths.length = 0;
  server.mode = 'ok';
  smMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: server.url }) });
  healthy();
});

describe('watchdog: a healthy alert path is pinged', () => {
  it('checks the notifier and the probe alarms with the exact inputs, then GETs the heartbeat URL once', async () => {
    const outcome = await handler()({});

    expect(outcome).toEqual({ outcome: 'pinged', status: 200, findings: [] });
    expect(server.paths).toEqual([`/ping/${TOKEN}`]);
    expect(smMock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET_ID });
    const metrics = cwMock.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(metrics).toEqual({
      StartTime: minutesAgo(5 + 2),
      EndTime: new Date(NOW),
      MetricDataQueries: [
        {
          Id: 'errors0',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: 'Errors',
              Dimensions: [{ Name: 'FunctionName', Value: 'OAuthProbe-us-east-1-Notifier' }],
            },
            Period: 60,
            Stat: 'Sum',
          },
        },
        {
          Id: 'deadLetters0',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateNumberOfMessagesVisible',
              Dimensions: [{ Name: 'QueueName', Value: 'OAuthProbe-us-east-1-NotifierDLQ' }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    });
    const described = cwMock.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
    expect(described).toContainEqual({ AlarmNames: NOTIFIER_ALARMS });
    for (const state of ['INSUFFICIENT_DATA', 'OK', 'ALARM']) {
      expect(described).toContainEqual({ AlarmNamePrefix: 'OAuthProbe-', StateValue: state, MaxRecords: 100 });
    }
    // Both alarm regions asked; every call carried an abort signal.
    const options = (call: { args: unknown[] }) => call.args[1] as { abortSignal?: AbortSignal } | undefined;
    expect(cwMock.commandCalls(DescribeAlarmsCommand).every((call) => options(call)?.abortSignal)).toBe(true);
    expect(options(cwMock.commandCalls(GetMetricDataCommand)[0]!)?.abortSignal).toBeInstanceOf(AbortSignal);
    expect(heartbeatLines()).toEqual([
      expect.objectContaining({
        level: 'info',
        fields: expect.objectContaining({ outcome: 'pinged', httpStatus: 200, reasons: [] }),
      }),
    ]);
  });

  it('a Stopped alarm INSUFFICIENT_DATA within the grace period (a probe just deployed) does not withhold it', async () => {
    cwMock.on(DescribeAlarmsCommand, { StateValue: 'INSUFFICIENT_DATA' }).resolves({
      MetricAlarms: [alarm('OAuthProbe-new-probe-us-east-1-Stopped', 'INSUFFICIENT_DATA', minutesAgo(29))],
    });

    expect(await handler()({})).toMatchObject({ outcome: 'pinged' });
  });

  it('reads a plain-text secret as the URL too', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: server.url });

    expect(await handler()({})).toMatchObject({ outcome: 'pinged' });
    expect(server.paths).toHaveLength(1);
  });
});

describe('watchdog: anything unhealthy withholds the ping', () => {
  const withheldFor = async (): Promise<string[]> => {
    const outcome = await handler()({});
    expect(outcome.outcome).toBe('withheld');
    expect(server.paths).toEqual([]);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(heartbeatLines()).toHaveLength(1);
    expect(heartbeatLines()[0]!.level).toBe('warn');
    return heartbeatLines()[0]!.fields.reasons as string[];
  };

  it('notifier errors in the last period', async () => {
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'errors0', Values: [0, 1, 0] },
        { Id: 'deadLetters0', Values: [] },
      ],
    });
    expect(await withheldFor()).toEqual(['notifier_errors']);
  });

  it('dead letters waiting in the queue', async () => {
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'errors0', Values: [] },
        { Id: 'deadLetters0', Values: [0, 2] },
      ],
    });
    expect(await withheldFor()).toEqual(['dead_letters']);
  });

  it("a notifier alarm in ALARM (the queue's depth no longer reported, the alarm kept its state)", async () => {
    cwMock
      .on(DescribeAlarmsCommand, { AlarmNames: NOTIFIER_ALARMS })
      .resolves({ MetricAlarms: [alarm(NOTIFIER_ALARMS[0]!, 'OK'), alarm(NOTIFIER_ALARMS[1]!, 'ALARM')] });
    expect(await withheldFor()).toEqual(['notifier_alarm']);
  });

  it('probe alarms that are all INSUFFICIENT_DATA (not evaluating)', async () => {
    cwMock.on(DescribeAlarmsCommand, { StateValue: 'OK' }).resolves({ MetricAlarms: [] });
    cwMock.on(DescribeAlarmsCommand, { StateValue: 'INSUFFICIENT_DATA' }).resolves({
      MetricAlarms: [alarm('OAuthProbe-billing-api-us-east-1-Availability', 'INSUFFICIENT_DATA', minutesAgo(5))],
    });
    expect(await withheldFor()).toEqual(['alarms_not_evaluating']);
  });

  it('a Stopped alarm INSUFFICIENT_DATA longer than the grace period: a probe that never ran', async () => {
    cwMock.on(DescribeAlarmsCommand, { StateValue: 'INSUFFICIENT_DATA' }).resolves({
      MetricAlarms: [
        alarm('OAuthProbe-never-ran-eu-west-1-Stopped', 'INSUFFICIENT_DATA', minutesAgo(31)),
        // Not a Stopped alarm: a Security alarm may wait for its first check for long.
        alarm('OAuthProbe-billing-api-eu-west-1-Security', 'INSUFFICIENT_DATA', minutesAgo(600)),
      ],
    });
    expect(await withheldFor()).toEqual(['stopped_never_ran']);
    const findings = heartbeatLines()[0]!.fields.findings as { detail: string }[];
    expect(findings[0]!.detail).toContain('OAuthProbe-never-ran-eu-west-1-Stopped');
    expect(findings[0]!.detail).not.toContain('Security');
  });

  it('no probe alarm at all under the prefix (a wrong prefix, or the alarms are gone)', async () => {
    cwMock.on(DescribeAlarmsCommand, { StateValue: 'OK' }).resolves({
      MetricAlarms: [
        alarm('OAuthProbe-Notifier-us-east-1-Errors', 'OK'),
        alarm('OAuthProbe-SecretVersionDrift-us-east-1', 'OK'),
      ],
    });
    expect(await withheldFor()).toEqual(['no_probe_alarms']);
  });

  it('a check that fails: health not proven', async () => {
    cwMock.on(GetMetricDataCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    expect(await withheldFor()).toEqual(['check_failed']);
    const findings = heartbeatLines()[0]!.fields.findings as { detail: string }[];
    expect(findings[0]!.detail).toBe('GetMetricData failed (AccessDeniedException): health not proven');
  });
});

describe("watchdog: another region's notifier, watched through its alarms", () => {
  const OTHER_ALARMS = ['OAuthProbe-Notifier-eu-west-1-Errors', 'OAuthProbe-Notifier-eu-west-1-DeadLetters'];
  const twoNotifiers = {
    ...env,
    [WATCHDOG_ENV.notifiers]: JSON.stringify([
      JSON.parse(env[WATCHDOG_ENV.notifiers]!)[0],
      { region: 'eu-west-1', alarmNames: OTHER_ALARMS },
    ]),
  };
  const regionOf = (call: { thisValue?: unknown }) =>
    (call.thisValue as CloudWatchClient).config.region as unknown as () => Promise<string>;

  it('reads metrics of the home notifier only, and the other one through DescribeAlarms in its region', async () => {
    cwMock
      .on(DescribeAlarmsCommand, { AlarmNames: OTHER_ALARMS })
      .resolves({ MetricAlarms: OTHER_ALARMS.map((n) => alarm(n, 'OK')) });

    expect(await handler({ environment: twoNotifiers })({})).toMatchObject({ outcome: 'pinged' });

    const metrics = cwMock.commandCalls(GetMetricDataCommand);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]!.args[0].input.MetricDataQueries!.map((q) => q.Id)).toEqual(['errors0', 'deadLetters0']);
    expect(await regionOf(metrics[0]!)()).toBe(REGION);
    const asked = cwMock.commandCalls(DescribeAlarmsCommand, { AlarmNames: OTHER_ALARMS });
    expect(asked).toHaveLength(1);
    expect(await regionOf(asked[0]!)()).toBe('eu-west-1');
  });

  it("withholds the ping when the other region's notifier alarm is in ALARM", async () => {
    cwMock
      .on(DescribeAlarmsCommand, { AlarmNames: OTHER_ALARMS })
      .resolves({ MetricAlarms: [alarm(OTHER_ALARMS[0]!, 'ALARM'), alarm(OTHER_ALARMS[1]!, 'OK')] });

    const outcome = await handler({ environment: twoNotifiers })({});

    expect(outcome).toMatchObject({
      outcome: 'withheld',
      findings: [{ code: 'notifier_alarm', region: 'eu-west-1', detail: `${OTHER_ALARMS[0]} is in ALARM` }],
    });
    expect(server.paths).toEqual([]);
  });

  it('asks no GetMetricData at all when no notifier has a function or queue name', async () => {
    const alarmsOnly = {
      ...env,
      [WATCHDOG_ENV.notifiers]: JSON.stringify([{ region: REGION, alarmNames: NOTIFIER_ALARMS }]),
    };

    expect(await handler({ environment: alarmsOnly })({})).toMatchObject({ outcome: 'pinged' });
    expect(cwMock.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(cwMock.commandCalls(DescribeAlarmsCommand, { AlarmNames: NOTIFIER_ALARMS })).toHaveLength(1);
  });
});

describe('watchdog: the ping itself', () => {
  it('a hung endpoint: the deadline ends the call, and the failure is logged', async () => {
    server.mode = 'hang';

    const outcome = await handler({ pingDeadlineMs: 300 })({});

    expect(outcome).toEqual({ outcome: 'ping_failed', findings: [], status: null, error: 'deadline' });
    expect(server.paths).toHaveLength(1);
    expect(heartbeatLines()[0]).toMatchObject({
      level: 'error',
      fields: { outcome: 'ping_failed', error: 'deadline' },
    });
  });

  it('an endpoint that answers 500', async () => {
    server.mode = '500';

    expect(await handler()({})).toEqual({ outcome: 'ping_failed', findings: [], status: 500, error: 'http_status' });
  });

  it('a secret that is not an https URL is refused without calling it', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: `http://127.0.0.1:1/ping/${TOKEN}` });

    expect(await handler()({})).toMatchObject({ outcome: 'ping_failed', error: 'invalid_url' });
    expect(server.paths).toEqual([]);
  });

  it('a secret that cannot be read', async () => {
    smMock.on(GetSecretValueCommand).rejects(Object.assign(new Error('no'), { name: 'ResourceNotFoundException' }));

    expect(await handler()({})).toMatchObject({ outcome: 'ping_failed', error: 'secret_unavailable' });
  });
});

describe('watchdog: the URL is a credential', () => {
  it('never appears in a log line, whatever the outcome', async () => {
    const outcomes: HeartbeatOutcome[] = [];
    outcomes.push(await handler()({}));
    server.mode = 'hang';
    outcomes.push(await handler({ pingDeadlineMs: 200 })({}));
    server.mode = '500';
    outcomes.push(await handler()({}));
    smMock.on(GetSecretValueCommand).resolves({ SecretString: `ftp://${TOKEN}` });
    outcomes.push(await handler()({}));
    smMock.on(GetSecretValueCommand).resolves({ SecretString: `not a url ${TOKEN}` });
    outcomes.push(await handler()({}));

    expect(outcomes.map((o) => o.outcome)).toEqual([
      'pinged',
      'ping_failed',
      'ping_failed',
      'ping_failed',
      'ping_failed',
    ]);
    const text = JSON.stringify(logged);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('/ping/');
    expect(JSON.stringify(outcomes)).not.toContain(TOKEN);
  });
});

describe('watchdog settings', () => {
  it('reads its environment, with the alarm regions defaulting to its own', () => {
    const { [WATCHDOG_ENV.alarmRegions]: _regions, [WATCHDOG_ENV.neverRanGraceMinutes]: _grace, ...rest } = env;
    expect(watchdogSettingsFromEnv(rest)).toEqual({
      urlSecretId: SECRET_ID,
      periodMinutes: 5,
      notifiers: [
        {
          region: REGION,
          functionName: 'OAuthProbe-us-east-1-Notifier',
          deadLetterQueueName: 'OAuthProbe-us-east-1-NotifierDLQ',
          alarmNames: NOTIFIER_ALARMS,
        },
      ],
      alarmPrefix: 'OAuthProbe-',
      alarmRegions: [REGION],
      neverRanGraceMinutes: 30,
      region: REGION,
    });
  });

  it.each([
    [WATCHDOG_ENV.urlSecretId, undefined, /missing HEARTBEAT_URL_SECRET_ID/],
    [WATCHDOG_ENV.periodMinutes, 'five', /HEARTBEAT_PERIOD_MINUTES must be/],
    [WATCHDOG_ENV.notifiers, '{', /WATCHDOG_NOTIFIERS is not JSON/],
    [WATCHDOG_ENV.notifiers, '[{"region":"us-east-1"}]', /\[0\] names no function, queue or alarm to check/],
    [WATCHDOG_ENV.notifiers, '[{"region":"us-east-1","functionName":""}]', /\[0\]\.functionName is not a non-empty/],
    [WATCHDOG_ENV.notifiers, '[{"region":"us-east-1","alarmNames":"x"}]', /\[0\]\.alarmNames is not a list/],
  ])('names %s when it is wrong', (name, value, message) => {
    expect(() => watchdogSettingsFromEnv({ ...env, [name]: value })).toThrow(message);
  });

  it('reads a notifier watched through its alarms alone (another region: no function or queue name)', () => {
    const other = { region: 'eu-west-1', alarmNames: ['OAuthProbe-Notifier-eu-west-1-Errors'] };
    const settings = watchdogSettingsFromEnv({ ...env, [WATCHDOG_ENV.notifiers]: JSON.stringify([other]) });
    expect(settings.notifiers).toEqual([other]);
  });

  it('a misconfigured handler logs it and throws (a deployment error, visible in Lambda Errors)', async () => {
    const { [WATCHDOG_ENV.notifiers]: _n, ...rest } = env;

    await expect(handler({ environment: rest })({})).rejects.toThrow(WATCHDOG_ENV.notifiers);
    expect(logged.map((l) => l.fields.event)).toEqual(['watchdog_misconfigured']);
    expect(server.paths).toEqual([]);
  });
});
