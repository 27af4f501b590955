/**
 * The README's shell commands, run as a newcomer would against the local playground: the quick start's
 * next step (`oauth-probe local` in one terminal, the run command in another) and every command of
 * "Run it against your own authorization server", with the playground standing in for "your own"
 * server. Two substitutions, both because the commands run outside the clone: `npx oauth-probe` becomes
 * `node <clone>/bin/oauth-probe.js` (npx finds the bin only in the clone's folder), and the example
 * probe name billing-api becomes the playground's local-basic.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, REPO, workspace } from '../tools/cli/helpers.js';

/** The ```sh blocks of the README section that starts at `heading` (up to the next heading of any level). */
function shellBlocks(readme: string, heading: string): string[][] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README lost the section ${heading}`);
  const rest = readme.slice(start + heading.length);
  const section = rest.slice(0, rest.search(/\n#{2,3} /) >= 0 ? rest.search(/\n#{2,3} /) : undefined);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    (m[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+# .*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

function asRunHere(command: string): string {
  return command.replaceAll('npx oauth-probe', `node ${BIN}`).replaceAll('billing-api', 'local-basic');
}

function shell(command: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let playground: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (playground && playground.exitCode === null) playground.kill('SIGKILL');
});

describe('README commands against the local playground', () => {
  it('quick start next step, then "Run it against your own authorization server", line by line', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const ws = await workspace();

    // Quick start, next step: terminal 1 starts the playground, terminal 2 runs the probes.
    const [quickStart] = shellBlocks(readme, '**Next step: your own probe against a local playground.**');
    expect(quickStart).toHaveLength(2);
    const [terminal1, terminal2] = quickStart as [string, string];
    expect(terminal1).toMatch(/^npx oauth-probe local /);
    playground = spawn('sh', ['-c', `exec ${asRunHere(terminal1)}`], { cwd: ws.dir, stdio: 'pipe' });
    let output = '';
    playground.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    while (!output.includes('Press Ctrl-C')) {
      if (playground.exitCode !== null) throw new Error(`local exited ${playground.exitCode}: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const run = await shell(asRunHere(terminal2), ws.dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/3 probes: 3 passed/);
    expect(run.code).toBe(0);

    // "Your own" authorization server: the playground's, with the files where the README expects them.
    await copyFile(join(ws.dir, 'playground/probes.json'), join(ws.dir, 'probes.json'));
    await copyFile(join(ws.dir, 'playground/local-secrets.json'), join(ws.dir, 'local-secrets.json'));
    const ownServer = shellBlocks(readme, '## Run it against your own authorization server').flat();
    expect(ownServer.length).toBeGreaterThanOrEqual(3);
    for (const command of ownServer) {
      const outcome = await shell(asRunHere(command), ws.dir);
      expect(outcome.code, `${command}\n${outcome.stderr}`).toBe(0);
    }

    playground.kill('SIGINT');
    expect(await new Promise((r) => playground?.on('close', r))).toBe(0);
  });
});
