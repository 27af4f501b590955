import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AlertTestDeps, alertTestCommand } from '../../../tools/cli/commands/alert-test.js';
import type { Io } from '../../../tools/cli/io.js';
import { main } from '../../../tools/cli/main.js';
import { REPO, workspace } from './helpers.js';

const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const T0 = Date.parse('2026-12-01T20:00:00Z');

let clock: number;
let out: string;
let err: string;
const io = (): Io => ({
  stdout: { write: (t: string) => (out += t) },
  stderr: { write: (t: string) => (err += t) },
  env: {},
  cwd: REPO,
});
const deps = (): AlertTestDeps => ({
  cloudWatch: (region) => new CloudWatchClient({ region }),
  logs: (region) => new CloudWatchLogsClient({ region }),
  now: () => clock,
  sleep: async (ms) => {
    clock += ms;
  },
});
const run = (...argv: string[]) => alertTestCommand(deps()).run(argv, io());

beforeEach(() => {
  cw.reset();
  logs.reset();
  clock = T0;
  out = '';
  err = '';
  cw.on(SetAlarmStateCommand).resolves({});
  logs.on(DescribeLogGroupsCommand).resolves({
    logGroups: [{ logGroupName: 'OAuthProbe-eu-west-1-NotifierFunctionLogGroupAB12-xyz' }],
  });
});

describe('oauth-probe alert-test', () => {
  it('pushes one alarm per deployed region to ALARM, waits for the published line, sets it back to OK', async () => {
    // The notifier's line appears on the second look, 3 s after the alarm was set.
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [] })
      .resolves({ events: [{ timestamp: T0 + 3_000, message: '{"event":"notification_published"}' }] });

    const code = await run();

    expect(code).toBe(0);
    const states = cw
      .commandCalls(SetAlarmStateCommand)
      .map((c) => [c.args[0].input.AlarmName, c.args[0].input.StateValue]);
    expect(states).toEqual([
      ['OAuthProbe-billing-api-eu-west-1-Availability', 'ALARM'],
      ['OAuthProbe-billing-api-eu-west-1-Availability', 'OK'],
      ['OAuthProbe-billing-api-us-east-1-Availability', 'ALARM'],
      ['OAuthProbe-billing-api-us-east-1-Availability', 'OK'],
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input.filterPattern).toBe(
      '{ ($.event = "notification_published") && ($.alarmName = "OAuthProbe-billing-api-eu-west-1-Availability") }',
    );
    expect(out).toContain('✓ eu-west-1  notification left after 3.0 s');
    expect(out).toContain('alert path works in 2 regions');
    // Every call carried an abort signal.
    for (const call of [...cw.calls(), ...logs.calls()]) {
      expect(((call.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal).toBeInstanceOf(
        AbortSignal,
      );
    }
  });

  it('exits 1 and names what to check when the notification never leaves, and still resets the alarm', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [] });

    const code = await run('--region', 'us-east-1', '--wait', '30');

    expect(code).toBe(1);
    expect(out).toMatch(
      /✗ us-east-1 {2}no notification within 30 s: read OAuthProbe-eu-west-1-NotifierFunctionLogGroup\S+ for notification_publish_failed/,
    );
    expect(cw.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input.StateValue)).toEqual(['ALARM', 'OK']);
  });

  it('exits 1 when the alarm is not there to set (the probe is not deployed)', async () => {
    cw.on(SetAlarmStateCommand).rejects(Object.assign(new Error('no alarm'), { name: 'ResourceNotFound' }));

    const code = await run('--probe', 'partner-sync');

    expect(code).toBe(1);
    expect(out).toContain('SetAlarmState on OAuthProbe-partner-sync-eu-west-1-Availability failed (ResourceNotFound)');
  });

  it('exits 2 with one line when SetAlarmState is denied to the caller: no verdict about the alert path', async () => {
    cw.on(SetAlarmStateCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: {} }));

    const code = await main(['alert-test', '--probe', 'partner-sync'], io());

    expect(code).toBe(2);
    expect(err).toBe(
      'oauth-probe: AWS denied cloudwatch:SetAlarmState (CloudWatch in eu-west-1) (AccessDenied): grant it to the identity you use (`aws sts get-caller-identity` shows which), or use a profile that has it\n',
    );
    expect(out).not.toMatch(/alert path|waiting for the notifier/);
  });

  it('sets the alarm back to OK before it exits 2 when the log can no longer be read (network)', async () => {
    logs
      .on(FilterLogEventsCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));

    const code = await main(['alert-test', '--region', 'us-east-1'], io());

    expect(code).toBe(2);
    expect(err).toBe(
      'oauth-probe: cannot reach AWS (CloudWatch Logs in us-east-1) (ECONNREFUSED): check the network, HTTPS_PROXY, or AWS_ENDPOINT_URL\n',
    );
    expect(cw.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input.StateValue)).toEqual(['ALARM', 'OK']);
    expect(out).not.toContain('alert path');
  });

  it('exits 1 when the notifier is not deployed in the region', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });

    expect(await run('--region', 'eu-west-1')).toBe(1);
    expect(out).toContain('no notifier log group');
    expect(cw.commandCalls(SetAlarmStateCommand)).toHaveLength(0);
  });

  it.each([
    [['--region', 'ap-south-1'], '--region ap-south-1: no probe runs there (deployed regions: eu-west-1, us-east-1)'],
    [['--probe', 'nope'], '--probe nope: no such probe'],
    [['--probe', 'partner-sync', '--region', 'us-east-1'], '--probe partner-sync does not run in us-east-1'],
    [['--wait', 'soon'], '--wait must be a number of seconds'],
  ])('%j is a usage error (exit 2) naming the flag', async (argv, message) => {
    const code = await main(['alert-test', ...argv], io());

    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(cw.calls()).toHaveLength(0);
  });
});

