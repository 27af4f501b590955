/**
 * Plain http:// where TLS is required. RFC 6749 §1.6 and RFC 6750 §5.3 (token and API), RFC 8414 §2
 * (metadata: it decides where the credentials go) and RFC 7517 §9.3 (keys: they decide which tokens are
 * trusted). Loopback is exempt: nothing crosses a network. Shared by the engine (the `insecure_transport`
 * warning of a run) and `validate` (a warning before anything runs).
 */

/** http:// to anything but the loopback interface. */
export function isCleartextRemote(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol !== 'http:') return false;
    return !(hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname));
  } catch {
    return false;
  }
}

interface UrlFields {
  tokenUrl?: string;
  issuer?: string;
  token?: { jwt?: { jwksUri?: string }; introspection?: { url?: string } };
  steps?: readonly { name: string; request: { url: string } }[];
}

/** `[path, what an attacker on the path can do]` for each configured URL that is plain http:// to a remote host. */
export function cleartextUrls(probe: UrlFields): [string, string][] {
  const found: [string, string][] = [];
  const check = (url: string | undefined, path: string, risk: string) => {
    if (url !== undefined && isCleartextRemote(url)) found.push([path, risk]);
  };
  check(probe.tokenUrl, 'tokenUrl', 'read the client credentials and the tokens');
  check(probe.issuer, 'issuer', 'change the discovered metadata, and so where the credentials are sent');
  check(probe.token?.jwt?.jwksUri, 'token.jwt.jwksUri', 'change which signing keys are trusted');
  check(probe.token?.introspection?.url, 'token.introspection.url', 'read the tokens and forge the answer');
  probe.steps?.forEach((step, i) => {
    check(step.request.url, `steps[${i}].request.url`, 'read the access token');
  });
  return found;
}
