/**
 * `oauth-probe local`: the playground. Starts the local authorization server and protected API (the
 * demo's) on 127.0.0.1, optionally on chosen ports and with faults to rehearse (`--fault`), writes a
 * probes.json and a secrets file that work against them, prints the exact `oauth-probe run` command,
 * and stays up until Ctrl-C or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientAuthMethod } from '../../../functions/config/schema.js';
import { errorCode } from '../../../functions/guards.js';
import {
  describeFault,
  type FaultDescription,
  PLAYGROUND_FAULT_NAMES,
  PLAYGROUND_FAULTS,
} from '../../local-servers/fault-catalogue.js';
import type { LocalEnvironment } from '../../local-servers/index.js';
import { parseCommandArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { basePort, onPorts } from '../ports.js';
import { formatJson } from './schema.js';

const options = {
  dir: { type: 'string', short: 'd' },
  https: { type: 'boolean' },
  force: { type: 'boolean', short: 'f' },
  port: { type: 'string' },
  fault: { type: 'string', multiple: true, choices: PLAYGROUND_FAULT_NAMES },
  ...HELP_OPTION,
} as const;

export const CONFIG_FILE = 'probes.json';
export const SECRETS_FILE = 'local-secrets.json';

export const localCommand: Command = {
  name: 'local',
  summary: 'Start a local authorization server and API to probe, with a ready probes.json (until Ctrl-C)',
  options,
  help: `Usage: oauth-probe local [--dir DIR] [--https] [--force] [--port N] [--fault NAME]...

Starts a real authorization server (oidc-provider) and a protected API on 127.0.0.1, the ones the
demo uses, and writes into DIR a ${CONFIG_FILE} with one probe per client authentication method
and a ${SECRETS_FILE} with those clients' credentials. Prints the exact 'oauth-probe run' command
to use from another terminal, then stays up until Ctrl-C. Edit the written ${CONFIG_FILE} to try
your own steps, assertions and thresholds; with --fault, rehearse a failure and its diagnosis.

Options:
  -d, --dir DIR       where to write the files (created if missing; default: a new folder under
                      the OS temp folder)
      --https         serve both over HTTPS from a test CA (the probes trust it via tls.ca) and add
                      a tls_client_auth (mTLS) client
  -f, --force         overwrite ${CONFIG_FILE} and ${SECRETS_FILE} if DIR already has them
      --port N        the authorization server on port N, the API on N+1 (default: free ports)
      --fault NAME    make the servers misbehave (repeat, or a comma list), one of:
${PLAYGROUND_FAULTS.map((f) => `                        ${f.name.padEnd(20)} ${f.effect}`).join('\n')}
                      (each diagnosis: docs/cli.md, "local --fault")
  -h, --help          show this help

Examples:
  npx oauth-probe local
  npx oauth-probe local --dir playground --https
  npx oauth-probe local --dir playground --port 8443 --fault token-429

Exit codes: 0 stopped with Ctrl-C or SIGTERM, 2 bad usage, a port in use, or the files cannot be written.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('local', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const names = [...new Set(values.fault ?? [])];
    const faults = names.map(describeFault);
    // A fault that needs HTTPS (the expired certificate) turns it on.
    const https = values.https === true || faults.some((fault) => fault.https === true);
    const port = basePort(values.port);
    const dir = await playgroundDir(values.dir, io.cwd);
    if (values.force !== true) await refuseExisting(dir);
    const { injectPlaygroundFaults, startLocalEnvironment } = await import('../../local-servers/index.js');
    const env = await onPorts(port, () => startLocalEnvironment({ https, ...(port !== undefined ? { port } : {}) }));
    try {
      await injectPlaygroundFaults(env, names);
      const files = await writePlayground(env, dir, https, values.force === true);
      io.stdout.write(describePlayground(env, files, cliInvocation(io.cwd), faults));
      await untilInterrupted();
      io.stdout.write('stopping the local servers\n');
    } finally {
      await env.close();
    }
    return EXIT.ok;
  },
};

async function playgroundDir(dir: string | undefined, cwd: string): Promise<string> {
  try {
    if (dir === undefined) return await mkdtemp(join(tmpdir(), 'oauth-probe-local-'));
    const path = resolve(cwd, dir);
    await mkdir(path, { recursive: true });
    return path;
  } catch (error) {
    throw new UsageError(`cannot create --dir ${dir ?? tmpdir()} (${errorCode(error) ?? 'unknown error'})`);
  }
}

/** Checked before the servers start, so a refusal is quick; writeNew's 'wx' still guards a race. */
async function refuseExisting(dir: string): Promise<void> {
  for (const name of [CONFIG_FILE, SECRETS_FILE]) {
    const path = join(dir, name);
    if (existsSync(path)) throw new UsageError(`${path} already exists: pick another --dir, or pass --force`);
  }
}

