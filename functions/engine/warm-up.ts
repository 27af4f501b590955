/**
 * Work a fresh process does once, done before its first timed exchange instead of inside it.
 *
 * Measured in `npm run bench` (figure 1, fresh process): without this, the first exchange of a process
 * reported some 10 ms of our own work as the server's time to first byte. undici compiles its
 * WebAssembly HTTP parser when its first connection is ready, between the handshake and the request being
 * written; V8 compiles undici's and our request path on first use; and the first TLS context parses the
 * root store. One loopback exchange (127.0.0.1, an in-process server, no byte leaves the machine) runs
 * that whole path once, and the default TLS context is built here too.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchange, secureContextFor } from './http.js';
import { systemClock } from './types.js';

let prepared: Promise<void> | undefined;

/**
 * Warms the HTTP path once per process; later calls return the same promise. Never rejects: a process
 * that cannot listen on loopback still probes, it only pays the first-use cost in its first exchange.
 */
export function prepareTransport(): Promise<void> {
  prepared ??= warmUp().catch(() => {});
  return prepared;
}

async function warmUp(): Promise<void> {
  secureContextFor(undefined);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"warm":true}'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    const { port } = server.address() as AddressInfo;
    await exchange(
      {
        name: 'warm-up',
        method: 'POST',
        url: `http://127.0.0.1:${port}/warm-up`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        timeoutMs: 2000,
      },
      systemClock,
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
