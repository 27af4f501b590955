/**
 * From a config (object or file) to what the constructs build: the validated config, the resolved
 * probes (CA files inlined), the deployment settings and the plan (shards, dashboards), with every
 * config and quota problem reported at once as a `ConfigError` (the same check `oauth-probe validate`
 * runs: functions/config/limits.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DeploymentPlan, planDeployment } from '../functions/config/limits.js';
import { checkDeployment, parseConfig, parseConfigText } from '../functions/config/load.js';
import { ConfigError } from '../functions/config/problems.js';
import type { DeploymentSettings, ResolvedProbe } from '../functions/config/resolve.js';
import type { ProbesConfig, ProbesConfigInput } from '../functions/config/schema.js';
import { deploymentNameProblem } from '../functions/contract/index.js';

export interface PreparedDeployment {
  readonly config: ProbesConfig;
  readonly probes: ResolvedProbe[];
  readonly deployment: DeploymentSettings;
  readonly plan: DeploymentPlan;
  /** Where the config came from, for messages (`probes.json`, `-c config=...`). */
  readonly source?: string;
}

export interface PrepareOptions {
  /** Folder that relative `tls.ca` paths are resolved against. @default the config file's folder, else the cwd */
  readonly baseDir?: string;
  /** Overrides config `name`. */
  readonly name?: string;
  /** Names the config in messages. @default the path, or "config" */
  readonly source?: string;
}

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
  if (options.name !== undefined) {
    const problem = deploymentNameProblem(options.name);
    if (problem) throw new ConfigError([{ path: 'name', message: problem }], source ?? 'config');
    parsed = { ...parsed, name: options.name };
  }
  // `enabled: false`: no schedule and no alarm anywhere (the probe's config stays in the file).
  const enabled = parsed.probes.filter((probe) => probe.enabled !== false);
  if (enabled.length === 0) {
    throw new ConfigError(
      [{ path: 'probes', message: 'every probe has "enabled": false: enable one, or remove the deployment' }],
      source ?? 'config',
    );
  }
  parsed = { ...parsed, probes: enabled };
  const { probes, deployment } = checkDeployment(parsed, baseDir, source ?? 'config');
  return { config: parsed, probes, deployment, plan: planDeployment(parsed, probes, deployment), source };
}
