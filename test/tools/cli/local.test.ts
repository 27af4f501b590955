/**
 * `oauth-probe local` as a user runs it: spawned, its printed `run` command executed as printed
 * (through a shell) against the servers it keeps up, then stopped with SIGINT.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, freePortPair, REPO, runCli, workspace } from './helpers.js';

interface Playground {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  exited: Promise<number | null>;
}

const started: Playground[] = [];

afterEach(() => {
  for (const p of started.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

function startLocal(args: string[], cwd: string): Playground {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  const child = spawn(process.execPath, [BIN, 'local', ...args], { cwd, env, stdio: 'pipe' });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((done) => child.on('close', done));
  const playground = { child, stdout: () => stdout, exited };
  started.push(playground);
  return playground;
}

/** Waits until the printed `run` command appears (the servers are up and the files written). */
async function printedRunCommand(p: Playground): Promise<string> {
  for (;;) {
    const line = /^ {2}(.* run --config .*)$/m.exec(p.stdout())?.[1];
    if (line) return line;
    if (p.child.exitCode !== null) throw new Error(`local exited ${p.child.exitCode}: ${p.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs a printed command through a shell. With npm's scripts off: `npx oauth-probe` in a clone it has
 * not seen installs the clone into npx's cache, and a build script run there (the clone's `prepare`, as
 * it once was) would rebuild dist/ (deleting the JavaScript first) under the feet of the other test
 * files that spawn the CLI meanwhile.
 */
function shell(command: string, cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env, npm_config_ignore_scripts: 'true' };
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout }));
  });
}

describe('oauth-probe local', () => {
  it('from the repository: prints an npx run command that passes against the live servers; SIGINT exits 0', async () => {
    const ws = await workspace();
    const dir = join(ws.dir, 'play');
    const local = startLocal(['--dir', dir], REPO);
    const command = await printedRunCommand(local);
    expect(command).toBe(
      `npx oauth-probe run --config ${join(dir, 'probes.json')} --secrets ${join(dir, 'local-secrets.json')}`,
    );
    const run = await shell(command, REPO);
    expect(run.stdout).toMatch(/^PASS\s+local-basic/m);
    expect(run.stdout).toMatch(/^PASS\s+local-post/m);
    expect(run.stdout).toMatch(/^PASS\s+local-jwt/m);
    expect(run.code).toBe(0);

    const secrets = JSON.parse(await readFile(join(dir, 'local-secrets.json'), 'utf8')) as Record<
      string,
      { client_secret?: string; private_key?: string }
    >;
    expect((await stat(join(dir, 'local-secrets.json'))).mode & 0o077).toBe(0);
    for (const secret of Object.values(secrets)) {
      for (const value of [secret.client_secret, secret.private_key]) {
        if (value) expect(local.stdout()).not.toContain(value);
      }
    }

    local.child.kill('SIGINT');
    expect(await local.exited).toBe(0);
    expect(local.stdout()).toContain('stopping the local servers');
  });

  it('elsewhere, over HTTPS: the printed command names the entry file and passes, mTLS included; SIGTERM exits 0', async () => {
    const ws = await workspace();
    const local = startLocal(['--https'], ws.dir);
    const command = await printedRunCommand(local);
    expect(command.startsWith(`node ${BIN} run --config `)).toBe(true);
    const run = await shell(command, ws.dir);
    expect(run.stdout).toMatch(/^PASS\s+local-mtls/m);
    expect(run.code).toBe(0);
    local.child.kill('SIGTERM');
    expect(await local.exited).toBe(0);
  });

  it('--port N --fault api-500: the servers on N and N+1, the diagnosis it announces is the one the run gets', async () => {
    const ws = await workspace();
    const port = await freePortPair();
    const local = startLocal(['--dir', join(ws.dir, 'play'), '--port', String(port), '--fault', 'api-500'], REPO);
    const command = await printedRunCommand(local);
    expect(local.stdout()).toContain(`  authorization server  http://127.0.0.1:${port}\n`);
    expect(local.stdout()).toContain(`  protected API         http://127.0.0.1:${port + 1}\n`);
    expect(local.stdout()).toContain('expect: fail at api (step list-invoices), server_error');

    const run = await shell(command, REPO);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^FAIL\s+local-basic\s+\d+(\.\d)? ms {2}api \(step list-invoices\) · server_error · HTTP 500$/m,
    );
    local.child.kill('SIGINT');
    expect(await local.exited).toBe(0);
  });

  it('a --port in use is one line naming it, exit 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const ws = await workspace();
      const outcome = await runCli(['local', '--dir', ws.dir, '--port', String(port)], { cwd: ws.dir });

      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toBe(
        `oauth-probe: port ${port} is in use: --port ${port} takes ${port} and ${port + 1}; pick another, or leave --port out for free ports\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('never overwrites existing files without --force', async () => {
    const ws = await workspace();
    await ws.write('probes.json', '{"probes": []}');
    const outcome = await runCli(['local', '--dir', ws.dir], { cwd: ws.dir });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('probes.json already exists: pick another --dir, or pass --force');
    expect(await readFile(join(ws.dir, 'probes.json'), 'utf8')).toBe('{"probes": []}');
  });
});
