/**
 * Every shell command in docs/cli.md is accounted for: it is shown in a generated sample (the sample
 * generator ran it, test/docs/samples.test.ts keeps the sample current), it is marked as needing AWS
 * (`sh needs-aws` blocks, `# needs AWS credentials` comments), or it runs here, line by line, against a
 * local playground (the files `oauth-probe local` writes, its servers in process), with exit 0. As in
 * the README test, `npx oauth-probe` becomes `node <clone>/bin/oauth-probe.js` and the example probe
 * names become the playground's (billing-api → local-basic, partner-sync → local-jwt).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlayground } from '../../tools/cli/commands/local.js';
import { loadCommands } from '../../tools/cli/main.js';
import { type DocCommand, documentCommands, NEEDS_AWS_COMMENT } from '../../tools/docs/commands.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../tools/local-servers/index.js';
import { BIN, REPO, type Workspace, workspace } from '../tools/cli/helpers.js';

function asRunHere(command: string): string {
  return command
    .replaceAll('npx oauth-probe', `node ${BIN}`)
    .replaceAll('billing-api', 'local-basic')
    .replaceAll('partner-sync', 'local-jwt');
}

function shell(command: string, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const child = spawn('sh', ['-c', command], { cwd, stdio: 'pipe', env: { ...env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

let commands: DocCommand[];
let env: LocalEnvironment;
let ws: Workspace;

beforeAll(async () => {
  commands = documentCommands(await readFile(join(REPO, 'docs/cli.md'), 'utf8'));
  env = await startLocalEnvironment();
  ws = await workspace();
  await mkdir(join(ws.dir, 'playground'));
  const files = await writePlayground(env, join(ws.dir, 'playground'), false, true);
  await copyFile(files.config, join(ws.dir, 'probes.json'));
  await copyFile(files.secrets, join(ws.dir, 'local-secrets.json'));
});

afterAll(async () => {
  await env?.close();
});

describe('docs/cli.md commands', () => {
  it('are found: samples, commands to run and commands that need AWS', () => {
    expect(commands.filter((c) => c.sample).length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((c) => !c.sample && !c.needsAws).length).toBeGreaterThanOrEqual(3);
    expect(commands.filter((c) => c.needsAws).length).toBeGreaterThanOrEqual(3);
  });

  it('that need AWS say so, and only those call AWS', () => {
    for (const command of commands) {
      const callsAws =
        /AWS_PROFILE|--remote|\bpreflight\b|\balert-test\b|slo-report|\bcdk (deploy|bootstrap)|^aws /.test(
          command.command,
        );
      // Run with aws-sdk-client-mock by the sample generator.
      if (command.sample === 'mute' || command.sample === 'alert-test') continue;
      expect(command.needsAws, `line ${command.line}: ${command.command} (mark it "${NEEDS_AWS_COMMENT}")`).toBe(
        callsAws,
      );
    }
  });

  it("have a section that names every flag the command's parser accepts, as its --help does", async () => {
    const doc = await readFile(join(REPO, 'docs/cli.md'), 'utf8');
    const sections = doc.split(/\n(?=## )/);
    const missing: string[] = [];
    for (const command of await loadCommands()) {
      const section = sections.find((s) => new RegExp(`^## [^\n]*\\\`${command.name}\\\``).test(s));
      if (!section) {
        expect(command.name, `docs/cli.md has no section for ${command.name}`).toBe('slo-report');
        continue;
      }
      // --help is every command's (docs/cli.md says so once, at the top).
      const flags = Object.keys(command.options).filter((flag) => flag !== 'help');
      missing.push(
        ...flags.filter((flag) => !section.includes(`--${flag}`)).map((flag) => `${command.name} --${flag}`),
      );
    }
    expect(missing).toEqual([]);
  });

  it('run as written against the local playground, each with exit 0', async () => {
    for (const command of commands.filter((c) => !c.sample && !c.needsAws)) {
      const outcome = await shell(asRunHere(command.command), ws.dir);
      expect(outcome.code, `line ${command.line}: ${command.command}\n${outcome.out}`).toBe(0);
    }
  });
});
