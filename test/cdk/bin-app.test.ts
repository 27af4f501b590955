/**
 * bin/app.ts as `cdk synth` runs it (a child process with CDK_CONTEXT_JSON), for the behaviour that
 * only the entry point has: a bad config fails once, listing every problem, without a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers.js';

function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-bin-'));
  const path = join(dir, 'probes.json');
  if (config !== undefined) writeFileSync(path, JSON.stringify(config));
  return path;
}

function runApp(config: unknown, context: Record<string, unknown> = {}) {
  const path = writeConfig(config);
  const dir = join(path, '..');
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ config: path, ...context }),
      CDK_OUTDIR: join(dir, 'cdk.out'),
    },
  });
}

describe('bin/app.ts', () => {
  it('fails once on an invalid config, listing every problem with its path and no stack trace', () => {
    const result = runApp({
      globalFailureRegions: 0,
      probes: [
        {
          name: 'bad name',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'x' },
          schedule: 'rate(1 minutes)',
        },
        { name: 'no-endpoint', credentials: {} },
      ],
    });

    expect(result.status).toBe(1);
    for (const path of ['globalFailureRegions', 'probes[0].name', 'probes[1].credentials.secretId']) {
      expect(result.stderr).toContain(`  ${path}: `);
    }
    // The config is named as given with -c, so the message says how synth was told about it.
    expect(result.stderr).toMatch(/probes\.json \(-c config=\S+probes\.json\): 3 problems:/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('reports a schedule EventBridge Scheduler would reject', () => {
    const result = runApp({
      probes: [
        {
          name: 'p',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'x' },
          schedule: 'rate(1 minutes)',
        },
      ],
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('probes[0].schedule: write "rate(1 minute)"');
  });

  it('rejects a probe memory size Lambda would refuse', () => {
    const valid = {
      probes: [{ name: 'p', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 'x' } }],
    };

    const result = runApp(valid, { probeMemoryMb: '100' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('-c probeMemoryMb: must be a whole number of MB from 128 to 10240');
  });

  it('rejects a config over a quota with exactly the lines `oauth-probe validate` prints, naming -c config', () => {
    const config = {
      shards: 1,
      regions: ['eu-west-1'],
      alarms: { evaluationPeriods: 10, datapointsToAlarm: 1 },
      probes: Array.from({ length: 90 }, (_, i) => ({
        name: `p${i}`,
        tokenUrl: 'https://auth.example.com/token',
        credentials: { secretId: `oauth-probe/p${i}` },
        degradedMs: 1000,
        schedule: i === 0 ? 'rate(1 day)' : 'rate(5 minutes)',
      })),
    };
    const path = writeConfig(config);

    const synth = runApp(config);
    const validate = spawnSync(process.execPath, ['bin/oauth-probe.js', 'validate', '--config', path], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });

    expect(synth.status).toBe(1);
    expect(validate.status).toBe(2);
    const lines = (text: string) => text.split('\n').filter((line) => /^ {2}\S+: /.test(line));
    const synthLines = lines(synth.stderr);
    expect(synthLines).toEqual(lines(validate.stderr));
    expect(synthLines.join('\n')).toContain(
      '  alarms.evaluationPeriods: 10 periods of 1440 min (the schedule of "p0") span minutes: 14,400, over CloudWatch\'s evaluation range of 168 h (10,080). Fix: use at most 7 evaluationPeriods',
    );
    expect(synthLines.join('\n')).toMatch(
      / {2}shards: shard 0 of eu-west-1 \(p0, .* and 85 more: 90 schedules, [\d,]+ alarms\) needs resources: [\d,]+, over CloudFormation's 500 resources per stack less headroom \(400\)\. Fix: raise "shards"/,
    );
    expect(synth.stderr).toContain('(-c config=');
    expect(synth.stderr).not.toMatch(/^\s+at /m);
  });

  it('names the CDK context key, not the CLI flag, when the config file is missing', () => {
    const result = runApp(undefined);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(-c config=');
    expect(result.stderr).toContain('cannot read the config file (ENOENT)');
    expect(result.stderr).not.toContain('--config');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
