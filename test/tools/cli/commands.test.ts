import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSI, REPO, runCli, type Workspace, workspace } from './helpers.js';

const COMMANDS = ['run', 'validate', 'schema', 'cost', 'slo-report', 'demo', 'init', 'preflight'];

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
});

describe('oauth-probe (global)', () => {
  it('prints the help with every command and examples on --help, exit 0', async () => {
    const { code, stdout, stderr } = await runCli(['--help']);

    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command}\\s+\\S`, 'm'));
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('Exit codes:');
    expect(stderr).toBe('');
  });

  it('prints the help on stderr and exits 2 without a command', async () => {
    const { code, stdout, stderr } = await runCli([]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: oauth-probe <command> [options]');
  });

  it('prints the version', async () => {
    const { code, stdout } = await runCli(['--version']);

    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
  });

  it('answers an unknown command in one line, exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['deploy']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "oauth-probe: unknown command 'deploy' (commands: run, validate, schema, cost, slo-report, demo, local, init, preflight, alert-test, notify-preview, mute, unmute); see 'oauth-probe --help'\n",
    );
  });

  it.each(COMMANDS)('answers an unknown flag of %s in one line, exit 2', async (command) => {
    const { code, stdout, stderr } = await runCli([command, '--frobnicate']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(
        `^oauth-probe: unknown option --frobnicate for '${command}' \\(known: .*\\); see 'oauth-probe ${command} --help'\\n$`,
      ),
    );
  });

  it('answers a flag without its value in one line, exit 2', async () => {
    const { code, stderr } = await runCli(['validate', '--config']);

    expect(code).toBe(2);
    expect(stderr).toBe("oauth-probe: option --config needs a value; see 'oauth-probe validate --help'\n");
  });

  it.each(COMMANDS)('prints usage, options and examples for %s --help, exit 0', async (command) => {
    const { code, stdout } = await runCli([command, '--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: oauth-probe ${command}`));
    expect(stdout).toContain('Options:');
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('-h, --help');
  });
});

