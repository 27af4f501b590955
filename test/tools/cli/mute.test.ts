/** `oauth-probe mute` / `unmute` against a mocked CloudWatch (aws-sdk-client-mock), in process. */
import {
  CloudWatchClient,
  DeleteAlarmMuteRuleCommand,
  PutAlarmMuteRuleCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../tools/cli/main.js';
import { isoDuration, parseDuration } from '../../../tools/cli/mute-rules.js';
import { REPO } from './helpers.js';

const cw = mockClient(CloudWatchClient);

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
      env: {},
      cwd: REPO,
    },
  };
}

beforeEach(() => cw.reset());

describe('oauth-probe mute', () => {
  it('writes one mute rule per region with the probe alarms (global in the home region), a deadline and an expiry', async () => {
    cw.on(PutAlarmMuteRuleCommand).resolves({});
    const { out, io: cli } = io();

    const code = await main(['mute', '--probe', 'billing-api', '--for', '2h', '--reason', 'secret rotation'], cli);

    expect(code).toBe(0);
    const calls = cw.commandCalls(PutAlarmMuteRuleCommand);
    expect(calls).toHaveLength(2);
    const [first] = calls.map((c) => c.args[0].input);
    expect(first).toMatchObject({
      Name: 'oauth-probe-mute-billing-api',
      Description: 'oauth-probe mute of billing-api: secret rotation',
      Rule: {
        Schedule: {
          Expression: expect.stringMatching(/^at\(\d{4}-\d\d-\d\dT\d\d:\d\d\)$/),
          Duration: 'PT2H',
          Timezone: 'UTC',
        },
      },
    });
    expect(first!.MuteTargets!.AlarmNames).toContain('OAuthProbe-billing-api-Global');
    expect(first!.MuteTargets!.AlarmNames).toContain('OAuthProbe-billing-api-eu-west-1-Availability');
    expect((calls[0]!.args as unknown[])[1]).toMatchObject({ abortSignal: expect.any(AbortSignal) });
    expect(first!.ExpireDate).toBeInstanceOf(Date);
    expect(out.stdout).toContain('muted 5 alarms of billing-api in eu-west-1 until');
  });

  it('exits 2 without a readable duration, before any AWS call', async () => {
    const { out, io: cli } = io();
    expect(await main(['mute', '--probe', 'billing-api', '--for', 'soon'], cli)).toBe(2);
    expect(out.stderr).toContain('--for 2h');
    expect(cw.calls()).toHaveLength(0);
  });

  it('unmute deletes the rule in each region, and says when nothing was muted', async () => {
    cw.on(DeleteAlarmMuteRuleCommand)
      .resolvesOnce({})
      .rejectsOnce(new ResourceNotFoundException({ message: 'no rule', $metadata: {} }));
    const { out, io: cli } = io();

    expect(await main(['unmute', '--probe', 'billing-api'], cli)).toBe(0);
    expect(cw.commandCalls(DeleteAlarmMuteRuleCommand).map((c) => c.args[0].input.AlarmMuteRuleName)).toEqual([
      'oauth-probe-mute-billing-api',
      'oauth-probe-mute-billing-api',
    ]);
    expect(out.stdout).toContain('unmuted billing-api in eu-west-1');
    expect(out.stdout).toContain('was not muted: billing-api in us-east-1');
  });

  it('reads durations and writes ISO 8601 ones', () => {
    expect(parseDuration('1h30m')).toBe(90);
    expect(parseDuration('1d')).toBe(1440);
    expect(parseDuration('x')).toBeUndefined();
    expect(isoDuration(90)).toBe('PT1H30M');
    expect(isoDuration(2880)).toBe('P2D');
  });
});
