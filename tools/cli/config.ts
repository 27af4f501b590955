/**
 * Loading probes.json for a command: every problem becomes one `path: message` line of a `UsageError`
 * (exit 2), including `tls.ca` files that do not exist, so that a bad config is never a failed run.
 */
import { dirname, resolve } from 'node:path';
import { caProblems, loadConfigFile } from '../../functions/config/load.js';
import { ConfigError, type ConfigProblem } from '../../functions/config/problems.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { UsageError } from './errors.js';

export const DEFAULT_CONFIG = 'probes.json';

export interface LoadedConfig {
  config: ProbesConfig;
  /** Absolute path of probes.json. */
  path: string;
  /** Its folder: relative `tls.ca` paths are resolved against it. */
  baseDir: string;
}

/** Loads and validates probes.json; throws `UsageError` listing every problem. */
export async function loadConfigForCli(path: string, cwd: string): Promise<LoadedConfig> {
  const absolute = resolve(cwd, path);
  let config: ProbesConfig;
  try {
    config = await loadConfigFile(absolute);
  } catch (error) {
    if (error instanceof ConfigError) throw configUsageError(path, error.problems);
    throw error;
  }
  const baseDir = dirname(absolute);
  const problems = fileProblems(config, baseDir);
  if (problems.length > 0) throw configUsageError(path, problems);
  return { config, path: absolute, baseDir };
}

/** One line for a single file-level problem, else a count and one `path: message` line each. */
export function configUsageError(source: string, problems: ConfigProblem[]): UsageError {
  if (problems.length === 1 && problems[0]!.path === '(root)') {
    return new UsageError(`${source}: ${problems[0]!.message}`);
  }
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return new UsageError(
    `${source} is not valid (${count}):`,
    problems.map((p) => `  ${p.path}: ${p.message}`),
  );
}

/** `tls.ca` values that are no usable CA certificate (missing, a directory, unreadable, not PEM), relative to probes.json. */
export function fileProblems(config: ProbesConfig, baseDir: string): ConfigProblem[] {
  return caProblems(config, baseDir);
}
