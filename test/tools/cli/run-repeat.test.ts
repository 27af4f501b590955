import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/index.js';
import { runCli, type Workspace, workspace } from './helpers.js';

/** `oauth-probe run --repeat N [--every S]`: rounds in one process, with one token cache. */
describe('oauth-probe run --repeat', () => {
  let env: LocalEnvironment;
  let ws: Workspace;

  beforeAll(async () => {
    env = await startLocalEnvironment();
    ws = await workspace();
    const reusing = env.probe('client_secret_basic', { name: 'reusing' });
    await ws.write('probes.json', {
      probes: [
        { ...reusing, token: { ...reusing.token, reuse: { maxAgeSec: 3600 } } },
        env.probe('client_secret_basic', { name: 'fresh' }),
      ],
    });
    await ws.write('local-secrets.json', env.secrets);
  });

  afterAll(async () => {
    await env?.close();
  });

  const run = (...args: string[]) => runCli(['run', '--secrets', 'local-secrets.json', ...args], { cwd: ws.dir });

  it('runs 3 rounds in one process: the reusing probe requests one token and shows "token reused" twice', async () => {
    const before = env.authServer.requestCounts().token;

    const { code, stdout, stderr } = await run('--repeat', '3', '--every', '0', '--concurrency', '1');

    expect(code).toBe(0);
    expect(stderr).toBe('');
    // reusing: 1 token for 3 rounds; fresh: 3.
    expect(env.authServer.requestCounts().token - before).toBe(4);
    const rounds = stdout.split(/^round \d of 3$/m).slice(1);
    expect(stdout.match(/^round \d of 3$/gm)).toEqual(['round 1 of 3', 'round 2 of 3', 'round 3 of 3']);
    expect(rounds.map((round) => /^PASS {6}reusing\s+\S+ ms {2}token reused$/m.test(round))).toEqual([
      false,
      true,
      true,
    ]);
    for (const round of rounds) {
      expect(round).toMatch(/^PASS {6}fresh {3}\s+\S+ ms$/m);
      expect(round).toContain('2 probes: 2 passed');
    }
  });

  it('prints every round in one JSON array with token.reused', async () => {
    const { code, stdout } = await run('--repeat', '3', '--every', '0', '--json', '--concurrency', '1');

    expect(code).toBe(0);
    const results = JSON.parse(stdout) as { probe: string; status: string; token: { reused: boolean } }[];
    expect(results.map((r) => [r.probe, r.status, r.token.reused])).toEqual([
      ['reusing', 'pass', false],
      ['fresh', 'pass', false],
      ['reusing', 'pass', true],
      ['fresh', 'pass', false],
      ['reusing', 'pass', true],
      ['fresh', 'pass', false],
    ]);
    // The reused runs sent only the API steps.
    expect(JSON.parse(stdout)[2].exchanges.map((e: { name: string }) => e.name)).toEqual([
      'list-invoices',
      'get-invoice',
    ]);
    expect(stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\./);
  });

  it.each([
    [['--repeat', '0'], "--repeat must be a whole number from 1 to 100, got '0'"],
    [['--repeat', '101'], "--repeat must be a whole number from 1 to 100, got '101'"],
    [['--repeat', '2', '--every=-1'], "--every must be a number of seconds from 0 to 3600, got '-1'"],
    [['--repeat', '2', '--every', 'soon'], "--every must be a number of seconds from 0 to 3600, got 'soon'"],
    [['--repeat', '2', '--every', '3601'], "--every must be a number of seconds from 0 to 3600, got '3601'"],
    [['--every', '5'], '--every goes with --repeat N: the seconds between rounds'],
    [['--repeat', '2', '--reporter', 'junit'], '--repeat goes with text or --json output, not --reporter junit'],
  ])('refuses %j with exit 2: %s', async (args, message) => {
    const { code, stdout, stderr } = await run(...args);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('refuses --repeat with --remote: the deployed function keeps its own cache', async () => {
    const { code, stderr } = await runCli(['run', '--remote', '--region', 'eu-west-1', '--repeat', '2'], {
      cwd: ws.dir,
    });

    expect(code).toBe(2);
    expect(stderr).toContain('--repeat runs the probes here, in one process');
  });
});
