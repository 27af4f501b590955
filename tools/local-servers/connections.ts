/**
 * What both local servers need to stop cleanly: the open sockets (a hanging or keep-alive connection would
 * otherwise keep `server.close()` waiting and the test worker alive) and the timers of `delay` faults.
 */
import type { Server, Socket } from 'node:net';

/** Records every connection of `server` until it closes. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Closes `server` now: refuses new connections and destroys the open ones, hanging requests included. */
export function closeNow(server: Server & { closeAllConnections?: () => void }, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  server.closeAllConnections?.();
  return closed;
}

/** Waits that a `delay` fault holds requests with; `releaseAll()` lets them go on at once. */
export class Delays {
  readonly #pending = new Map<NodeJS.Timeout, () => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve();
      }, ms);
      this.#pending.set(timer, resolve);
    });
  }

  /** Ends every wait now (after `clearFaults()` a delayed request is answered; after `close()` it finds its socket gone). */
  releaseAll(): void {
    for (const [timer, resolve] of this.#pending) {
      clearTimeout(timer);
      resolve();
    }
    this.#pending.clear();
  }
}

/** Listens on 127.0.0.1 (only loopback, ever) and resolves with the port; `port` 0 picks a free one. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as { port: number }).port;
}