describe('oauth-probe alert-test with notifications.heartbeat: the watchdog’s latest line', () => {
  const WATCHDOG_GROUP = 'OAuthProbe-eu-west-1-WatchdogWatchdogFunctionLogGroupCD34-abc';
  let dir: string;

  beforeEach(async () => {
    const ws = await workspace();
    await ws.write('probes.json', {
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1'],
      notifications: {
        warning: { emails: ['ops@example.com'] },
        critical: { emails: ['oncall@example.com'] },
        heartbeat: { urlSecretId: 'oauth-probe/heartbeat', schedule: 'rate(10 minutes)' },
      },
      probes: [{ name: 'billing', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 'b' } }],
    });
    dir = ws.dir;
    logs.on(DescribeLogGroupsCommand).callsFake(async (input: { logGroupNamePattern?: string }) => ({
      logGroups: [
        {
          logGroupName: input.logGroupNamePattern?.startsWith('Watchdog')
            ? WATCHDOG_GROUP
            : 'OAuthProbe-eu-west-1-NotifierFunctionLogGroupAB12-xyz',
        },
      ],
    }));
  });

  /** The notifier publishes at once; the watchdog's log holds `heartbeat` lines (JSON as the function logs them). */
  function logsHold(heartbeats: { ageMin: number; line: Record<string, unknown> }[]) {
    logs.on(FilterLogEventsCommand).callsFake(async (input: { logGroupName?: string }) =>
      input.logGroupName === WATCHDOG_GROUP
        ? {
            events: heartbeats.map((h) => ({
              timestamp: T0 - h.ageMin * 60_000,
              message: JSON.stringify({ level: 'INFO', event: 'heartbeat', ...h.line }),
            })),
          }
        : { events: [{ timestamp: T0 + 1_000, message: '{"event":"notification_published"}' }] },
    );
  }
  const runIn = (...argv: string[]) => alertTestCommand(deps()).run(argv, { ...io(), cwd: dir });

  it('passes when the watchdog pinged within two of its periods, reading its own log group and event', async () => {
    logsHold([
      { ageMin: 14, line: { outcome: 'withheld', reasons: ['notifier_errors'] } },
      { ageMin: 4, line: { outcome: 'pinged', httpStatus: 200 } },
    ]);

    const code = await runIn();

    expect(code).toBe(0);
    expect(out).toContain(
      '✓ eu-west-1  watchdog pinged the heartbeat 4 min ago (every 10 min): the alert path was healthy',
    );
    const read = logs.commandCalls(FilterLogEventsCommand).find((c) => c.args[0].input.logGroupName === WATCHDOG_GROUP);
    expect(read!.args[0].input.filterPattern).toBe('{ $.event = "heartbeat" }');
    // Two periods and two minutes back.
    expect(read!.args[0].input.startTime).toBe(clock - 22 * 60_000);
  });

  it('exits 1 naming the reasons when the watchdog withheld its latest heartbeat', async () => {
    logsHold([
      { ageMin: 12, line: { outcome: 'pinged', httpStatus: 200 } },
      { ageMin: 2, line: { outcome: 'withheld', reasons: ['notifier_dead_letters', 'probe_alarms_silent'] } },
    ]);

    const code = await runIn();

    expect(code).toBe(1);
    expect(out).toContain(
      '✗ eu-west-1  watchdog withheld the heartbeat 2 min ago (notifier_dead_letters, probe_alarms_silent): the alert path is unhealthy',
    );
  });

  it('exits 1 when the ping failed, pointing at the heartbeat secret', async () => {
    logsHold([{ ageMin: 3, line: { outcome: 'ping_failed', error: 'http_status', httpStatus: 404 } }]);

    const code = await runIn();

    expect(code).toBe(1);
    expect(out).toContain(
      'watchdog could not ping the heartbeat 3 min ago (http_status, HTTP 404): check the heartbeat secret',
    );
  });

  it('exits 1 when the watchdog logged nothing in two periods: it is not running', async () => {
    logsHold([]);

    const code = await runIn();

    expect(code).toBe(1);
    expect(out).toContain(
      `watchdog: no heartbeat line in ${WATCHDOG_GROUP} for 22 min (it runs every 10 min): it is not running`,
    );
  });

  it('exits 1 when no watchdog is deployed, and looks only at the home region', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [{ logGroupName: 'OAuthProbe-eu-west-1-NotifierFunctionLogGroupAB12-xyz' }],
    });
    logsHold([]);

    const code = await runIn();

    expect(code).toBe(1);
    expect(out).toContain(
      'no watchdog log group (*WatchdogFunctionLogGroup*) of OAuthProbe-eu-west-1 in eu-west-1: deploy the stack with notifications.heartbeat',
    );
  });
});
