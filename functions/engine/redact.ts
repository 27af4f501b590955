/**
 * Defence in depth: every text that may quote a server (error_description, an HTML snippet, a node
 * error message) goes through a `Redactor` before it reaches a result. The engine never puts a secret
 * into a message on purpose; this catches a server that echoes one back, in whatever encoding it echoes.
 *
 * Redaction by construction: the code that puts a secret on the wire registers it (client-auth.ts
 * returns every value it emitted), and `add` registers every form the value can take on its way back:
 * as sent (form-urlencoded, percent-encoded, Base64), as a server may decode or re-encode it (`+` kept,
 * `%20`, lower-case hex, JSON string escapes, `\uXXXX` escapes).
 */

const REDACTED = '[redacted]';
/** Shorter values are too likely to occur by chance (and too weak to be a real secret). */
const MIN_SECRET_LENGTH = 6;

/** application/x-www-form-urlencoded, as RFC 6749 Appendix B defines it (what URLSearchParams sends). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Every form in which `value` may come back from a server that echoes what it received. */
export function encodingsOf(value: string): string[] {
  const percent = encodeURIComponent(value);
  const form = formEncode(value);
  const forms = [
    value,
    percent,
    // RFC 3986 strict: also !'()*
    percent.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    form,
    form.replace(/\+/g, '%20'),
    // A server that ran decodeURIComponent over a form body: %XX decoded, `+` left as is.
    safeDecode(form),
    value.replace(/ /g, '+'),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
    Buffer.from(value).toString('base64').replace(/=+$/, ''),
  ];
  // JSON string escapes, as a server quoting the value in JSON would write it (with and without \uXXXX).
  for (const text of [...forms]) {
    forms.push(JSON.stringify(text).slice(1, -1));
    forms.push(asciiJson(text));
  }
  // Percent-encoding with lower-case hex digits.
  for (const text of [...forms])
    if (/%[0-9A-F]{2}/.test(text)) forms.push(text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function asciiJson(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class Redactor {
  readonly #values = new Set<string>();
  /**
   * Registered values whose encodings are not computed yet. A passing run registers its secrets and
   * tokens but rarely redacts anything: the encodings (some twenty strings per value) are built on the
   * first `redact`, not on every run (measured in `npm run bench`, figure 2: the largest share of the
   * engine's own CPU in a passing run).
   */
  #pending: string[] = [];
  #sorted: string[] | undefined;

  /** Registers a secret value in all its encodings (and, for a PEM, each line of its body). */
  add(value: string | undefined | null): void {
    if (!value) return;
    if (!value.includes('-----BEGIN ') && value.length < MIN_SECRET_LENGTH) return;
    this.#pending.push(value);
  }

  /** Replaces registered values, bearer tokens and JWT-shaped strings. */
  redact(text: string): string {
    if (this.#pending.length > 0) this.#register();
    let out = text;
    // Longest first, so that a value containing another is removed whole.
    this.#sorted ??= [...this.#values].sort((a, b) => b.length - a.length);
    for (const value of this.#sorted) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return redactPatterns(out);
  }

  #register(): void {
    this.#sorted = undefined;
    for (const value of this.#pending) {
      for (const form of encodingsOf(value)) this.#values.add(form);
      if (!value.includes('-----BEGIN ')) continue;
      for (const line of value.split(/\r?\n|\\n/)) {
        const trimmed = line.trim();
        if (trimmed.length >= 16 && !trimmed.startsWith('-----')) {
          for (const form of encodingsOf(trimmed)) this.#values.add(form);
        }
      }
    }
    this.#pending = [];
  }
}

/** Patterns that are secret whatever their value: credentials in headers and JWS compact tokens. */
export function redactPatterns(text: string): string {
  return (
    text
      // 16+ token characters: a real credential, not prose such as "scan-basic pass" or "Basic realm".
      .replace(/\b(Bearer|Basic|DPoP)(\s+)[A-Za-z0-9\-._~+/]{16,}=*/gi, `$1$2${REDACTED}`)
      .replace(/\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,2}/g, REDACTED)
      // Applied to one value at a time (never to serialized JSON), so that an END-less key eats only its own value.
      .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED)
  );
}

// Built from strings: the characters are spelled as escapes, which a regex literal's lint rejects.
const ESC = '\\u001b';
const ESCAPE_SEQUENCE = new RegExp(
  [
    `${ESC}\\[[0-?]*[ -/]*[@-~]`, // CSI: colours, cursor moves, clear screen
    `${ESC}\\][^\\u0007\\u001b]*(?:\\u0007|${ESC}\\\\)?`, // OSC: window title, OSC 52 clipboard, links
    `${ESC}[@-Z\\\\-_]?`, // other two-byte escapes (and a lone ESC)
    '\\u009b[0-?]*[ -/]*[@-~]', // C1 CSI
  ].join('|'),
  'g',
);
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Server text made safe for a terminal, a log line or a notification: ANSI/OSC escape sequences (clear
 * screen, window title, OSC 52 clipboard writes), other C0/C1 controls and bidi overrides removed; tab,
 * CR and LF are kept (callers that want one line flatten them).
 */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/** A URL for display: userinfo removed, everything else kept. Invalid URLs are returned redacted of userinfo-like text. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * A server-supplied JSON value shown in a message: JSON, one line, at most `max` characters, without
 * control characters. Never throws: a value too deep for JSON.stringify (a 6000-level `aud`) is named
 * by its type instead.
 */
export function showValue(value: unknown, max = 100): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = `(${Array.isArray(value) ? 'an array' : typeof value} too deeply nested to show)`;
  }
  return oneLine(stripControl(text.replace(/\\u00[01][0-9a-f]|\\u007f/gi, '')), max);
}

/** Trims server text to one short line for a message, without control characters. */
export function oneLine(text: string, max = 200): string {
  const flat = stripControl(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
