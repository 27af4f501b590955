/**
 * What undici would refuse to send, checked before it is asked to: a URL that does not parse or is not
 * http(s), a header name that is not an RFC 9110 token, a header value with CR, LF, NUL or other control
 * characters or characters outside Latin-1. undici throws these as `InvalidArgumentError`, which would
 * otherwise read as a connection failure ("look at load balancers") though nothing was sent; the caller
 * says whose value it was (the server's metadata, an extracted value, the token).
 */

/** RFC 9110 §5.1 field-name = token. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What undici accepts in a field value: HTAB, visible ASCII and space, obs-text (0x80-0xFF). */
const BAD_HEADER_VALUE = /[^\t\u0020-\u007e\u0080-\u00ff]/;

/** Why `raw` cannot be requested, or undefined when it is an absolute http(s) URL. */
export function urlProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return 'is not a URL string';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `uses ${url.protocol} instead of http(s)`;
  return undefined;
}

/** Why this header cannot be sent, or undefined. Never quotes the value (it may be a token). */
export function headerProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) return `header name ${JSON.stringify(name.slice(0, 40))} is not a valid token`;
  const bad = BAD_HEADER_VALUE.exec(value);
  if (bad) return `header ${name} has a character that cannot be sent in HTTP (${describeChar(bad[0])})`;
  return undefined;
}

export function describeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const names: Record<number, string> = { 0: 'NUL', 10: 'LF', 13: 'CR', 27: 'ESC' };
  return names[code] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first problem of a request, or undefined. */
export function requestProblem(url: string, headers: Record<string, string> = {}): string | undefined {
  const problem = urlProblem(url);
  if (problem) return `the URL ${problem}`;
  for (const [name, value] of Object.entries(headers)) {
    const header = headerProblem(name, value);
    if (header) return header;
  }
  return undefined;
}
