/**
 * `--port N` of `local` and `demo`: one base port, the authorization server on N and the protected API
 * on N+1 (docs/cli.md, "local"), so that probes.json can keep its URLs from one start to the next.
 */
import { errorCode } from '../../functions/guards.js';
import { positiveInt } from './args.js';
import { UsageError } from './errors.js';

/** The highest base port: the API listens on the next one. */
export const MAX_BASE_PORT = 65_534;

/** The base port of `--port`, or undefined for free ports. */
export function basePort(value: string | undefined): number | undefined {
  return value === undefined ? undefined : positiveInt('port', value, 0, MAX_BASE_PORT);
}

/** Starts the servers; a port that is taken (or needs privileges) is a usage error naming it. */
export async function onPorts<T>(port: number | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = errorCode(error);
    if (port !== undefined && (code === 'EADDRINUSE' || code === 'EACCES')) {
      const which = (error as { port?: number }).port ?? port;
      throw new UsageError(
        `port ${which} ${code === 'EADDRINUSE' ? 'is in use' : 'needs privileges'}: --port ${port} takes ${port} and ${port + 1}; pick another, or leave --port out for free ports`,
      );
    }
    throw error;
  }
}
