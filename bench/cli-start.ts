/**
 * Figure 7, CLI start (issue 12): wall time of `oauth-probe --version` and of a one-probe loopback
 * `run --json` (token request, HTTP, no hold), each a fresh process through `node bin/oauth-probe.js`,
 * against `node -e 0` measured in the same rounds (interleaved, so all three share the machine's noise).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FigureGroup } from './figure.js';
import { SECRET_ID } from './probes.js';
import type { HoldServers } from './servers.js';
import { median, round } from './stats.js';
import { workPath } from './work-dir.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../bin/oauth-probe.js', import.meta.url));
const VERSION_MAX = 2.5;
const RUN_MAX = 4;

export async function measureCliStart(servers: HoldServers, rounds: number): Promise<FigureGroup> {
  const secretsFile = workPath('cli-start', 'secrets.json');
  const configFile = workPath('cli-start', 'probes.json');
  await mkdir(workPath('cli-start'), { recursive: true });
  await writeFile(
    secretsFile,
    JSON.stringify({ [SECRET_ID]: { client_id: 'bench-client', client_secret: 'bench-client-secret' } }),
  );
  const timed = async (args: string[]) => {
    const started = performance.now();
    await run(process.execPath, args);
    return performance.now() - started;
  };
  const node: number[] = [];
  const version: number[] = [];
  const probe: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const name = `cli-${i}`;
    await writeFile(
      configFile,
      JSON.stringify({
        probes: [{ name, tokenUrl: servers.url('http', 0, 'token', name), credentials: { secretId: SECRET_ID } }],
      }),
    );
    node.push(await timed(['-e', '0']));
    version.push(await timed([CLI, '--version']));
    probe.push(await timed([CLI, 'run', '--json', '--config', configFile, '--secrets', secretsFile]));
  }
  await servers.drain();
  const base = median(node);
  const versionRatio = median(version) / base;
  const runRatio = median(probe) / base;
  return {
    id: 7,
    title: 'CLI start',
    figures: [
      {
        key: 'cli.nodeE0.median',
        label: '`node -e 0` wall time, median',
        target: 'report',
        measured: round(base, 1),
        unit: 'ms',
        pass: null,
      },
      {
        key: 'cli.version.ratio',
        label: '`oauth-probe --version` wall ÷ `node -e 0`, median',
        target: `≤ ${VERSION_MAX}×`,
        measured: round(versionRatio),
        unit: '×',
        pass: versionRatio <= VERSION_MAX,
      },
      {
        key: 'cli.runJson.ratio',
        label: 'one-probe loopback `run --json` wall ÷ `node -e 0`, median',
        target: `≤ ${RUN_MAX}×`,
        measured: round(runRatio),
        unit: '×',
        pass: runRatio <= RUN_MAX,
      },
    ],
    details: {
      rounds,
      medianMs: { nodeE0: round(base, 1), version: round(median(version), 1), runJson: round(median(probe), 1) },
    },
  };
}
