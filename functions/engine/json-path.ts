/**
 * A small path language for JSON responses: `data[0].id`, `$.items.length`, `a["b.c"]`, `items[-1]`.
 * `length` of an array or string is its length unless the value has an own `length` member.
 */

export type PathSegment = string | number;

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

/** Parses a path into segments. Throws JsonPathError on bad syntax. */
export function parsePath(path: string): PathSegment[] {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const segments: PathSegment[] = [];
  const re = /^(?:\.?([A-Za-z_$][\w$-]*)|\[\s*(-?\d+)\s*\]|\[\s*(["'])((?:\\.|(?!\3).)*)\3\s*\])/;
  while (rest.length > 0) {
    const match = re.exec(rest);
    if (!match) throw new JsonPathError(`cannot parse JSON path "${path}" at "${rest}"`);
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/** Resolves a path; `found: false` when any segment is missing. */
export function resolvePath(value: unknown, path: string): { found: boolean; value?: unknown } {
  let current = value;
  for (const segment of parsePath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else if (segment === 'length' && (Array.isArray(current) || typeof current === 'string')) {
      current = current.length;
    } else if (
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      Object.hasOwn(current, segment)
    ) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** Deep equality of JSON values. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b as object, k) && jsonEquals((a as never)[k], (b as never)[k]))
  );
}
