/**
 * The bench's own token endpoint and API, run in a child process (its own core, so the engine under
 * test never shares an event loop with them). A request to `/hold/<ms>/<kind>/<tag>` is answered after
 * `ms` milliseconds; the time from the request's arrival to the moment the response is written is
 * measured here with `process.hrtime` and reported to the parent over IPC, keyed by path.
 *
 * kind `token` answers an opaque token response, kind `api` a small JSON document.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readBenchPki } from './pki.js';

export type HoldServerMessage =
  | { type: 'ready'; http: string; https: string; mtls: string }
  | { type: 'held'; entries: [path: string, heldMs: number][] };

export type HoldServerCommand = { type: 'drain' } | { type: 'close' };

const TOKEN_BODY = JSON.stringify({
  access_token: 'bench-opaque-access-token',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'bench:read',
});
const API_BODY = JSON.stringify({ data: [{ id: 'inv_1', amount: 100 }] });

const held = new Map<string, number>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  const arrived = process.hrtime.bigint();
  const match = /^\/hold\/(\d+)\/(token|api)\//.exec(req.url ?? '');
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const holdMs = Number(match[1]);
  const body = match[2] === 'token' ? TOKEN_BODY : API_BODY;
  req.resume();
  req.on('end', () => {
    setTimeout(() => {
      // Read the clock before writing: a delay in sending counts against the probe, never for it.
      held.set(req.url!, Number(process.hrtime.bigint() - arrived) / 1e6);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
    }, holdMs);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const pki = await readBenchPki();
const http = createHttpServer(handle);
const https = createHttpsServer({ key: pki.serverKey, cert: pki.serverCert }, handle);
// Mutual TLS: the client must present a certificate signed by the bench CA.
const mtls = createHttpsServer(
  { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
  handle,
);
const [httpPort, httpsPort, mtlsPort] = await Promise.all([listen(http), listen(https), listen(mtls)]);

const send = (message: HoldServerMessage) => process.send!(message);

process.on('message', (command: HoldServerCommand) => {
  if (command.type === 'drain') {
    send({ type: 'held', entries: [...held] });
    held.clear();
  } else {
    for (const server of [http, https, mtls]) {
      server.closeAllConnections();
      server.close();
    }
    process.disconnect();
  }
});

send({
  type: 'ready',
  http: `http://127.0.0.1:${httpPort}`,
  https: `https://127.0.0.1:${httpsPort}`,
  mtls: `https://127.0.0.1:${mtlsPort}`,
});
