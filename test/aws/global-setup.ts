/**
 * The local AWS tier's global setup: checks both Python tools before any test (a missing one fails the
 * run with the install line, never a skip), starts one moto_server for the run and hands its URL to the
 * test files (`inject('motoUrl')`), and stops it at the end, also when the run is interrupted.
 */
import type { TestProject } from 'vitest/node';
import { requireTool } from '../../scripts/python-tools.js';
import { startMotoServer } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireTool('cfn-lint');
  const moto = await startMotoServer();
  // A run stopped with Ctrl-C or killed by a timeout still ends the server it started.
  const onExit = () => {
    try {
      process.kill(-moto.pid, 'SIGTERM');
    } catch {}
  };
  process.once('exit', onExit);
  project.provide('motoUrl', moto.url);
  return async () => {
    process.off('exit', onExit);
    await moto.stop();
  };
}
