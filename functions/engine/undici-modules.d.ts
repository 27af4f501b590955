/** Types for the undici internals loaded by ./undici.ts: the same objects as the package's exports. */
declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici';

  const client: typeof Client;
  export default client;
}

declare module 'undici/lib/core/connect.js' {
  import type { buildConnector } from 'undici';

  const connector: typeof buildConnector;
  export default connector;
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  const dispatcher: { prototype: object };
  export default dispatcher;
}

declare module 'undici/lib/api/api-request.js' {
  const request: (...args: unknown[]) => unknown;
  export default request;
}
