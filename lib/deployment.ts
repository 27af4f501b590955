/**
 * From a config (object or file) to what the constructs build: the plan (plan/prepare.ts: enabled
 * probes resolved with CA files inlined, the deployment settings, stacks, shards, alarms, routing), with
 * every config and quota problem reported at once as a `ConfigError` (the same check, with the same
 * messages, as `oauth-probe validate`).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseConfig, parseConfigText } from '../functions/config/load.js';
import { ConfigError } from '../functions/config/problems.js';
import type { ProbesConfig, ProbesConfigInput } from '../functions/config/schema.js';
import {
  type PrepareOptions as PlanOptions,
  type PreparedDeployment,
  prepareDeployment as preparePlan,
} from '../plan/index.js';

export type { PreparedDeployment };

export type PrepareOptions = PlanOptions;

/** Loads (when given a path), validates, resolves and plans; throws `ConfigError` listing every problem. */
export function prepareDeployment(
  config: ProbesConfigInput | string,
  options: PrepareOptions = {},
): PreparedDeployment {
  let parsed: ProbesConfig;
  let baseDir = options.baseDir;
  let source = options.source;
  if (typeof config === 'string') {
    const path = resolve(config);
    source ??= config;
    baseDir ??= dirname(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new ConfigError([{ path: '(root)', message: `cannot read the config file (${code})` }], source);
    }
    parsed = parseConfigText(text, source);
  } else {
    const result = parseConfig(config);
    if (!result.ok) throw new ConfigError(result.problems, source ?? 'config');
    parsed = result.config;
  }
  return preparePlan(parsed, { ...options, baseDir, source: source ?? 'config' });
}