export interface PlaygroundFiles {
  config: string;
  secrets: string;
  probes: string[];
}

/** Writes the playground's probes.json and secrets file (exported for the docs samples). */
export async function writePlayground(
  env: LocalEnvironment,
  dir: string,
  https: boolean,
  force: boolean,
): Promise<PlaygroundFiles> {
  const methods: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
  if (https) methods.push('tls_client_auth');
  const probes = methods.map((method) => env.probe(method, { description: `${method} against the local API` }));
  const config = join(dir, CONFIG_FILE);
  const secrets = join(dir, SECRETS_FILE);
  // A playground notifies no one, and says so: its probes point at 127.0.0.1 (a rehearsal of a deployment).
  await writeNew(config, `${formatJson({ notifications: { dashboardsOnly: true }, probes })}\n`, force);
  // The credentials are only good for this run's servers, but a secrets file is still private.
  await writeNew(secrets, `${JSON.stringify(env.secrets, null, 2)}\n`, force, 0o600);
  return { config, secrets, probes: probes.map((p) => p.name) };
}

async function writeNew(path: string, text: string, force: boolean, mode = 0o644): Promise<void> {
  try {
    await writeFile(path, text, { flag: force ? 'w' : 'wx', mode });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') throw new UsageError(`${path} already exists: pick another --dir, or pass --force`);
    throw new UsageError(`cannot write ${path} (${code ?? 'unknown error'})`);
  }
}

/** What `local` prints once the servers are up (exported for the docs samples). */
export function describePlayground(
  env: LocalEnvironment,
  files: PlaygroundFiles,
  cli: string,
  faults: readonly FaultDescription[] = [],
): string {
  const injected =
    faults.length === 0 ? 'no failures injected' : `fault${faults.length > 1 ? 's' : ''} injected (--fault)`;
  const faultLines = faults.flatMap((fault, index) => [
    `  ${index === 0 ? 'fault' : '     '}                 ${fault.name}: ${fault.effect}`,
    `                        expect: ${diagnosisText(fault)}`,
  ]);
  return `oauth-probe local: authorization server and protected API on 127.0.0.1, ${injected}

  authorization server  ${env.authServer.issuer}
  protected API         ${env.resourceServer.url}
  probes                ${files.probes.join(', ')}
${faultLines.map((line) => `${line}\n`).join('')}  wrote                 ${files.config}
                        ${files.secrets} (this run's client credentials)

In another terminal:
  ${runCommandLine(cli, files)}

Press Ctrl-C to stop the servers.
`;
}

/** `fail at token, rate_limited` (`fail at api (step list-invoices), invalid_token`) */
export function diagnosisText(fault: FaultDescription): string {
  const { status, stage, code, step } = fault.diagnosis;
  return `${status} at ${stage}${step ? ` (step ${step})` : ''}, ${code}`;
}

/** The command a user copies from the output. */
function runCommandLine(cli: string, files: { config: string; secrets: string }): string {
  return `${cli} run --config ${shellQuote(files.config)} --secrets ${shellQuote(files.secrets)}`;
}

/**
 * `npx oauth-probe` resolves this package's bin only from the package's own folder; anywhere else
 * the printed command names the entry file, so it runs as printed from any terminal.
 */
function cliInvocation(cwd: string): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  if (resolve(cwd) === resolve(root)) return 'npx oauth-probe';
  return `node ${shellQuote(join(root, 'bin', 'oauth-probe.js'))}`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** Resolves on the first SIGINT or SIGTERM; the servers keep the process alive until then. */
function untilInterrupted(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
