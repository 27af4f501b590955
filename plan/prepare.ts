/**
 * From a parsed config to a checked plan: what `oauth-probe validate` and `cdk synth` both run after the
 * schema, so that both give the same verdict with the same messages. Disabled probes are left out (no
 * schedule and no alarm anywhere), the probes are resolved as they will be deployed (CA files inlined),
 * the deployment is planned, and every problem is reported at once as a `ConfigError`.
 */
import { resolveForDeployment } from '../functions/config/load.js';
import { ConfigError, type ConfigProblem } from '../functions/config/problems.js';
import {
  type DeploymentSettings,
  type ResolvedProbe,
  resolveDeployment,
  resolveProbes,
} from '../functions/config/resolve.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import { deploymentNameProblem } from '../functions/contract/index.js';
import { notificationProblems, planWarnings } from './checks.js';
import { type DeploymentPlan, planDeployment } from './plan.js';
import { quotaProblems } from './quotas.js';

export interface PreparedDeployment {
  /** The config as deployed: enabled probes only, `name` overridden when asked. */
  readonly config: ProbesConfig;
  readonly probes: ResolvedProbe[];
  readonly deployment: DeploymentSettings;
  readonly plan: DeploymentPlan;
  /** Deployable, but worth a look (validate prints them; synth shows them as warnings). */
  readonly warnings: ConfigProblem[];
  /** Where the config came from, for messages (`probes.json`, `-c config=...`). */
  readonly source?: string;
}

export interface PrepareOptions {
  /** Folder that relative `tls.ca` paths are resolved against. @default the cwd */
  readonly baseDir?: string;
  /** Overrides config `name`. */
  readonly name?: string;
  /** Names the config in messages. @default "config" */
  readonly source?: string;
  /** Overrides config `reservedConcurrency` (the construct's prop of the same name). */
  readonly reservedConcurrency?: number | 'auto';
}

/** Plans a parsed config; throws `ConfigError` listing every problem. */
export function prepareDeployment(parsed: ProbesConfig, options: PrepareOptions = {}): PreparedDeployment {
  const source = options.source ?? 'config';
  let config = parsed;
  if (options.name !== undefined) {
    const problem = deploymentNameProblem(options.name);
    if (problem) throw new ConfigError([{ path: 'name', message: problem }], source);
    config = { ...config, name: options.name };
  }
  if (options.reservedConcurrency !== undefined) {
    const value = options.reservedConcurrency;
    if (value !== 'auto' && !(Number.isInteger(value) && value >= 1)) {
      throw new ConfigError(
        [{ path: 'reservedConcurrency', message: `${value}: give "auto" or a whole number of 1 or more` }],
        source,
      );
    }
    config = { ...config, reservedConcurrency: value };
  }
  const enabled = config.probes.filter((probe) => probe.enabled !== false);
  if (enabled.length === 0) {
    throw new ConfigError(
      [{ path: 'probes', message: 'every probe has "enabled": false: enable one, or remove the deployment' }],
      source,
    );
  }
  const deployed = { ...config, probes: enabled };
  // Resolved from the file as written, so that a problem's path names the probe's index there.
  const probes = resolveForDeployment(config, options.baseDir, source).filter((p) => p.enabled !== false);
  const deployment = resolveDeployment(deployed);
  const plan = planDeployment(deployed, probes, deployment);
  // Paths name the probe's place in the file as written (disabled probes included).
  const problems = [...quotaProblems(config, plan), ...notificationProblems(config, plan)];
  if (problems.length > 0) throw new ConfigError(problems, source);
  return { config: deployed, probes, deployment, plan, warnings: planWarnings(config, plan), source };
}

/** A config planned as it stands, for pricing and previews: the same plan without refusing anything. */
export interface PlannedConfig {
  readonly config: ProbesConfig;
  readonly probes: ResolvedProbe[];
  readonly deployment: DeploymentSettings;
  readonly plan: DeploymentPlan;
}

/**
 * Plans a parsed config without the deployment checks (`cost` of a what-if, the benchmarks): enabled
 * probes, resolved without reading CA files. What `validate` would refuse is still planned.
 */
export function planConfig(config: ProbesConfig): PlannedConfig {
  const enabled = config.probes.filter((probe) => probe.enabled !== false);
  const deployed = { ...config, probes: enabled.length > 0 ? enabled : config.probes };
  const probes = resolveProbes(deployed);
  const deployment = resolveDeployment(deployed);
  return { config: deployed, probes, deployment, plan: planDeployment(deployed, probes, deployment) };
}
