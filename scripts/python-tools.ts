/**
 * The two Python tools of the AWS-like checks, `cfn-lint` (npm run lint:cfn) and `moto_server`
 * (npm run test:aws). A missing tool fails loudly with the line that installs both: these checks never
 * skip themselves, since a check that silently did nothing would look like a pass.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON_TOOLS_INSTALL = 'pip install cfn-lint "moto[server]"';

export class MissingToolError extends Error {
  constructor(
    readonly tool: string,
    detail: string,
  ) {
    super(
      `${tool} is needed here and is not usable (${detail}). Install it with:\n\n    ${PYTHON_TOOLS_INSTALL}\n\n(cfn-lint 1.x for npm run lint:cfn, moto 5.x with its server for npm run test:aws)`,
    );
    this.name = 'MissingToolError';
  }
}

/**
 * Runs `<tool> <versionArgs>` and returns its first output line; throws MissingToolError when the tool
 * cannot be started or fails (a pyenv shim without the package exits 127).
 */
export function requireTool(tool: string, versionArgs: string[] = ['--version']): string {
  const run = spawnSync(tool, versionArgs, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new MissingToolError(tool, code === 'ENOENT' ? 'not found on PATH' : `${code ?? run.error.message}`);
  }
  if (run.status !== 0) {
    const said = `${run.stderr ?? ''}${run.stdout ?? ''}`.trim().split('\n')[0] ?? '';
    throw new MissingToolError(
      tool,
      `\`${tool} ${versionArgs.join(' ')}\` exited ${run.status}${said ? `: ${said}` : ''}`,
    );
  }
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0] ?? '';
}
