/**
 * Guard for functions/engine/undici.ts, which loads four files of undici's internals (`undici/lib/...`)
 * instead of its package entry (half the bundle and import time; docs/benchmarks.md) and patches
 * `Dispatcher.prototype.request` as undici's own index.js does. An undici update that moves, renames or
 * reshapes one of these files fails here, naming the path, before any probe runs in production.
 */
import { createRequire } from 'node:module';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';

const version = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;

/** Imports one internal path; a missing file fails with the path and what to do. */
async function internal(path: string): Promise<unknown> {
  try {
    return ((await import(path)) as { default: unknown }).default;
  } catch (error) {
    throw new Error(
      `undici ${version} no longer has ${path}, which functions/engine/undici.ts imports (and undici-modules.d.ts types): find where it moved, or import from 'undici' instead (see the comment in undici.ts). ${String(error)}`,
    );
  }
}

describe(`undici internals used by functions/engine/undici.ts (undici ${version})`, () => {
  it('undici/lib/dispatcher/client.js is the package’s Client', async () => {
    expect(await internal('undici/lib/dispatcher/client.js'), 'not the same Client as undici exports').toBe(
      undici.Client,
    );
  });

  it('undici/lib/core/connect.js is the package’s buildConnector', async () => {
    expect(await internal('undici/lib/core/connect.js'), 'not the same buildConnector as undici exports').toBe(
      undici.buildConnector,
    );
  });

  it('undici/lib/dispatcher/dispatcher.js is the base class of Client, with the request() the entry gives it', async () => {
    const Dispatcher = (await internal('undici/lib/dispatcher/dispatcher.js')) as { prototype: object };
    expect(Dispatcher, 'not the same Dispatcher as undici exports').toBe(undici.Dispatcher);
    expect(undici.Client.prototype instanceof (Dispatcher as unknown as typeof undici.Dispatcher)).toBe(true);
  });

  it('undici/lib/api/api-request.js is the request() that the entry patches onto Dispatcher.prototype', async () => {
    const request = await internal('undici/lib/api/api-request.js');
    expect(typeof request).toBe('function');
    expect(request, 'undici.Dispatcher.prototype.request is another function').toBe(
      (undici.Dispatcher.prototype as unknown as { request: unknown }).request,
    );
  });

  it('the engine’s Client has request() (the patch took) and is the package’s Client', async () => {
    const engine = await import('../../functions/engine/undici.js');
    expect(engine.Client).toBe(undici.Client);
    expect(typeof (engine.Client.prototype as unknown as { request?: unknown }).request).toBe('function');
    expect(engine.buildConnector).toBe(undici.buildConnector);
  });
});
