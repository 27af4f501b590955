/**
 * AWS endpoints on 127.0.0.1 that misbehave, for the deadline tests: `hang` accepts the connection and
 * the request and never answers; `500` answers InternalFailure; `throttle` answers the throttling error
 * of the protocol (JSON: `ThrottlingException`, SNS Query/XML: `Throttling`). Every request is counted.
 * The real SDK clients are pointed here with `endpoint` and fake credentials.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type HostileMode = 'hang' | '500' | 'throttle';
export const HOSTILE_MODES: HostileMode[] = ['hang', '500', 'throttle'];

export interface HostileAws {
  url: string;
  mode: HostileMode;
  /** Requests received (attempts, including the SDK's retries). */
  requests: number;
  close(): Promise<void>;
}

export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret-key' };

export async function startHostileAws(mode: HostileMode): Promise<HostileAws> {
  const sockets = new Set<Socket>();
  const state: HostileAws = { url: '', mode, requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests += 1;
      if (mode === 'hang') return; // never answers; the socket stays open until close()
      const json = typeof req.headers['x-amz-target'] === 'string';
      const code = mode === '500' ? 'InternalFailure' : json ? 'ThrottlingException' : 'Throttling';
      const status = mode === '500' ? 500 : 400;
      if (json) {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code });
        res.end(JSON.stringify({ __type: code, message: `hostile endpoint: ${mode}` }));
      } else {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>${mode === '500' ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>hostile endpoint: ${mode}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
        );
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** Races `work` against a simulated Lambda timeout of `ms`: the outcome says which came first. */
export async function beforeLambdaTimeout<T>(
  work: Promise<T>,
  ms: number,
): Promise<{ outcome: 'finished'; value: T } | { outcome: 'failed'; error: unknown } | { outcome: 'timed out' }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ outcome: 'timed out' }>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timed out' }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ outcome: 'finished' as const, value }),
        (error: unknown) => ({ outcome: 'failed' as const, error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContext(timeoutMs: number): { getRemainingTimeInMillis(): number; awsRequestId: string } {
  const start = Date.now();
  return { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - start), awsRequestId: 'req-deadline-test' };
}
