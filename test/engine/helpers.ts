/**
 * Shared fixtures of the engine tests: resolving a local probe config, a secret source that can
 * pretend to serve from a cache, inline servers for faults the local environment does not offer,
 * and a scanner for secrets in results.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ResolvedProbe, resolveProbe } from '../../functions/config/resolve.js';
import { type ProbeConfig, probeSchema } from '../../functions/config/schema.js';
import {
  type ClientSecret,
  CredentialsError,
  type SecretLookup,
  type SecretSource,
} from '../../functions/engine/types.js';
import { parseSecretObject } from '../../functions/secrets/parse.js';

/** A probe config as the CLI would run it: validated by the schema and resolved with defaults. */
export function resolved(config: ProbeConfig | Record<string, unknown>): ResolvedProbe {
  const probe = probeSchema.parse(config);
  return resolveProbe({ probes: [probe] }, probe);
}

/**
 * An in-memory secret source. `cached` entries are served with `fromCache: true` until a
 * `bypassCache` read, which returns `fresh` (if any): the shape of a rotation in Secrets Manager.
 */
export class TestSecretSource implements SecretSource {
  readonly calls: { secretId: string; bypassCache: boolean }[] = [];
  constructor(
    private readonly entries: Record<string, ClientSecret>,
    private readonly cached: Record<string, ClientSecret> = {},
  ) {}

  async get(secretId: string, options?: { bypassCache?: boolean }): Promise<SecretLookup> {
    const bypassCache = options?.bypassCache === true;
    this.calls.push({ secretId, bypassCache });
    if (!bypassCache && this.cached[secretId]) {
      return { secret: parseSecretObject(this.cached[secretId], secretId), fromCache: true };
    }
    const value = this.entries[secretId];
    if (!value) throw new CredentialsError('secret_not_found', `no secret "${secretId}"`);
    return { secret: parseSecretObject(value, secretId), fromCache: false };
  }
}

export interface InlineServer {
  url: string;
  /** Every request body seen, for leak checks. */
  requests: { url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A tiny node:http server on 127.0.0.1 for faults the local environment cannot produce. */
export async function startInlineServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<InlineServer> {
  const requests: InlineServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ url: req.url ?? '/', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A clock fixed at an offset from real time. */
export function offsetClock(offsetMs: number) {
  return { now: () => Date.now() + offsetMs };
}

/** The body lines of a PEM (what would leak if a key leaked), long enough to be unambiguous. */
export function pemBodyLines(pem: string): string[] {
  return pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
}
