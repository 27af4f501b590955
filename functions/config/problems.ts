/**
 * What is wrong with a config: each problem with the path of its field and what to do about it, and the
 * error that carries every problem at once. Its own module, imported by every checker (schema, quotas,
 * the plan) and by what reports them (CLI, CDK app), so no checker depends on another for its types.
 */

export interface ConfigProblem {
  /** Where the problem is, e.g. `probes[0].clientAuth`; `(root)` for the file itself. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A config that cannot be used. `problems` lists every problem found, not only the first. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(
    readonly problems: ConfigProblem[],
    readonly source?: string,
  ) {
    super(
      `${source ? `${source}: ` : ''}${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** `['probes', 0, 'clientAuth']` → `probes[0].clientAuth` */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      // A key with spaces, quotes or control characters (a CRLF in a header name) is shown quoted, on one line.
      if (!/^[A-Za-z0-9_$-]+$/.test(String(part))) return `[${JSON.stringify(String(part))}]`;
      return `${i === 0 ? '' : '.'}${String(part)}`;
    })
    .join('');
}
