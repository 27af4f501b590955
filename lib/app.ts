/**
 * The stacks of a deployment in a CDK app: one `OAuthProbeStack` per region that runs a probe, the
 * home region's stack first (created even when the home region runs no probe), the others depending on
 * it for deploy order (the notification topic exists before any notifier publishes to it).
 */
import type { App } from 'aws-cdk-lib';
import { type PreparedDeployment, prepareDeployment } from './deployment.js';
import { stackName } from './names.js';
import { OAuthProbeStack } from './oauth-probe-stack.js';
import type { OAuthProbesProps } from './oauth-probes.js';

/** The props of one region's `OAuthProbes` that belong to that region: its VPC, its alarm actions. */
export type RegionalProbesProps = Pick<
  OAuthProbesProps,
  'vpc' | 'vpcSubnets' | 'securityGroups' | 'alarmActions' | 'alarmTopic'
>;

/**
 * `OAuthProbesProps` for every region's stack (the construct's props, each applied in every region), and
 * what only the app knows. `region` is each stack's own.
 */
export interface OAuthProbeStacksProps extends Omit<OAuthProbesProps, 'region'> {
  /** @default process.env.CDK_DEFAULT_ACCOUNT (account-agnostic when unset, so synth works offline) */
  readonly account?: string;
  /**
   * Props of one region, made in that region's stack: an `IVpc` of the region (`Vpc.fromLookup`,
   * `Vpc.fromVpcAttributes`), a topic of the region for `alarmTopic`, actions for `alarmActions`. Called
   * once per region, before the region's `OAuthProbes` is built; what it returns wins over the props above.
   * @default nothing regional
   */
  readonly forRegion?: (stack: OAuthProbeStack, region: string) => RegionalProbesProps;
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
  const { account: accountProp, forRegion, ...probesProps } = props;
  const prepared =
    props.prepared ??
    prepareDeployment(props.config, {
      baseDir: props.baseDir,
      name: props.name,
      source: props.source,
      reservedConcurrency: props.reservedConcurrency,
    });
  const { deployment, plan } = prepared;
  // An empty CDK_DEFAULT_ACCOUNT (a shell that exports it blank) means unset, not the account "".
  const account = accountProp ?? (process.env.CDK_DEFAULT_ACCOUNT || undefined);
  const stacks = new Map<string, OAuthProbeStack>();
  for (const { region, isHome } of plan.regions) {
    const stack = new OAuthProbeStack(app, stackName(region, deployment.name), {
      env: { account, region },
      description: isHome
        ? 'oauth-probe: probes, alarms and notifier of this region; notification topic, dashboard and global alarms'
        : 'oauth-probe: probes, alarms and notifier of this region',
      // The home stack holds the notification topic people subscribed to: protected unless said otherwise.
      terminationProtection: deployment.terminationProtection ?? isHome,
      probes: { ...probesProps, prepared },
      ...(forRegion ? { regional: (s: OAuthProbeStack) => forRegion(s, region) } : {}),
    });
    stacks.set(region, stack);
  }
  const homeStack = stacks.get(deployment.homeRegion)!;
  for (const [region, stack] of stacks) {
    if (region !== deployment.homeRegion) stack.addStackDependency(homeStack);
  }
  return { prepared, homeStack, stacks };
}
