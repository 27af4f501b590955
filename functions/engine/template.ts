/**
 * `{{name}}` placeholders in step URLs, headers and bodies, filled from earlier steps' `extract`.
 */

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(readonly missing: string[]) {
    super(`no value for ${missing.map((m) => `{{${m}}}`).join(', ')}: no earlier step extracted it`);
  }
}

/** A filled value that would change the request's structure or cannot be sent; the message names the place, never the value. */
export class TemplateValueError extends Error {
  override name = 'TemplateValueError';
}

/** Fills placeholders; `encode` is applied to each value (URL components are percent-encoded). */
export function fill(text: string, vars: Record<string, string>, encode: (v: string) => string = (v) => v): string {
  const missing = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !Object.hasOwn(vars, name));
  if (missing.length > 0) throw new TemplateError([...new Set(missing)]);
  return text.replace(PLACEHOLDER, (_, name: string) => encode(vars[name]!));
}

/**
 * Fills a URL: values are percent-encoded (`/`, `?`, `#`, `%` included) so that an extracted id cannot
 * change the URL's structure. A value that is `.` or `..` would still remove path segments (WHATWG URL
 * treats `%2e%2e` as `..` too), so a filled URL whose path has a dot segment, or that does not parse, is
 * refused. Throws TemplateValueError.
 */
export function fillUrl(url: string, vars: Record<string, string>): string {
  const filled = fill(url, vars, encodeURIComponent);
  if (filled === url) return filled;
  try {
    new URL(filled);
  } catch {
    throw new TemplateValueError('the URL is not valid once the extracted values are filled in');
  }
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(filled)?.[1] ?? '';
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
    throw new TemplateValueError('an extracted value is "." or "..", which would change the request path');
  }
  return filled;
}

/**
 * Fills a string body so that a value stays one value of the body's format: form-encoded in an
 * `application/x-www-form-urlencoded` body (a `&admin=1` in an id adds no field), JSON-string-escaped in
 * a JSON one (a `"` in an id ends no string); other content types get the value as it is.
 */
export function fillBody(body: string, vars: Record<string, string>, contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return fill(body, vars, formComponent);
  if (type === 'application/json' || type.endsWith('+json')) return fill(body, vars, jsonStringContent);
  return fill(body, vars);
}

/** application/x-www-form-urlencoded, as URLSearchParams writes it. */
function formComponent(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The inside of a JSON string literal holding `value`. */
function jsonStringContent(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** Fills every string inside a JSON value. */
export function fillJson(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((item) => fillJson(item, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, vars)]));
  }
  return value;
}

/** The string form of an extracted value: strings as is, everything else as JSON. */
export function stringifyExtracted(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
