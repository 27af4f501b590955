/**
 * `OAuthProbes`: everything oauth-probe deploys in one region, as a construct for any CDK app, rendered
 * from the deployment plan (plan/): it decides nothing of its own.
 *
 * - shared, once per region (in the stack the construct is in): the probe function (`ProbeFunction`),
 *   the scheduler role, the alarm topic and its key, the notifier (`Notifier`, with `NotifierDelivery`),
 *   the secret drift and throttles warnings; in the home region also the notification topic, the first
 *   dashboard and, with `notifications.heartbeat`, the watchdog;
 * - per shard (a nested stack each, `ProbeShard`): the probes' schedules and alarms, the probe's shard
 *   being a stable hash of its name (plan/layout.ts);
 * - further dashboards of a large fleet, a nested stack each.
 *
 * Regional stacks never reference another region's resources (no cross-region exports): names and ARNs
 * are built from lib/names.ts. Use `addOAuthProbeStacks` (lib/app.ts) for one stack per region.
 *
 * Errors: a config that `oauth-probe validate` refuses throws `ConfigError` (every problem with its path;
 * the message names this construct), as does a region the construct cannot deploy; a prop that
 * contradicts the config fails the synth through CDK's construct validation, with the construct's path.
 */
import { CfnOutput, NestedStack, Stack, Tags, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/config/problems.js';
import type { ProbesConfigInput } from '../functions/config/schema.js';
import type { RegionPlan, RoutingPlan } from '../plan/index.js';
import { LAMBDA_ENTRIES, type LambdaRole } from './bundling.js';
import { AlarmTopic } from './constructs/alarm-topic.js';
import { MaintenanceMuteRules } from './constructs/maintenance-mute-rules.js';
import { NotificationTopic } from './constructs/notification-topic.js';
import { Notifier } from './constructs/notifier.js';
import { forwardToNotificationTopic, NotifierDelivery } from './constructs/notifier-delivery.js';
import { ProbeDashboard } from './constructs/probe-dashboard.js';
import { ProbeFunction } from './constructs/probe-function.js';
import { ProbeShard } from './constructs/probe-shard.js';
import { ProbeThrottlesAlarm } from './constructs/probe-throttles-alarm.js';
import { SecretDriftAlarm } from './constructs/secret-drift-alarm.js';
import { addTeamAlarmActions } from './constructs/team-alarm-actions.js';
import { Watchdog } from './constructs/watchdog.js';
import { type PreparedDeployment, prepareDeployment } from './deployment.js';
import { dashboardName, dashboardUrl } from './names.js';

export {
  DEADLINE_MARGIN_MS,
  DEFAULT_PROBE_MEMORY_MB,
  SECRET_CACHE_TTL_SEC,
  secretArn,
  secretArnInAnyRegion,
  TIMEOUT_MARGIN,
} from './constructs/probe-function.js';

export interface OAuthProbesProps {
  /**
   * The probes.json content, or a path to the file (read at synth time; relative `tls.ca` paths are
   * then resolved against its folder). Validated here, with every quota check `oauth-probe validate` runs.
   */
  readonly config: ProbesConfigInput | string;
  /**
   * Deployment name; overrides config `name`. Prefixes physical names and alarm names, so that several
   * deployments share an account.
   * @default config `name`, else "oauth-probe"
   */
  readonly name?: string;
  /**
   * The region this construct deploys (its stack's region must be this one, or unresolved).
   * @default the stack's region, which must then be concrete (`env: { region }`)
   */
  readonly region?: string;
  /** Folder that relative `tls.ca` paths are resolved against. @default the config file's folder, else the cwd */
  readonly baseDir?: string;
  /** Names the config in error messages. @default the path, else "config" */
  readonly source?: string;
  /** Memory of the probe function in MB. @default 256 */
  readonly probeMemoryMb?: number;
  /**
   * Reserved concurrency of the probe function; overrides config `reservedConcurrency` (and is planned,
   * checked and priced the same way): `"auto"` (the busiest minute, at least 5) or a number.
   * @default config `reservedConcurrency`, else none (opt-in: docs/deploy.md, "Reserved concurrency")
   */
  readonly reservedConcurrency?: number | 'auto';
  /** Retention of the functions' log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Your own actions on every alarm that notifies (ALARM and OK), beside oauth-probe's notifier: a
   * pager's SNS action, an incident tool's. Each must be in this construct's region.
   * @default none
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /**
   * An existing topic of yours (in this construct's region) that hears of every alarm that notifies,
   * ALARM and OK: CloudWatch's own alarm JSON, beside oauth-probe's diagnosed notifications. A topic
   * encrypted with a KMS key must let `cloudwatch.amazonaws.com` use the key.
   * @default none
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * A VPC of your app for the probe function (internal authorization servers and APIs); config
   * `vpc.<region>` does the same by subnet and security group ids. Give one or the other.
   * @default config `vpc.<region>`, else no VPC
   */
  readonly vpc?: ec2.IVpc;
  /** Subnets of `vpc` for the probe function. @default the VPC's private subnets with egress */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups of the probe function in `vpc`. @default a new group allowing all outbound traffic */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The functions' code by role: a handler source (bundled at synth with esbuild, which must then be
   * installed) or a directory with a prebuilt `index.mjs`; a role left out takes this package's.
   * @default LAMBDA_ENTRIES (the package's prebuilt bundles; a clone's handler sources)
   */
  readonly entries?: Partial<Record<LambdaRole, string>>;
  /** A deployment already prepared by `prepareDeployment` (shared by the stacks of one app). @default prepared from `config` */
  readonly prepared?: PreparedDeployment;
}