describe('oauth-probe validate', () => {
  it('summarises a valid config: probes, regions, schedules', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '--config', 'probes.json']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ probes.json is valid: 2 probes, 3 probe-regions$/m);
    expect(stdout).toContain('eu-west-1 (home), us-east-1');
    expect(stdout).toMatch(/billing-api\s+rate\(1 minute\)\s+43,200 runs\/month\s+eu-west-1, us-east-1/);
    expect(stdout).toMatch(/partner-sync\s+rate\(5 minutes\)\s+8,640 runs\/month\s+eu-west-1/);
    expect(stdout).not.toMatch(ANSI);
    // Every stack, in full, with its nested stacks; the global alarm only where one exists.
    expect(stdout).toMatch(/^ {2}stacks {6}OAuthProbe-eu-west-1 \(2 nested: Shard\d\d, Shard\d\d\)$/m);
    expect(stdout).toMatch(/^ {14}OAuthProbe-us-east-1 \(1 nested: Shard\d\d\)$/m);
    expect(stdout).toContain('global alarm: 1 of 2 probes, firing when 2 or more regions fail at once');
    // Who hears of what: alarm kind → severity → targets, per probe.
    expect(stdout).toMatch(/billing-api\s+Global\s+critical\s+oncall, platform-slack, platform-email\s+eu-west-1/);
    expect(stdout).toMatch(/partner-sync\s+Availability\s+critical\s+oncall, partner-teams\s+eu-west-1/);
    expect(stdout).toMatch(
      /\(deployment\)\s+Notifier errors\s+critical\s+platform-email \(topic\)\s+eu-west-1, us-east-1/,
    );
    // The probe function's reservation is opt-in; its Throttles warning is there all the same. No watchdog.
    expect(stdout).toMatch(/^ {2}concurrency not reserved \(reservedConcurrency\); a Throttles alarm in every region/m);
    expect(stdout).toMatch(
      /\(deployment\)\s+Probe throttles\s+warning\s+platform-email \(topic\)\s+eu-west-1, us-east-1/,
    );
    expect(stdout).toMatch(/^ {2}watchdog {4}none \(notifications\.heartbeat/m);
    // billing-api has a runbookUrl; partner-sync can page without one: a warning, still exit 0. billing-api
    // asks what looks like an Auth0 custom domain for 86,400 tokens a month: a warning naming token.reuse.
    expect(stdout).toMatch(
      /auth\.example\.com\s+86,400 token requests, 86,400 discovery\/JWKS\/introspection\s+billing-api/,
    );
    const warnings = stderr.trimEnd().split('\n');
    expect(warnings).toEqual([
      '! warning: probes[1].runbookUrl: "partner-sync" can page (availability, burnFast, burnSlow) but has no runbookUrl: its pages will carry only the first checks of docs/runbooks/; set "runbookUrl" to your team\'s runbook',
      expect.stringMatching(
        /^! warning: probes\[0\]\.token\.reuse: "billing-api" will request about 86,400 tokens a month from auth\.example\.com.*"maxAgeSec": 21600.*about 960 a month\.$/,
      ),
    ]);
  });

  it('says where the watchdog runs and what each region reserves, and warns of a reservation the default quota refuses', async () => {
    await ws.write('watched.json', {
      regions: ['eu-west-1', 'us-east-1'],
      reservedConcurrency: 950,
      notifications: {
        warning: { emails: ['ops@example.com'] },
        heartbeat: { urlSecretId: 'oauth-probe/heartbeat', schedule: 'rate(10 minutes)' },
      },
      probes: [
        { name: 'orders', tokenUrl: 'https://auth.example.com/token', credentials: { secretId: 'o' }, page: 'never' },
      ],
    });

    const { code, stdout, stderr } = await runCli(['validate', '--config', 'watched.json'], { cwd: ws.dir });

    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}concurrency reserved for the probe function: eu-west-1 950, us-east-1 950;/m);
    expect(stdout).toMatch(
      /^ {2}watchdog {4}every 10 min from eu-west-1: pings the heartbeat URL \(secret oauth-probe\/heartbeat\) while the notifiers and the probe alarms of 2 regions are healthy$/m,
    );
    expect(stderr).toContain('! warning: reservedConcurrency: reserves 950 concurrent executions');
  });

  it('lists every problem with its path and the fix, exit 2, no stack trace', async () => {
    // Arrange: three problems in one file.
    await ws.write('bad.json', {
      probes: [
        {
          name: 'billing api',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'x' },
          clientAuth: 'client_secret_jwt',
          schedule: 'rate(1 minutes)',
        },
      ],
    });

    // Act
    const { code, stdout, stderr } = await runCli(['validate', '--config', 'bad.json'], { cwd: ws.dir });

    // Assert
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('oauth-probe: bad.json is not valid (2 problems):');
    expect(stderr).toContain(
      '  probes[0].clientAuth: expected one of client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth',
    );
    expect(stderr).toMatch(/ {2}probes\[0\]\.name: use 1-64 letters, digits/);
    expect(lines.at(-1)).toMatch(/^Fix each field above/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('reports deployment rules (schedule syntax) with the fix once the schema passes', async () => {
    await ws.write('schedule.json', {
      probes: [
        {
          name: 'billing-api',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'x' },
          schedule: 'rate(1 minutes)',
        },
      ],
    });

    const { code, stderr } = await runCli(['validate', '-c', 'schedule.json'], { cwd: ws.dir });

    expect(code).toBe(2);
    expect(stderr).toContain('  probes[0].schedule: write "rate(1 minute)" (singular unit for 1)');
  });

  it('reports a tls.ca file that does not exist, relative to the config', async () => {
    await ws.write('ca.json', {
      probes: [
        {
          name: 'p',
          tokenUrl: 'https://auth.example.com/token',
          credentials: { secretId: 'x' },
          tls: { ca: 'nope.pem' },
        },
      ],
    });

    const { code, stderr } = await runCli(['validate', '--config', join(ws.dir, 'ca.json')]);

    expect(code).toBe(2);
    expect(stderr).toContain(`  probes[0].tls.ca: file not found: ${join(ws.dir, 'nope.pem')}`);
  });

  it('answers a missing config file in one line, exit 2', async () => {
    const { code, stderr } = await runCli(['validate', '--config', 'missing.json'], { cwd: ws.dir });

    expect(code).toBe(2);
    expect(stderr).toBe('oauth-probe: missing.json: file not found: check the path, or pass --config FILE\n');
  });

  it('names the line of a JSON syntax error', async () => {
    await ws.write('syntax.json', '{ "probes": [ }');

    const { code, stderr } = await runCli(['validate', '--config', 'syntax.json'], { cwd: ws.dir });

    expect(code).toBe(2);
    expect(stderr).toMatch(/^oauth-probe: syntax.json: not valid JSON: /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('oauth-probe run (config errors)', () => {
  it('exits 2 for a bad config before reading any secret, naming the field and the fix', async () => {
    await ws.write('bad-run.json', {
      probes: [{ name: 'p', tokenUrl: 'ftp://auth.example.com/token', credentials: { secretId: 'x' } }],
    });

    const { code, stdout, stderr } = await runCli(['run', '--config', 'bad-run.json', '--secrets', 'nope.json'], {
      cwd: ws.dir,
    });

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('  probes[0].tokenUrl: tokenUrl must be an absolute http(s) URL');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 in one line for a missing config file', async () => {
    const { code, stderr } = await runCli(['run', '--secrets', 'x.json'], { cwd: ws.dir });

    expect(code).toBe(2);
    expect(stderr).toBe('oauth-probe: probes.json: file not found: check the path, or pass --config FILE\n');
  });
});

describe('oauth-probe cost', () => {
  it('prints the estimate as one JSON object with --json', async () => {
    const { code, stdout } = await runCli(['cost', '--json']);

    expect(code).toBe(0);
    const estimate = JSON.parse(stdout);
    expect(estimate.probes.map((p: { probe: string }) => p.probe)).toEqual(['billing-api', 'partner-sync']);
    expect(estimate.total.monthlyUsd).toBeGreaterThan(0);
    expect(estimate.total.canaryMonthlyUsd).toBeCloseTo((43_200 * 2 + 8640) * 0.0012, 6);
    expect(estimate.prices.every((p: { asOf: string }) => typeof p.asOf === 'string')).toBe(true);
    expect(estimate.assumptions.length).toBeGreaterThan(5);
  });

  it('prints the table per probe and region next to canaries, with the prices and their dates (--detail)', async () => {
    const { code, stdout } = await runCli(['cost', '--detail']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/billing-api\s+eu-west-1 \(home\)\s+rate\(1 minute\)\s+43,200\s+\$\d+\.\d\d\s+\$51\.84/);
    expect(stdout).toMatch(/^total\s+\$\d+\.\d\d\s+\$114\.05$/m);
    expect(stdout).toMatch(/CloudWatch Synthetics canary run .*\$0\.0012 per canary run\s+as of 2024/);
    expect(stdout).toContain('check them against the live AWS pricing pages');
  });
});
