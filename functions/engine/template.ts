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

/** Fills placeholders; `encode` is applied to each value (URL components are percent-encoded). */
export function fill(text: string, vars: Record<string, string>, encode: (v: string) => string = (v) => v): string {
  const missing = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !Object.hasOwn(vars, name));
  if (missing.length > 0) throw new TemplateError([...new Set(missing)]);
  return text.replace(PLACEHOLDER, (_, name: string) => encode(vars[name]!));
}

/** Fills a URL: values are percent-encoded so that an extracted id cannot change the URL's structure. */
export function fillUrl(url: string, vars: Record<string, string>): string {
  return fill(url, vars, encodeURIComponent);
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
