/**
 * Which HTTP CONNECT proxy, if any, an exchange goes through: the probe's `proxy` (or
 * `defaults.proxy`), else the standard environment (HTTPS_PROXY for https:// URLs, HTTP_PROXY for
 * http://, lower-case names too, NO_PROXY exempting hosts). A probe's own `proxy` ignores the
 * environment, NO_PROXY included: it was asked for by name.
 *
 * NO_PROXY is matched here rather than with a library: undici's EnvHttpProxyAgent has the logic but
 * only inside an Agent, and our exchanges need their own connector to time each phase (./tunnel.ts).
 * Semantics as curl's and undici's: comma- or space-separated entries, `*` for every host, an entry
 * matches the host and its subdomains (a leading `.` or `*.` is ignored), `host:port` only that port.
 */

export interface ProxyRoute {
  /** The proxy, `http://[user:password@]host:port`. */
  url: URL;
  /** Where it came from, for messages: `config` or the variable's name. */
  source: string;
}

export type ProxyEnv = Record<string, string | undefined>;

export function proxyFor(target: string, configured: string | undefined, env: ProxyEnv): ProxyRoute | undefined {
  if (configured) return { url: new URL(configured), source: 'config' };
  const url = new URL(target);
  const names = url.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  const name = names.find((n) => env[n]);
  if (!name) return undefined;
  if (exempt(url, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(env[name]!.includes('://') ? env[name]! : `http://${env[name]}`);
  } catch {
    return undefined; // an unusable variable is ignored, as curl and undici do
  }
  return { url: proxy, source: name };
}

function exempt(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const match = /^(?:\*?\.)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!match) continue;
    const entryHost = match[1]!.replace(/^\[|\]$/g, '');
    if (match[2] && match[2] !== port) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}

/** The proxy URL without its credentials, for messages. */
export function displayProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
