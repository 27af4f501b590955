/** Spawning the CLI as a user does (`node bin/oauth-probe.js ...`) and a local environment to probe. */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LocalEnvironment } from '../../../tools/local-servers/index.js';

export const REPO = resolve(import.meta.dirname, '../../..');
export const BIN = join(REPO, 'bin/oauth-probe.js');

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with stdout and stderr as pipes (not a TTY), without colour variables or AWS credentials
 * from the caller's environment unless `env` adds them.
 */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliOutcome> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === 'FORCE_COLOR' || name === 'NO_COLOR' || name.startsWith('AWS_')) continue;
    env[name] = value;
  }
  Object.assign(env, options.env);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env, stdio: 'pipe' });
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

export interface Workspace {
  dir: string;
  /** Writes a file into the workspace and returns its path. */
  write(name: string, content: unknown): Promise<string>;
}

export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-probe-cli-'));
  return {
    dir,
    async write(name, content) {
      const path = join(dir, name);
      await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}

/**
 * A probes.json for the local environment: `good` (client_secret_basic), `keyed` (private_key_jwt) and
 * `bad` (client_secret_post, whose secret in the file is wrong), the CA as a file next to it.
 */
export function localConfig(env: LocalEnvironment) {
  const withCa = <T extends object>(probe: T) => ({ ...probe, tls: { ca: 'ca.pem' } });
  return {
    $schema: './probes.schema.json',
    probes: [
      withCa(env.probe('client_secret_basic', { name: 'good' })),
      withCa(env.probe('private_key_jwt', { name: 'keyed' })),
      withCa(env.probe('client_secret_post', { name: 'bad' })),
    ],
  };
}

/** The wrong secret the `bad` probe sends (it must never be printed either). */
export const WRONG_SECRET = 'wrong-secret-Zq8vX2mN5tB1';

export function localSecrets(env: LocalEnvironment) {
  return {
    ...env.secrets,
    'local/post': { ...env.secrets['local/post'], client_secret: WRONG_SECRET },
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
export const ANSI = /\x1b\[/;

/** A port whose next one is free too (both bound, then released). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const port = (first.address() as AddressInfo).port;
    const second = createServer();
    const free = await new Promise<boolean>((resolve) => {
      second.once('error', () => resolve(false));
      second.listen(port + 1, '127.0.0.1', () => resolve(true));
    });
    await new Promise((resolve) => first.close(resolve));
    if (free) await new Promise((resolve) => second.close(resolve));
    if (free && port < 65_534) return port;
  }
}
