/**
 * The AWS-like checks never skip themselves: without cfn-lint or moto_server, `npm run lint:cfn` and
 * `npm run test:aws` stop with the line that installs them. Runs with Node alone (the tools are made
 * missing by the PATH the test gives).
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MissingToolError, PYTHON_TOOLS_INSTALL, requireTool } from '../../scripts/python-tools.js';
import { startMotoServer } from '../aws/moto-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const path = process.env.PATH;

afterEach(() => {
  process.env.PATH = path;
});

describe('requireTool', () => {
  it('names a tool that is not on PATH and gives the install line', () => {
    expect(() => requireTool('oauth-probe-no-such-tool')).toThrow(MissingToolError);
    expect(() => requireTool('oauth-probe-no-such-tool')).toThrow(
      /oauth-probe-no-such-tool is needed here and is not usable \(not found on PATH\)[\s\S]*pip install cfn-lint "moto\[server\]"/,
    );
  });

  it('treats a tool that fails to run (a pyenv shim without the package exits 127) as missing', () => {
    expect(() => requireTool('sh', ['-c', 'echo "pyenv: cfn-lint: command not found" >&2; exit 127'])).toThrow(
      /sh -c .* exited 127: pyenv: cfn-lint: command not found/,
    );
  });

  it('returns the first line of the version of a tool that runs', () => {
    expect(requireTool(process.execPath, ['--version'])).toBe(process.version);
  });
});

describe('without the Python tools', () => {
  it('npm run lint:cfn exits 2 with the install line, before synthesizing anything', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lint-cfn/run.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: dirname(process.execPath), HOME: process.env.HOME },
      timeout: 120_000,
    });

    expect(run.stderr).toContain('cfn-lint is needed here and is not usable');
    expect(run.stderr).toContain(PYTHON_TOOLS_INSTALL);
    expect(run.stdout).not.toContain('synthesizing');
    expect(run.status).toBe(2);
  });

  it('the local AWS tier refuses to start without moto_server, with the install line', async () => {
    process.env.PATH = dirname(process.execPath);

    await expect(startMotoServer()).rejects.toThrow(/moto_server is needed here[\s\S]*pip install cfn-lint/);
  });
});
