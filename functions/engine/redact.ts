/**
 * Defence in depth: every text that may quote a server (error_description, an HTML snippet, a node
 * error message) goes through a `Redactor` before it reaches a result. The engine never puts a secret
 * into a message on purpose; this catches a server that echoes one back.
 */

const REDACTED = '[redacted]';
/** Shorter values are too likely to occur by chance (and too weak to be a real secret). */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  readonly #values = new Set<string>();

  /** Registers a secret value (and, for a PEM, each line of its body). */
  add(value: string | undefined | null): void {
    if (!value) return;
    if (value.includes('-----BEGIN ')) {
      for (const line of value.split(/\r?\n/)) {
        const trimmed = line.trim();
        if (trimmed.length >= 16 && !trimmed.startsWith('-----')) this.#values.add(trimmed);
      }
      return;
    }
    if (value.length < MIN_SECRET_LENGTH) return;
    this.#values.add(value);
    // The same value as it may appear after form or URL encoding, or inside a Basic header.
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.#values.add(encoded);
    this.#values.add(Buffer.from(value).toString('base64'));
  }

  /** Replaces registered values, bearer tokens and JWT-shaped strings. */
  redact(text: string): string {
    let out = text;
    // Longest first, so that a value containing another is removed whole.
    for (const value of [...this.#values].sort((a, b) => b.length - a.length)) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return redactPatterns(out);
  }
}

/** Patterns that are secret whatever their value: credentials in headers and JWS compact tokens. */
export function redactPatterns(text: string): string {
  return (
    text
      // 16+ token characters: a real credential, not prose such as "scan-basic pass" or "Basic realm".
      .replace(/\b(Bearer|Basic|DPoP)(\s+)[A-Za-z0-9\-._~+/]{16,}=*/gi, `$1$2${REDACTED}`)
      .replace(/\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,2}/g, REDACTED)
      .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED)
  );
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

/** Trims server text to one short line for a message. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
