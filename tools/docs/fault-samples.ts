/**
 * The `local --fault` sample of docs/cli.md, from real runs: for every playground fault, the servers
 * `oauth-probe local` starts (one environment per fault, all at once), the fault injected as `local`
 * injects it, the files `local` writes, and `oauth-probe run --json --probe local-basic` against them,
 * called in process. Each diagnosis must be the one the fault catalogue promises
 * (tools/local-servers/fault-catalogue.ts, which `local` prints as "expect:"), or generation fails.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeResult } from '../../functions/engine/index.js';
import { palette } from '../cli/colour.js';
import { writePlayground } from '../cli/commands/local.js';
import { formatResultLine } from '../cli/format.js';
import type { Io } from '../cli/io.js';
import { main } from '../cli/main.js';
import {
  type FaultDescription,
  PLAYGROUND_FAULTS,
  type PlaygroundFaultName,
} from '../local-servers/fault-catalogue.js';
import { injectPlaygroundFaults, startLocalEnvironment } from '../local-servers/index.js';
import { normaliseResult, normaliseText, SAMPLE_PORTS } from './normalise.js';

/** The playground probes' timeoutMs in these runs: a hang is diagnosed in 2 s rather than 10. */
export const FAULT_SAMPLE_TIMEOUT_MS = 2000;
export const FAULT_SAMPLE_PROBE = 'local-basic';

export const FAULT_LOCAL_COMMAND = 'npx oauth-probe local --dir playground --force --fault FAULT';
export const FAULT_RUN_COMMAND = `npx oauth-probe run -c playground/probes.json -s playground/local-secrets.json --probe ${FAULT_SAMPLE_PROBE}`;

export interface FaultRun {
  fault: FaultDescription;
  /** The normalised result of the playground probe while the fault was in place. */
  result: ProbeResult;
}

/** Differences between a result and the fault's promised diagnosis, in words; empty when it matches. */
export function diagnosisDifferences(run: FaultRun): string[] {
  const { status, stage, code, step } = run.fault.diagnosis;
  const expected: Record<string, unknown> = { status, stage, code, step: step ?? null };
  return Object.entries(expected)
    .filter(([field, value]) => run.result[field as keyof ProbeResult] !== value)
    .map(([field, value]) => `${field} ${String(run.result[field as keyof ProbeResult])}, expected ${String(value)}`);
}

/** Runs the playground probe under every fault (in parallel, one environment each). */
export async function runEveryFault(): Promise<FaultRun[]> {
  return Promise.all(PLAYGROUND_FAULTS.map((fault) => runUnderFault(fault)));
}

async function runUnderFault(fault: FaultDescription & { name: PlaygroundFaultName }): Promise<FaultRun> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-probe-fault-'));
  const https = fault.https === true;
  const env = await startLocalEnvironment({ https });
  try {
    await injectPlaygroundFaults(env, [fault.name]);
    const files = await writePlayground(env, dir, https, true);
    const config = JSON.parse(await readFile(files.config, 'utf8')) as { probes: { timeoutMs?: number }[] };
    for (const probe of config.probes) probe.timeoutMs = FAULT_SAMPLE_TIMEOUT_MS;
    await writeFile(files.config, JSON.stringify(config, null, 2));
    let stdout = '';
    const io: Io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: { NO_COLOR: '1' },
      cwd: dir,
    };
    await main(['run', '-c', files.config, '-s', files.secrets, '--probe', FAULT_SAMPLE_PROBE, '--json'], io);
    const [result] = JSON.parse(stdout) as ProbeResult[];
    if (!result) throw new Error(`--fault ${fault.name}: the run printed no result`);
    const ports = new Map([
      [Number(new URL(env.authServer.issuer).port), SAMPLE_PORTS[0]],
      [Number(new URL(env.resourceServer.url).port), SAMPLE_PORTS[1]],
    ]);
    const normalised = normaliseResult(result);
    const text = (value: string | null) => (value === null ? null : normaliseText(value, { ports }));
    return { fault, result: { ...normalised, message: text(normalised.message), hint: text(normalised.hint) } };
  } finally {
    await env.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The sample: the two commands, then per fault what it does, the verdict line and the hint. */
export async function faultSamples(): Promise<{ name: string; lang: string; text: string; commands: string[] }[]> {
  const runs = await runEveryFault();
  const wrong = runs.filter((run) => diagnosisDifferences(run).length > 0);
  if (wrong.length > 0) {
    throw new Error(
      `a fault is not diagnosed as its catalogue says:\n${wrong.map((run) => `  --fault ${run.fault.name}: ${diagnosisDifferences(run).join('; ')}`).join('\n')}`,
    );
  }
  const plain = palette(false);
  const width = Math.max(...runs.map((run) => run.fault.name.length)) + '--fault '.length;
  const blocks = runs.map(({ fault, result }) =>
    [
      `${`--fault ${fault.name}`.padEnd(width)}  ${fault.effect}`,
      formatResultLine(result, { palette: plain, nameWidth: FAULT_SAMPLE_PROBE.length }),
      `    hint       ${result.hint ?? ''}`,
    ].join('\n'),
  );
  const text = [`$ ${FAULT_LOCAL_COMMAND}`, `$ ${FAULT_RUN_COMMAND}`, '', blocks.join('\n\n'), ''].join('\n');
  return [{ name: 'local-faults', lang: '', text, commands: [FAULT_LOCAL_COMMAND, FAULT_RUN_COMMAND] }];
}