export class OAuthProbes extends Construct {
  /** The validated deployment this construct builds one region of. */
  readonly prepared: PreparedDeployment;
  readonly region: string;
  readonly isHome: boolean;
  readonly alarmTopic: AlarmTopic;
  /** Absent in a home region that runs no probe. */
  readonly probeFunction?: ProbeFunction;
  readonly notifierFunction: Notifier;
  /** The notifier's retries, dead-letter queue and the alarms on both. */
  readonly notifierDelivery: NotifierDelivery;
  /** Home region only. */
  readonly notificationTopic?: NotificationTopic;
  /** Home region only: the first dashboard (the others are in nested stacks). */
  readonly dashboard?: ProbeDashboard;
  readonly dashboards: ProbeDashboard[];
  readonly shards: ProbeShard[] = [];
  /** Who hears of what, from probes.json (`notifications`, each probe's notify/page/owner). */
  readonly routing: RoutingPlan;
  /** The region's secret version drift alarm (warning); absent in a home region that runs no probe. */
  readonly secretDriftAlarm?: cloudwatch.Alarm;
  /** The probe function's Throttles alarm (warning); absent in a home region that runs no probe. */
  readonly throttlesAlarm?: cloudwatch.Alarm;
  /** Home region, with config `notifications.heartbeat`: the watchdog. */
  readonly watchdog?: Watchdog;

  constructor(scope: Construct, id: string, props: OAuthProbesProps) {
    super(scope, id);
    this.prepared = props.prepared ?? this.prepare(props);
    const { deployment, plan } = this.prepared;
    const regionPlan = this.regionPlan(props.region);
    const { region } = regionPlan;
    this.region = region;
    this.isHome = regionPlan.isHome;
    this.routing = plan.routing;
    for (const [key, value] of Object.entries(deployment.tags)) Tags.of(this).add(key, value);
    this.validateProps(props, regionPlan);
    const entries = { ...LAMBDA_ENTRIES, ...props.entries };

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { deployment: deployment.name });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
    let schedulerRole: iam.Role | undefined;
    if (regionPlan.probes.length > 0) {
      this.probeFunction = new ProbeFunction(this, 'ProbeFunction', {
        regionPlan,
        deployment,
        entry: entries.probe,
        memoryMb: props.probeMemoryMb,
        logRetention: props.logRetention,
        ...(props.vpc
          ? { vpc: { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups } }
          : {}),
      });
      new CfnOutput(this, 'ProbeFunctionName', { value: this.probeFunction.functionName });
      schedulerRole = this.buildSchedulerRole(this.probeFunction);
    }
    this.notifierDelivery = new NotifierDelivery(this, 'NotifierDelivery', {
      homeRegion: deployment.homeRegion,
      deployment: deployment.name,
    });
    this.notifierFunction = new Notifier(this, 'NotifierFunction', {
      deployment,
      routing: this.routing,
      alarmTopic: this.alarmTopic.topic,
      delivery: this.notifierDelivery,
      probeLogGroup: this.probeFunction?.functionLogGroup,
      entry: entries.notifier,
      logRetention: props.logRetention,
    });
    new CfnOutput(this, 'NotifierFunctionName', { value: this.notifierFunction.functionName });

