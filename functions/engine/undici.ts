/**
 * undici's `Client` and `buildConnector`, loaded from their own modules instead of the package entry,
 * which also loads fetch, WebSocket, caches, mocks and their parsers: the Lambda bundle's undici share
 * falls from 535 kB to under 300 kB, and its import time with it (`npm run bench`, figure 3).
 *
 * The entry is also what gives every dispatcher its `request()` method; that wiring (one line of
 * undici's index.js) is repeated here. Why not the public entry: the bench (docs/benchmarks.md) showed
 * it doubles undici's share of the bundle and its cold-start import time, for features a probe never
 * uses. These paths are undici internals, so test/engine/undici-internals.test.ts imports each one and
 * checks it is the object the package exports (and that the patch took): an undici update that moves
 * one fails that test with the path named, in CI, not in production.
 */
import type { buildConnector as BuildConnector, Client as UndiciClient } from 'undici';
import request from 'undici/lib/api/api-request.js';
import connector from 'undici/lib/core/connect.js';
import ClientModule from 'undici/lib/dispatcher/client.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

(Dispatcher as { prototype: Record<string, unknown> }).prototype.request ??= request;

export const Client: typeof UndiciClient = ClientModule;
export const buildConnector: typeof BuildConnector = connector;
