/**
 * The stacks of a deployment in a CDK app: one `OAuthProbeStack` per region that runs a probe, the
 * home region's stack first (created even when the home region runs no probe), the others depending on
 * it for deploy order (the notification topic exists before any notifier publishes to it).
 */
import type { App } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ProbesConfigInput } from '../functions/config/schema.js';
import type { LambdaRole } from './bundling.js';
import { type PreparedDeployment, prepareDeployment } from './deployment.js';
import { stackName } from './names.js';
import { OAuthProbeStack } from './oauth-probe-stack.js';

export interface OAuthProbeStacksProps {
  /** probes.json content or a path to it (validated with every quota check of `oauth-probe validate`). */
  readonly config: ProbesConfigInput | string;
  /** Overrides config `name`. @default config `name`, else "oauth-probe" */
  readonly name?: string;
  /** Folder for relative `tls.ca` paths. @default the config file's folder, else the cwd */
  readonly baseDir?: string;
  /** Names the config in error messages. @default the path */
  readonly source?: string;
  /** @default process.env.CDK_DEFAULT_ACCOUNT (account-agnostic when unset, so synth works offline) */
  readonly account?: string;
  /** Memory of the probe functions in MB. @default 256 */
  readonly probeMemoryMb?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Lambda entry files, by role; a role left out takes this package's handler. @default LAMBDA_ENTRIES */
  readonly entries?: Partial<Record<LambdaRole, string>>;
}

export interface OAuthProbeApp {
  readonly prepared: PreparedDeployment;
  readonly homeStack: OAuthProbeStack;
  /** Every stack by region, the home stack first. */
  readonly stacks: Map<string, OAuthProbeStack>;
}

/**
 * Adds the deployment's stacks to an app. Throws `ConfigError` (every problem, with paths) for a config
 * that `oauth-probe validate` would reject.
 */
export function addOAuthProbeStacks(app: App, props: OAuthProbeStacksProps): OAuthProbeApp {
  const prepared = prepareDeployment(props.config, { baseDir: props.baseDir, name: props.name, source: props.source });
  const { deployment, plan } = prepared;
  // An empty CDK_DEFAULT_ACCOUNT (a shell that exports it blank) means unset, not the account "".
  const account = props.account ?? (process.env.CDK_DEFAULT_ACCOUNT || undefined);
  const stacks = new Map<string, OAuthProbeStack>();
  for (const { region, isHome } of plan.regions) {
    const stack = new OAuthProbeStack(app, stackName(region, deployment.name), {
      env: { account, region },
      description: isHome
        ? 'oauth-probe: probes, alarms and notifier of this region; notification topic, dashboard and global alarms'
        : 'oauth-probe: probes, alarms and notifier of this region',
      // The home stack holds the notification topic people subscribed to: protected unless said otherwise.
      terminationProtection: deployment.terminationProtection ?? isHome,
      probes: {
        config: props.config,
        prepared,
        entries: props.entries,
        probeMemoryMb: props.probeMemoryMb,
        logRetention: props.logRetention,
      },
    });
    stacks.set(region, stack);
  }
  const homeStack = stacks.get(deployment.homeRegion)!;
  for (const [region, stack] of stacks) {
    if (region !== deployment.homeRegion) stack.addStackDependency(homeStack);
  }
  return { prepared, homeStack, stacks };
}
