/**
 * Guards for unknown values (a caught error, parsed JSON): one way to ask "is this an object", "what is
 * this error's name/code" and "is this text a JSON object", shared by every folder.
 *
 * A leaf module: it imports nothing (no zod, no Node API), so the engine, the runtime, the contract's
 * users, the CLI and the CDK app can all use it without pulling anything into a bundle. It lives at the
 * root of `functions/` because it belongs to no single layer.
 */

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `name` of a thrown value: `Error.name` (or any object's string `name`, as the AWS SDK's service
 * exceptions carry), else `fallback`. Used in log lines, which must name the error, never its message.
 */
export function errorName(error: unknown, fallback = 'UnknownError'): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? name : fallback;
}

/** The string `code` of a thrown value (`ENOENT`, `UND_ERR_CONNECT_TIMEOUT`, `ERR_JWT_EXPIRED`), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The string `message` of a thrown value, if any. */
export function errorMessage(error: unknown): string | undefined {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

export type JsonObjectParse =
  | { ok: true; value: Record<string, unknown> }
  /** `syntax`: not JSON at all; `not_object`: JSON, but not an object (array, string, number, null). */
  | { ok: false; reason: 'syntax' | 'not_object'; error?: unknown };

/**
 * Parses text that must hold a JSON object. Never throws; the caller words the error (and must not
 * quote the parser's message when the text may be a secret: it quotes the text near the fault).
 */
export function parseJsonObject(text: string): JsonObjectParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'syntax', error };
  }
  return isRecord(value) ? { ok: true, value } : { ok: false, reason: 'not_object' };
}
