/**
 * undici's `Client` and `buildConnector`, loaded from their own modules instead of the package entry,
 * which also loads fetch, WebSocket, caches, mocks and their parsers: the Lambda bundle's undici share
 * falls from 535 kB to under 300 kB, and its import time with it (`npm run bench`, figure 3).
 *
 * The entry is also what gives every dispatcher its `request()` method; that wiring (one line of
 * undici's index.js) is repeated here. These paths are undici internals: the tests exercise every
 * exchange through them, so an undici upgrade that moves them fails CI, not production.
 */
import type { buildConnector as BuildConnector, Client as UndiciClient } from 'undici';
import request from 'undici/lib/api/api-request.js';
import connector from 'undici/lib/core/connect.js';
import ClientModule from 'undici/lib/dispatcher/client.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

(Dispatcher as { prototype: Record<string, unknown> }).prototype.request ??= request;

export const Client: typeof UndiciClient = ClientModule;
export const buildConnector: typeof BuildConnector = connector;
