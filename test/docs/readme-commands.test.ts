/**
 * The README's shell commands, run as a newcomer would against the local playground: the quick start's
 * next step (`oauth-probe local` in one terminal, the run command in another), every command of
 * "Run it against your own authorization server", with the playground standing in for "your own"
 * server, and the quick start's way on to a deployment: the README's two-region edit of the
 * playground's probes.json, `validate`, and an offline `cdk synth` of both regions. Substitutions,
 * all because the commands run outside the clone: `npx oauth-probe` becomes
 * `node <clone>/bin/oauth-probe.js` (npx finds the bin only in the clone's folder), the example probe
 * name billing-api becomes the playground's local-basic, and `npx cdk synth` runs in the clone (where
 * cdk.json is) with the playground's absolute path and its output in the workspace.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, REPO, workspace } from '../tools/cli/helpers.js';

/** The fenced blocks with info string `lang` of the README section that starts at `heading` (up to the next heading of any level). */
function shellBlocks(readme: string, heading: string, lang = 'sh'): string[][] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README lost the section ${heading}`);
  const rest = readme.slice(start + heading.length);
  const section = rest.slice(0, rest.search(/\n#{2,3} /) >= 0 ? rest.search(/\n#{2,3} /) : undefined);
  return [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) =>
    (m[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+# .*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

function asRunHere(command: string): string {
  return command.replaceAll('npx oauth-probe', `node ${BIN}`).replaceAll('billing-api', 'local-basic');
}

function shell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: 'pipe', env });
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

    // On to a deployment: the README's edit of the playground's probes.json, then its two commands.
    const [edit] = shellBlocks(readme, '**Then a deployment of it, still offline.**', 'json');
    const keys = JSON.parse(`{${(edit ?? []).join('\n').replace(/,\s*$/, '')}}`) as { regions: string[] };
    expect(keys.regions).toHaveLength(2);
    const configPath = join(ws.dir, 'playground/probes.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as object;
    await writeFile(configPath, JSON.stringify({ ...keys, ...config }, null, 2));
    const [deploy] = shellBlocks(readme, '**Then a deployment of it, still offline.**');
    const [validate, synth] = deploy as [string, string];
    const validated = await shell(asRunHere(validate), ws.dir);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toContain('eu-west-1 (home), us-east-1');
    expect(synth).toMatch(/^npx cdk synth -c config=playground\/probes\.json/);
    const offline = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    // Without aws-cdk-lib's built-in CloudFormation validation (CDK_VALIDATION=false): it only warns, so
    // it cannot change this outcome, and its rule engine takes some 5 s of CPU to start; `npm run synth`
    // runs it on the example app in CI.
    const synthesized = await shell(
      `${synth.replace('config=playground/', `config=${ws.dir}/playground/`)} --output ${join(ws.dir, 'cdk.out')}`,
      REPO,
      { ...offline, AWS_EC2_METADATA_DISABLED: 'true', CDK_VALIDATION: 'false' },
    );
    expect(synthesized.code, synthesized.stderr).toBe(0);
    const templates = (await readdir(join(ws.dir, 'cdk.out'))).filter((name) => name.endsWith('.template.json'));
    expect(templates).toEqual(
      expect.arrayContaining(['OAuthProbe-eu-west-1.template.json', 'OAuthProbe-us-east-1.template.json']),
    );
  }, 240_000);

  it('accounts for every quick start command: the ones above, and npm ci, npm start and npm test, which CI runs', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const quickStart = shellBlocks(readme, '## Quick start').flat();
    const runAbove = [
      ...shellBlocks(readme, '**Next step: your own probe against a local playground.**').flat(),
      ...shellBlocks(readme, '**Then a deployment of it, still offline.**').flat(),
    ];
    const ciOwn = ['npm ci && npm start', 'npm test'];
    expect(quickStart.filter((command) => !runAbove.includes(command) && !ciOwn.includes(command))).toEqual([]);
    // CI runs npm ci and npm test on a fresh clone; npm test runs the demo (npm start's command) with --ci.
    const ci = await readFile(join(REPO, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
    const { scripts } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.start).toBe('node bin/oauth-probe.js demo');
    expect(scripts.test).toContain('npm run demo:ci');
    expect(scripts['demo:ci']).toBe(`${scripts.start} --ci`);
  });
});
