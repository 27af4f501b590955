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

function runApp(config: unknown, context: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-bin-'));
  const path = join(dir, 'probes.json');
  if (config !== undefined) writeFileSync(path, JSON.stringify(config));
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
    expect(result.stderr).toContain('probes.json: 3 problems:');
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

  it('names the CDK context key, not the CLI flag, when the config file is missing', () => {
    const result = runApp(undefined);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('file not found: check the path, or pass -c config=FILE');
    expect(result.stderr).not.toContain('--config');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
