import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sloReportClients, sloReportCommand } from '../../../tools/cli/commands/slo-report.js';
import { EXIT } from '../../../tools/cli/errors.js';
import type { ProbeSloReport } from '../../../tools/slo/report.js';
import { REPO } from './helpers.js';

const clients = new Map<string, CloudWatchClient>();
sloReportClients.create = (region) => {
  let client = clients.get(region);
  if (!client) {
    client = new CloudWatchClient({ region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
    clients.set(region, client);
  }
  return client;
};
const eu = mockClient(sloReportClients.create('eu-west-1'));
const us = mockClient(sloReportClients.create('us-east-1'));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: {
      write: (s: string) => {
        stdout += s;
      },
      isTTY: false,
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
      },
      isTTY: false,
    },
    env: {},
    cwd: REPO,
  };
  const code = await sloReportCommand.run(args, io as never);
  return { code, stdout, stderr };
}

/** probes.json: billing-api (99.9 % / 30 d) in eu-west-1 and us-east-1, partner-sync (99.5 % / 7 d) in eu-west-1. */
function answer(region: 'eu' | 'us') {
  return (input: GetMetricDataCommandInput) => {
    const results = (input.MetricDataQueries ?? []).flatMap(
      (q): { Id?: string; Label?: string; Values: number[] }[] => {
        const probe = q.MetricStat?.Metric?.Dimensions?.[0]?.Value ?? /Probe="([^"]+)"/.exec(q.Expression ?? '')?.[1];
        const billing = probe === 'billing-api';
        if (q.Id?.startsWith('n')) return [{ Id: q.Id, Values: [billing ? 43_200 : 2_016] }];
        if (q.Id?.startsWith('s')) {
          const failed = billing ? (region === 'eu' ? 30 : 10) : 2;
          return [{ Id: q.Id, Values: [(billing ? 43_200 : 2_016) - failed] }];
        }
        if (!billing) return [{ Id: q.Id, Label: 'partner-sync timeout', Values: [2] }];
        return region === 'eu'
          ? [
              { Id: q.Id, Label: 'billing-api invalid_client', Values: [20] },
              { Id: q.Id, Label: 'billing-api timeout', Values: [10] },
            ]
          : [{ Id: q.Id, Label: 'billing-api timeout', Values: [10] }];
      },
    );
    return { MetricDataResults: results };
  };
}

beforeEach(() => {
  eu.reset();
  us.reset();
  eu.on(GetMetricDataCommand).callsFake(answer('eu'));
  us.on(GetMetricDataCommand).callsFake(answer('us'));
});

describe('oauth-probe slo-report', () => {
  it('--json: attainment over the window, budget left, worst region, top codes per probe', async () => {
    const { code, stdout } = await run(['--config', 'probes.json', '--json']);
    const reports = JSON.parse(stdout) as ProbeSloReport[];

    expect(code).toBe(EXIT.ok);
    const billing = reports.find((r) => r.probe === 'billing-api')!;
    expect(billing).toMatchObject({ objective: 99.9, window: '30d', runs: 86_400, successes: 86_360 });
    expect(billing.attainment).toBeCloseTo(99.9537, 3);
    // 40 failures of a budget of 86.4 runs: 53.7 % left.
    expect(billing.budgetRemaining).toBeCloseTo(53.7, 1);
    expect(billing.worstRegion?.region).toBe('eu-west-1');
    expect(billing.topFailureCodes).toEqual(
      [
        { code: 'timeout', count: 20 },
        { code: 'invalid_client', count: 20 },
      ].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    );
    const partner = reports.find((r) => r.probe === 'partner-sync')!;
    expect(partner).toMatchObject({ objective: 99.5, window: '7d', runs: 2_016 });
  });

  it('reads each window with its own period, from each region the probes run in, under an abort deadline', async () => {
    await run(['--json']);
    const calls = eu.commandCalls(GetMetricDataCommand);
    const periods = calls.map((c) => c.args[0].input.MetricDataQueries![0]!.MetricStat!.Period).sort();
    expect(periods).toEqual([7 * 86_400, 30 * 86_400].sort());
    expect(us.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    for (const call of calls) {
      const options = (call.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
      expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
    }
  });

  it('exit 1 when a probe has spent its whole budget; text output names it', async () => {
    us.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
        Id: q.Id,
        Values: q.Id?.startsWith('n') ? [43_200] : q.Id?.startsWith('s') ? [43_000] : [],
      })),
    }));
    const { code, stdout } = await run(['--probe', 'billing-api']);
    expect(code).toBe(EXIT.probeFailed);
    expect(stdout).toMatch(/billing-api\s+99\.\d+ % of 99\.9 % over 30d\s+-\d+\.\d % budget left\s+worst us-east-1/);
  });

  it('a CloudWatch error is one clear line, exit 2, and an unknown probe is a usage error', async () => {
    eu.on(GetMetricDataCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));
    await expect(run(['--json'])).rejects.toMatchObject({
      exitCode: EXIT.usage,
      message:
        'AWS denied cloudwatch:GetMetricData (CloudWatch in eu-west-1, us-east-1) (AccessDenied): grant it to the identity you use (`aws sts get-caller-identity` shows which), or use a profile that has it',
    });
    eu.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(run(['--json'])).rejects.toMatchObject({
      exitCode: EXIT.usage,
      message: 'cannot read CloudWatch: Throttling: Rate exceeded',
    });
    await expect(run(['--probe', 'nope'])).rejects.toMatchObject({ exitCode: EXIT.usage });
  });
});
