/**
 * Builds the whole deployment from a validated probes.json: one `OAuthProbe-<region>` stack per region
 * that runs a probe, the home region's stack with the home resources (created even when the home
 * region runs no probe), and the deploy order (home first).
 */
import type { App } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { ConfigError, type ConfigProblem } from '../functions/config/load.js';
import { type ResolvedProbe, resolveDeployment, resolveProbe } from '../functions/config/resolve.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import { hasGlobalAlarm } from '../functions/contract/index.js';
import type { LambdaRole } from './bundling.js';
import { stackName } from './names.js';
import { OAuthProbeStack } from './oauth-probe-stack.js';
import { scheduleIntervalMinutes } from './periods.js';

export interface BuildOptions {
  /** Folder of probes.json, for relative `tls.ca` paths (read and inlined into the schedule input). */
  baseDir?: string;
  /** Probes already resolved (`resolveProbes(config, { baseDir, inlineFiles: true })`). @default resolved here */
  probes?: ResolvedProbe[];
  /** @default process.env.CDK_DEFAULT_ACCOUNT (account-agnostic when unset, so synth works offline) */
  account?: string;
  /** @default LAMBDA_ENTRIES */
  entries?: Record<LambdaRole, string>;
  /** @default 256 */
  probeMemoryMb?: number;
  /** @default one month */
  logRetention?: logs.RetentionDays;
}

export interface OAuthProbeApp {
  homeStack: OAuthProbeStack;
  /** Every stack by region, the home stack included. */
  stacks: Map<string, OAuthProbeStack>;
}

export function buildOAuthProbeApp(app: App, config: ProbesConfig, options: BuildOptions = {}): OAuthProbeApp {
  const deployment = resolveDeployment(config);
  const probes = options.probes ?? resolveForDeployment(config, options.baseDir);
  const limits = cloudWatchLimitProblems(config, probes, deployment.globalFailureRegions);
  if (limits.length > 0) throw new ConfigError(limits);
  const account = options.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const regions = [deployment.homeRegion, ...deployment.regions.filter((r) => r !== deployment.homeRegion)];

  const stacks = new Map<string, OAuthProbeStack>();
  for (const region of regions) {
    const isHome = region === deployment.homeRegion;
    const stack = new OAuthProbeStack(app, stackName(region), {
      env: { account, region },
      description: isHome
        ? 'oauth-probe: probes, alarms and notifier of this region; notification topic, dashboard and global alarms'
        : 'oauth-probe: probes, alarms and notifier of this region',
      region,
      homeRegion: deployment.homeRegion,
      namespace: deployment.namespace,
      globalFailureRegions: deployment.globalFailureRegions,
      metricsTransport: deployment.metricsTransport,
      metricsProfile: deployment.metricsProfile,
      probes: probes.filter((p) => p.regions.includes(region)),
      home: isHome ? { allProbes: probes, notifications: config.notifications } : undefined,
      entries: options.entries,
      probeMemoryMb: options.probeMemoryMb,
      logRetention: options.logRetention,
    });
    stacks.set(region, stack);
  }
  const homeStack = stacks.get(deployment.homeRegion)!;
  for (const [region, stack] of stacks) {
    // Deploy order only: the notification topic exists before any notifier publishes to it.
    if (region !== deployment.homeRegion) stack.addStackDependency(homeStack);
  }
  return { homeStack, stacks };
}

/**
 * `resolveProbes(config, { baseDir, inlineFiles: true })`, with an unreadable `tls.ca` file reported
 * as a config problem at its path (all of them at once) instead of a stack trace.
 */
export function resolveForDeployment(config: ProbesConfig, baseDir?: string, source?: string): ResolvedProbe[] {
  const problems: ConfigProblem[] = [];
  const probes = config.probes.flatMap((probe, index) => {
    try {
      return [resolveProbe(config, probe, { baseDir, inlineFiles: true })];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push({
        path: `probes[${index}].tls.ca`,
        message: `cannot read the CA file (${code}): give a path relative to probes.json, or inline PEM text`,
      });
      return [];
    }
  });
  if (problems.length > 0) throw new ConfigError(problems, source);
  return probes;
}

/** CloudWatch rejects an alarm whose evaluation range (period × periods) exceeds this. */
const MAX_EVALUATION_MINUTES = { shortPeriods: 24 * 60, hourlyPeriods: 7 * 24 * 60 };
/** An alarm's metric math takes at most 10 metrics: one per region in the global alarm. */
const MAX_GLOBAL_REGIONS = 10;

/**
 * Settings that are valid config but that CloudWatch would reject at deploy time, reported at synth
 * time with the path and the largest value that works.
 */
export function cloudWatchLimitProblems(
  config: ProbesConfig,
  probes: ResolvedProbe[],
  globalFailureRegions: number,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  probes.forEach((probe, index) => {
    const minutes = scheduleIntervalMinutes(probe.schedule);
    const range = minutes >= 60 ? MAX_EVALUATION_MINUTES.hourlyPeriods : MAX_EVALUATION_MINUTES.shortPeriods;
    const most = Math.floor(range / minutes);
    for (const field of ['evaluationPeriods', 'missingRunsPeriods'] as const) {
      if (probe.alarms[field] > most) {
        const where = config.probes[index]?.alarms?.[field] !== undefined ? `probes[${index}].alarms` : 'alarms';
        problems.push({
          path: `${where}.${field}`,
          message: `${probe.alarms[field]} periods of ${minutes} min (the schedule of "${probe.name}") exceed CloudWatch's evaluation range of ${range / 60} h: use at most ${most}`,
        });
      }
    }
    if (hasGlobalAlarm(probe, globalFailureRegions) && probe.regions.length > MAX_GLOBAL_REGIONS) {
      problems.push({
        path: `probes[${index}].regions`,
        message: `the global alarm can watch at most ${MAX_GLOBAL_REGIONS} regions (CloudWatch metric math limit); "${probe.name}" lists ${probe.regions.length}`,
      });
    }
  });
  return problems;
}
