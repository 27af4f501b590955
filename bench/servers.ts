/** The parent side of ./hold-server.ts: start it, build URLs that hold for a given time, collect held times. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { HoldServerCommand, HoldServerMessage } from './hold-server.js';
import { readBenchPki } from './pki.js';

/** `mtls`: HTTPS that requires the bench client certificate. */
export type Protocol = 'http' | 'https' | 'mtls';

export interface HoldServers {
  /** CA that signed the HTTPS server's certificate (inline PEM, for `tls.ca`). */
  readonly ca: string;
  /** A URL on the `protocol` server whose response is held `holdMs`; `tag` makes it unique. */
  url(protocol: Protocol, holdMs: number, kind: 'token' | 'api', tag: string): string;
  /** Server-side held time (ms) of every request answered since the last drain, by path. */
  drain(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export async function startHoldServers(): Promise<HoldServers> {
  const child = fork(fileURLToPath(new URL('./hold-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = async <T extends HoldServerMessage['type']>(type: T) => {
    const [message] = (await once(child, 'message')) as [HoldServerMessage];
    if (message.type !== type) throw new Error(`hold server: expected ${type}, got ${message.type}`);
    return message as Extract<HoldServerMessage, { type: T }>;
  };
  const command = (c: HoldServerCommand) => child.send(c);
  const [ready, pki] = await Promise.all([next('ready'), readBenchPki()]);
  const bases: Record<Protocol, string> = { http: ready.http, https: ready.https, mtls: ready.mtls };

  return {
    ca: pki.ca,
    url: (protocol, holdMs, kind, tag) => `${bases[protocol]}/hold/${Math.round(holdMs)}/${kind}/${tag}`,
    async drain() {
      const reply = next('held');
      command({ type: 'drain' });
      return new Map((await reply).entries);
    },
    async close() {
      const exited = once(child, 'exit');
      command({ type: 'close' });
      await exited;
    },
  };
}
