/**
 * A nested stack's template refers to its parameters (`{ Ref: "<parameter>" }`); what the parent stack
 * passes for them stands there once deployed. Shared by the assembly reader of the local AWS tier and
 * the CDK test helpers, which both read nested templates in the parent's terms.
 */
export function withParameters(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => withParameters(v, parameters));
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: unknown }).Ref;
    if (typeof ref === 'string' && Object.keys(value).length === 1 && ref in parameters) return parameters[ref];
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withParameters(v, parameters)]));
  }
  return value;
}
