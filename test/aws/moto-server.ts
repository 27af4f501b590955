/**
 * moto_server (moto 5.x) on a free loopback port, for the local AWS tier (`npm run test:aws`). Started in
 * its own process group so that stopping it ends it and anything it started, and nothing else; a
 * missing moto_server fails with the install line (test/aws/global-setup.ts checks before any test).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { requireTool } from '../../scripts/python-tools.js';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 (free unless someone takes it in the next instant). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port from the kernel');
  return address.port;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited ${child.exitCode} at start: ${output()}`);
    try {
      const response = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${url} within 60 s: ${output()}`);
}

export async function startMotoServer(): Promise<MotoServer> {
  requireTool('moto_server', ['--help']);
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = `${log}${chunk.toString('utf8')}`.slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid;
  if (pid === undefined) throw new Error('moto_server did not start');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    // Its own process group (detached): the signal reaches moto_server and only what it started.
    process.kill(-pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid, stop };
}

/** Forgets every resource moto holds (secrets, topics, queues, metrics, logs). */
export async function resetMoto(url: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
}
