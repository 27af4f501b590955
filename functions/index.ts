/**
 * The package's root (`oauth-probe`): the engine (`runProbe`, `runProbes`, the result contract, what it
 * needs injected) and what a caller of `runProbe` needs to get a `ResolvedProbe` from probes.json: the
 * loader and its error type, and the resolution. `oauth-probe/engine` is the engine alone,
 * `oauth-probe/config` the whole config module.
 *
 * ```ts
 * import { loadConfigFile, resolveProbes, runProbe } from 'oauth-probe';
 * const probes = resolveProbes(await loadConfigFile('probes.json'));
 * const result = await runProbe(probes[0], { secrets }); // never throws
 * ```
 */
export {
  ConfigError,
  type ConfigProblem,
  type DeploymentSettings,
  loadConfigFile,
  type ParseResult,
  type ProbeConfig,
  type ProbesConfig,
  type ProbesConfigInput,
  parseConfig,
  parseConfigText,
  type ResolvedProbe,
  type ResolveOptions,
  resolveDeployment,
  resolveProbe,
  resolveProbes,
} from './config/index.js';
export * from './engine/index.js';