    if (this.isHome) {
      this.notificationTopic = new NotificationTopic(this, 'NotificationTopic', {
        notifications: this.prepared.config.notifications,
        deployment: deployment.name,
        subscriptions: this.routing.subscriptions,
        chatTopic: this.routing.needsChatTopic,
      });
      new CfnOutput(this, 'NotificationTopicArn', { value: this.notificationTopic.topic.topicArn });
      forwardToNotificationTopic(this, this.notificationTopic, deployment.homeRegion, deployment.name);
    }
    this.dashboards = this.isHome ? this.buildDashboards() : [];
    this.dashboard = this.dashboards[0];
    if (this.probeFunction) {
      // One drift and one throttles warning per region that runs probes (plan/alarms.ts regionAlarms).
      this.secretDriftAlarm = new SecretDriftAlarm(this, 'SecretDrift', {
        region,
        namespace: deployment.namespace,
        deployment: deployment.name,
      }).alarm;
      this.throttlesAlarm = new ProbeThrottlesAlarm(this, 'ProbeThrottles', {
        region,
        fn: this.probeFunction,
        deployment: deployment.name,
        reservedConcurrency: regionPlan.reservedConcurrency,
      }).alarm;
    }
    // Straight to the notification topic (home) or forwarded to it (elsewhere): never through the notifier.
    this.notifierDelivery.watch(
      this.notifierFunction,
      this.notificationTopic?.topic,
      [this.secretDriftAlarm, this.throttlesAlarm].filter((a): a is cloudwatch.Alarm => a !== undefined),
    );
    if (this.isHome && plan.watchdog) this.watchdog = this.buildWatchdog(props, entries.watchdog);
    for (const shard of regionPlan.shards) {
      this.shards.push(
        new ProbeShard(this, `Shard${String(shard.index).padStart(2, '0')}`, {
          shard,
          region,
          isHome: this.isHome,
          deployment: deployment.name,
          namespace: deployment.namespace,
          globalFailureRegions: deployment.globalFailureRegions,
          profile: deployment.metricsProfile,
          fn: this.probeFunction,
          schedulerRole,
          topic: this.alarmTopic.topic,
        }),
      );
    }
    this.buildMaintenance();
    // The team's own actions, on exactly the alarms the plan says notify.
    const teamActions = [
      ...(props.alarmActions ?? []),
      ...(props.alarmTopic ? [new cwActions.SnsAction(props.alarmTopic)] : []),
    ];
    addTeamAlarmActions(this, plan.alarms, teamActions);
  }

  /**
   * Config problems become a `ConfigError` naming this construct (every problem, each with its path),
   * the error `oauth-probe validate` reports for the same config.
   */
  private prepare(props: OAuthProbesProps): PreparedDeployment {
    try {
      return prepareDeployment(props.config, {
        baseDir: props.baseDir,
        name: props.name,
        source: props.source,
        reservedConcurrency: props.reservedConcurrency,
      });
    } catch (error) {
      if (error instanceof ConfigError) throw this.configError(error.problems, error.source);
      throw error;
    }
  }

  private configError(problems: ConfigError['problems'], source = 'config'): ConfigError {
    return new ConfigError(problems, `${source} (OAuthProbes at ${this.node.path})`);
  }

  /** The plan of this construct's region: the `region` prop, else the stack's. */
  private regionPlan(propRegion: string | undefined): RegionPlan {
    const { deployment, plan } = this.prepared;
    const stackRegion = Stack.of(this).region;
    const region = propRegion ?? (Token.isUnresolved(stackRegion) ? undefined : stackRegion);
    const fail = (message: string) => this.configError([{ path: 'region', message }], this.prepared.source);
    if (!region) {
      throw fail('OAuthProbes needs a region: give its stack `env: { region }`, or the `region` prop');
    }
    if (!Token.isUnresolved(stackRegion) && stackRegion !== region) {
      throw fail(`${region} differs from its stack's region ${stackRegion}`);
    }
    const regionPlan = plan.regions.find((r) => r.region === region);
    if (!regionPlan) {
      throw fail(
        `the config runs no probe from ${region} and its home region is ${deployment.homeRegion}; deploy it to one of: ${plan.regions.map((r) => r.region).join(', ')}`,
      );
    }
    return regionPlan;
  }

  /** Props that contradict the config or the region: reported by CDK's construct validation at synth. */
  private validateProps(props: OAuthProbesProps, regionPlan: RegionPlan): void {
    const problems: string[] = [];
    const { region } = regionPlan;
    const elsewhere = (construct: { env: { region: string } } | undefined) =>
      construct !== undefined && !Token.isUnresolved(construct.env.region) && construct.env.region !== region;
    if (props.vpc && this.prepared.deployment.vpc[region]) {
      problems.push(
        `vpc: config vpc.${region} places the probe function too; give the VPC once (the prop, or the config)`,
      );
    }
    if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
      problems.push('vpcSubnets, securityGroups: they place the probe function in `vpc`; give `vpc` too');
    }
    if (props.vpc && regionPlan.probes.length === 0) {
      problems.push(`vpc: ${region} runs no probe, so there is no probe function to place in it`);
    }
    if (elsewhere(props.vpc)) problems.push(`vpc: the VPC is in ${props.vpc!.env.region}, this construct in ${region}`);
    if (elsewhere(props.alarmTopic)) {
      problems.push(
        `alarmTopic: the topic is in ${props.alarmTopic!.env.region}; an alarm action must be in ${region}`,
      );
    }
    if (problems.length > 0) this.node.addValidation({ validate: () => problems });
  }

  /** The first dashboard stays in the region's stack; a large fleet's further ones get a nested stack each. */
  private buildDashboards(): ProbeDashboard[] {
    const { deployment, plan } = this.prepared;
    const { homeRegion } = deployment;
    const dashboards = plan.dashboards.map((group) => {
      const scope = group.index === 0 ? this : new NestedStack(this, `Dashboard${group.index + 1}Stack`);
      // On-call, Executive and Debug of the group: the On-call page keeps `dashboardName(name, index)`.
      return new ProbeDashboard(scope, group.index === 0 ? 'Dashboard' : `Dashboard${group.index + 1}`, {
        probes: group.probes,
        deployment: deployment.name,
        index: group.index,
        groups: plan.dashboards.length,
        dashboardName: dashboardName(deployment.name, group.index),
        namespace: deployment.namespace,
        globalFailureRegions: deployment.globalFailureRegions,
        profile: deployment.metricsProfile,
        ...(this.probeFunction
          ? { logGroups: new Map([[homeRegion, this.probeFunction.functionLogGroup.logGroupName]]) }
          : {}),
      });
    });
    new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl(homeRegion, deployment.name) });
    return dashboards;
  }

  /** The scheduler may invoke the probe function and nothing else. */
  private buildSchedulerRole(fn: ProbeFunction): iam.Role {
    const role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invoke the probe function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    return role;
  }

  /** The watchdog as planned (plan/watchdog.ts): the home notifier by its metrics and alarms, the others by their alarms. */
  private buildWatchdog(props: OAuthProbesProps, entry: string): Watchdog {
    const { deployment, plan } = this.prepared;
    const watchdog = plan.watchdog!;
    return new Watchdog(this, 'Watchdog', {
      deployment: deployment.name,
      urlSecretId: watchdog.urlSecretId,
      schedule: watchdog.schedule,
      notifiers: watchdog.notifiers.map((n) => ({
        region: n.region,
        alarmNames: n.alarmNames,
        ...(n.home
          ? {
              functionName: this.notifierFunction.functionName,
              deadLetterQueueName: this.notifierDelivery.deadLetterQueue.queueName,
            }
          : {}),
      })),
      alarmRegions: watchdog.alarmRegions,
      neverRanGraceMinutes: watchdog.neverRanGraceMinutes,
      entry,
      logRetention: props.logRetention,
    });
  }

  /** Config `maintenance`: mute rules over the probes' notifying alarms, in config order. */
  private buildMaintenance(): void {
    const maintenance = this.prepared.config.maintenance ?? [];
    if (maintenance.length === 0) return;
    // In config order, whichever shard a probe landed in: the rules read as probes.json does.
    const byProbe = new Map(this.shards.flatMap((shard) => [...shard.alarmNames]));
    const alarmsByProbe = new Map<string, string[]>();
    for (const probe of this.prepared.probes) {
      const names = byProbe.get(probe.name);
      if (names) alarmsByProbe.set(probe.name, names);
    }
    new MaintenanceMuteRules(this, 'Maintenance', { windows: maintenance, alarmsByProbe });
  }
}
