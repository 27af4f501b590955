/**
 * The floor of figure 1, fresh process: one token request with bare `node:http`/`node:https` (no
 * engine, no undici, `agent: false`) in a new process, timed the way the engine times its exchange:
 * connect + TLS from the moment the socket is asked for to `connect` (HTTP) or `secureConnect` (HTTPS), first byte
 * from then to the first response bytes on the socket. Before it, the same warm-up as the engine's
 * (functions/engine/warm-up.ts: one plain HTTP exchange with an in-process loopback server), so that
 * both first requests start from the same state. What Node itself costs a fresh process, beside
 * curl's figure: the part of the gap to curl that no Node client can close.
 *
 * Usage: node <bundle> URL [CA_FILE] [CLIENT_CERT_FILE CLIENT_KEY_FILE]; prints one JSON object.
 */

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const [url, caFile, certFile, keyFile] = process.argv.slice(2) as [string, string?, string?, string?];
const https = url.startsWith('https:');
const tls = {
  ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
  ...(certFile && keyFile ? { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } : {}),
};
const body = 'grant_type=client_credentials&scope=bench%3Aread';

const warmUpServer = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"warm":true}'));
});
await once(warmUpServer.listen(0, '127.0.0.1'), 'listening');
await new Promise<void>((resolve, reject) => {
  const { port } = warmUpServer.address() as AddressInfo;
  httpRequest(`http://127.0.0.1:${port}/warm-up`, { method: 'POST', agent: false }, (res) => {
    res.resume();
    res.on('end', resolve);
  })
    .on('error', reject)
    .end(body);
});
warmUpServer.closeAllConnections();
warmUpServer.close();

const phases: { start?: number; ready?: number; firstByte?: number } = {};
// A new agent without keep-alive, as `agent: false` would make, that notes when the connection is asked
// for: the engine's connect phase starts at the same point (undici asking its connector for a socket).
const Agent = https ? HttpsAgent : HttpAgent;
class TimedAgent extends Agent {
  override createConnection(...args: Parameters<HttpAgent['createConnection']>) {
    phases.start ??= performance.now();
    return super.createConnection(...args);
  }
}
const req = (https ? httpsRequest : httpRequest)(
  url,
  {
    method: 'POST',
    agent: new TimedAgent({ keepAlive: false }),
    headers: {
      authorization: `Basic ${Buffer.from('bench-client:bench-client-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
    },
    ...tls,
  },
  (res) => {
    res.resume();
    res.on('end', () => {
      process.stdout.write(
        `${JSON.stringify({
          status: res.statusCode,
          connectAndTlsMs: phases.ready! - phases.start!,
          firstByteMs: phases.firstByte! - phases.ready!,
        })}\n`,
      );
    });
  },
);
req.on('socket', (socket: Socket) => {
  socket.once(https ? 'secureConnect' : 'connect', () => {
    phases.ready = performance.now();
  });
  // `data`, not `readable`: the HTTP client reads in flowing mode, and this must not change that.
  socket.prependOnceListener('data', () => {
    phases.firstByte = performance.now();
  });
});
req.on('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
req.end(body);
