/**
 * The config's front door (`oauth-probe/config` once packaged): the zod schema of probes.json and its
 * types, the loader that reports every problem at once (`ConfigError`, each problem with its path), and
 * the resolution of a probe as it runs (defaults and cascade applied: `ResolvedProbe`, what `runProbe`
 * takes).
 *
 * ```ts
 * import { loadConfigFile, resolveProbes } from 'oauth-probe/config';
 * import { runProbe } from 'oauth-probe';
 * const config = await loadConfigFile('probes.json'); // throws ConfigError listing every problem
 * const [probe] = resolveProbes(config, { baseDir: '.' });
 * ```
 */
export {
  caProblems,
  loadConfigFile,
  type ParseResult,
  parseConfig,
  parseConfigText,
  resolveForDeployment,
} from './load.js';
export { ConfigError, type ConfigProblem, formatPath } from './problems.js';
export {
  DEFAULT_REGIONS,
  type DeploymentSettings,
  type ResolvedProbe,
  type ResolvedSlo,
  type ResolvedTokenConfig,
  type ResolveOptions,
  resolveDeployment,
  resolveProbe,
  resolveProbes,
} from './resolve.js';
export * from './schema.js';
