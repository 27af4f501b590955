/**
 * `OAuthProbes`: everything oauth-probe deploys in one region, as a construct for any CDK app.
 *
 * - shared, once per region (in the stack the construct is in): the probe function, the scheduler role,
 *   the alarm topic and its key, the notifier, the metric filter; in the home region also the
 *   notification topic and the first dashboard;
 * - per shard (a nested stack each, `ProbeShard`): the probes' schedules and alarms, the probe's shard
 *   being a stable hash of its name (functions/config/limits.ts);
 * - further dashboards of a large fleet, a nested stack each.
 *
 * Regional stacks never reference another region's resources (no cross-region exports): names and ARNs
 * are built from lib/names.ts. Use `addOAuthProbeStacks` (lib/app.ts) for one stack per region.
 */
import { ArnFormat, CfnOutput, Duration, NestedStack, Stack, Tags, Token, ValidationError } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DEFAULT_METRICS_TRANSPORT } from '../functions/config/defaults.js';
import { kmsKeyArnIn } from '../functions/config/kms.js';
import { ConfigError } from '../functions/config/problems.js';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import type { ProbesConfigInput } from '../functions/config/schema.js';
import {
  DEFAULT_METRICS_PROFILE,
  localSecretId,
  METRIC_PUBLISH_FAILED_EVENT,
  METRIC_PUBLISH_FAILURES_METRIC,
  NOTIFIER_ENV,
  PROBE_ENV,
} from '../functions/contract/index.js';
import { type RegionPlan, type RoutingPlan, secretPolicyChars } from '../plan/index.js';
import { LAMBDA_ENTRIES, type LambdaRole } from './bundling.js';
import { AlarmTopic } from './constructs/alarm-topic.js';
import { FunctionWithLogGroup } from './constructs/function-with-log-group.js';
import { MaintenanceMuteRules } from './constructs/maintenance-mute-rules.js';
import { NotificationTopic } from './constructs/notification-topic.js';
import { forwardToNotificationTopic, NotifierDelivery } from './constructs/notifier-delivery.js';
import { NotifierRouting } from './constructs/notifier-routing.js';
import { ProbeDashboard } from './constructs/probe-dashboard.js';
import { ProbeShard } from './constructs/probe-shard.js';
import { SecretDriftAlarm } from './constructs/secret-drift-alarm.js';
import { type PreparedDeployment, prepareDeployment } from './deployment.js';
import { acknowledge, nagResource } from './nag.js';
import {
  chatTopicArn,
  dashboardName,
  dashboardUrl,
  homeKeysArn,
  notificationKeyAlias,
  notificationTopicArn,
} from './names.js';

/** Added to the longest probe deadline of the region: cold start, secret fetch, metric publishing. */
export const TIMEOUT_MARGIN = Duration.seconds(15);
/** Lambda's ceiling. */
const MAX_TIMEOUT = Duration.minutes(15);
/** The handler stops the engine this long before the function times out, to publish what it has. */
export const DEADLINE_MARGIN_MS = 3_000;
/** @default 300 seconds: a rotated secret is picked up within five minutes. */
export const SECRET_CACHE_TTL_SEC = 300;

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
  /** Memory of the probe function in MB. @default 256 */
  readonly probeMemoryMb?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Lambda entry files, by role. @default LAMBDA_ENTRIES (this package's handlers) */
  readonly entries?: Record<LambdaRole, string>;
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
  readonly probeFunction?: FunctionWithLogGroup;
  readonly notifierFunction: FunctionWithLogGroup;
  /** The notifier's retries, dead-letter queue and the alarms on both. */
  readonly notifierDelivery: NotifierDelivery;
  /** Home region only. */
  readonly notificationTopic?: NotificationTopic;
  /** Home region only: the first dashboard (the others are in nested stacks). */
  readonly dashboard?: ProbeDashboard;
  readonly dashboards: ProbeDashboard[] = [];
  readonly shards: ProbeShard[] = [];
  /** Who hears of what, from probes.json (`notifications`, each probe's notify/page/owner). */
  readonly routing: RoutingPlan;
  /** The region's secret version drift alarm (warning); absent in a home region that runs no probe. */
  readonly secretDriftAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OAuthProbesProps) {
    super(scope, id);
    this.prepared = props.prepared ?? this.prepare(props);
    const { deployment, plan } = this.prepared;
    const stackRegion = Stack.of(this).region;
    const region = props.region ?? (Token.isUnresolved(stackRegion) ? undefined : stackRegion);
    if (!region) {
      throw new ValidationError(
        'OAuthProbesRegion' as never,
        'OAuthProbes needs a region: give its stack `env: { region }`, or the `region` prop',
        this,
      );
    }
    if (!Token.isUnresolved(stackRegion) && stackRegion !== region) {
      throw new ValidationError(
        'OAuthProbesRegion' as never,
        `OAuthProbes: region ${region} differs from its stack's region ${stackRegion}`,
        this,
      );
    }
    const regionPlan = plan.regions.find((r) => r.region === region);
    if (!regionPlan) {
      throw new ValidationError(
        'OAuthProbesRegion' as never,
        `OAuthProbes: the config runs no probe from ${region} and its home region is ${deployment.homeRegion}; deploy it to one of: ${plan.regions.map((r) => r.region).join(', ')}`,
        this,
      );
    }
    this.region = region;
    this.isHome = regionPlan.isHome;
    for (const [key, value] of Object.entries(deployment.tags)) Tags.of(this).add(key, value);

    this.routing = plan.routing;
    const entries = props.entries ?? LAMBDA_ENTRIES;
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { deployment: deployment.name });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
    let schedulerRole: iam.Role | undefined;
    if (regionPlan.probes.length > 0) {
      this.probeFunction = this.buildProbeFunction(regionPlan, props, entries.probe);
      schedulerRole = this.buildSchedulerRole(this.probeFunction);
    }
    this.notifierDelivery = new NotifierDelivery(this, 'NotifierDelivery', {
      homeRegion: deployment.homeRegion,
      deployment: deployment.name,
    });
    this.notifierFunction = this.buildNotifier(props, entries.notifier);

    if (this.isHome) {
      this.notificationTopic = new NotificationTopic(this, 'NotificationTopic', {
        notifications: this.prepared.config.notifications,
        deployment: deployment.name,
        subscriptions: this.routing.subscriptions,
        chatTopic: this.routing.needsChatTopic,
      });
      new CfnOutput(this, 'NotificationTopicArn', { value: this.notificationTopic.topic.topicArn });
      forwardToNotificationTopic(this, this.notificationTopic, deployment.homeRegion, deployment.name);
      this.buildDashboards();
    }
    // One drift alarm per region that runs probes (lib/constructs/secret-drift-alarm.ts).
    if (this.probeFunction) {
      this.secretDriftAlarm = new SecretDriftAlarm(this, 'SecretDrift', {
        region,
        namespace: deployment.namespace,
        deployment: deployment.name,
      }).alarm;
    }
    // Straight to the notification topic (home) or forwarded to it (elsewhere): never through the notifier.
    this.notifierDelivery.watch(
      this.notifierFunction,
      this.notificationTopic?.topic,
      this.secretDriftAlarm ? [this.secretDriftAlarm] : [],
    );
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
    const maintenance = this.prepared.config.maintenance ?? [];
    if (maintenance.length > 0) {
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

  /** Config problems become a ValidationError on this construct (bin/app.ts prints it without a trace). */
  private prepare(props: OAuthProbesProps): PreparedDeployment {
    try {
      return prepareDeployment(props.config, { baseDir: props.baseDir, name: props.name });
    } catch (error) {
      if (error instanceof ConfigError) throw configValidationError(error, this);
      throw error;
    }
  }

  private buildDashboards(): void {
    const { deployment, plan } = this.prepared;
    const { homeRegion } = deployment;
    for (const group of plan.dashboards) {
      // The first dashboard stays in the region's stack (where it always was); a large fleet's further
      // dashboards each get a nested stack, so no template carries more than one big body.
      const scope = group.index === 0 ? this : new NestedStack(this, `Dashboard${group.index + 1}Stack`);
      // On-call, Executive and Debug of the group: the On-call page keeps `dashboardName(name, index)`.
      const dashboard = new ProbeDashboard(scope, group.index === 0 ? 'Dashboard' : `Dashboard${group.index + 1}`, {
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
      this.dashboards.push(dashboard);
    }
    (this as { dashboard?: ProbeDashboard }).dashboard = this.dashboards[0];
    new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl(homeRegion, deployment.name) });
  }

  private buildProbeFunction(regionPlan: RegionPlan, props: OAuthProbesProps, entry: string): FunctionWithLogGroup {
    const { deployment } = this.prepared;
    const { probes } = regionPlan;
    const { namespace } = deployment;
    const stack = Stack.of(this);
    const longest = Math.max(...probes.map((p) => p.deadlineMs));
    const timeout = Math.min(Math.ceil(longest / 1000) + TIMEOUT_MARGIN.toSeconds(), MAX_TIMEOUT.toSeconds());
    const names = probes.map((p) => p.name);
    const fn = new FunctionWithLogGroup(this, 'ProbeFunction', {
      entry,
      description:
        `oauth-probe${deployment.name === 'oauth-probe' ? '' : ` ${deployment.name}`}: runs ${names.join(', ')}`.slice(
          0,
          256,
        ),
      memorySize: props.probeMemoryMb ?? 256,
      timeout: Duration.seconds(timeout),
      logRetention: props.logRetention,
      environment: {
        [PROBE_ENV.namespace]: namespace,
        [PROBE_ENV.homeRegion]: deployment.homeRegion,
        [PROBE_ENV.deadlineMarginMs]: String(DEADLINE_MARGIN_MS),
        [PROBE_ENV.secretCacheTtlSec]: String(SECRET_CACHE_TTL_SEC),
        [PROBE_ENV.metricsTransport]: deployment.metricsTransport ?? DEFAULT_METRICS_TRANSPORT,
        [PROBE_ENV.metricsProfile]: deployment.metricsProfile ?? DEFAULT_METRICS_PROFILE,
        // The function publishes the Success copy for exactly the probes that get a global alarm.
        [PROBE_ENV.globalFailureRegions]: String(deployment.globalFailureRegions),
      },
    });
    new CfnOutput(this, 'ProbeFunctionName', { value: fn.functionName });
    this.placeInVpc(fn, regionPlan.region);

    // Secrets: exactly the ones the probes of this region name (by prefix when the list would not fit
    // IAM's policy size: functions/config/limits.ts).
    const grants = secretPolicyChars(probes.map((p) => p.credentials.secretId)).grants;
    const secretArns = [...new Set(grants.map((id) => secretArn(stack, id)))];
    fn.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadProbeSecrets',
        // DescribeSecret: the drift check reads the replica's PrimaryRegion and version stages (no value).
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: secretArns,
      }),
    );
    this.grantPrimaryVersionList(fn, grants);
    this.grantRotationNotices(fn, probes);
    // Each replica of a secret is encrypted with a key of its own region (functions/config/kms.ts).
    const keyArns = [
      ...new Set(
        probes.flatMap((p) => {
          const key = kmsKeyArnIn(p.credentials, regionPlan.region);
          return key ? [key] : [];
        }),
      ),
    ];
    if (keyArns.length > 0) {
      fn.executionRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptProbeSecretsThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: keyArns,
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    fn.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutMetricsIntoOwnNamespace',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
      }),
    );
    acknowledge(fn.executionRole, 'AwsSolutions-IAM5[Resource::*]', [
      'cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited to the',
      `"${namespace}" namespace by the cloudwatch:namespace condition.`,
    ]);
    for (const arn of secretArns.filter((a) => a.includes('??????') || a.endsWith('/*'))) {
      acknowledge(fn.executionRole, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`, [
        'A secret ARN ends in a random 6-character suffix unknown before the secret exists;',
        '"-??????" matches exactly that suffix of this one secret name; a "prefix/*" grant is used only when the',
        'per-secret list would exceed IAM policy size, and covers the secrets under the prefix the probes name.',
      ]);
    }

    // PutMetricData (and an EMF line that cannot be written) cannot count its own failures: the log
    // line the handler writes becomes a metric.
    new logs.MetricFilter(this, 'MetricPublishFailures', {
      logGroup: fn.functionLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.event', '=', METRIC_PUBLISH_FAILED_EVENT),
      metricNamespace: namespace,
      metricName: METRIC_PUBLISH_FAILURES_METRIC,
      metricValue: '1',
    });
    return fn;
  }

  /**
   * The drift check lists the versions of each secret in its primary region, which a secret name does
   * not tell at synth time: ListSecretVersionIds (ids, stages and dates; no value, no KMS) on the same
   * secrets in any region. A managed policy, not the inline one: IAM's inline size per role is taken by
   * the GetSecretValue grants (functions/config/limits.ts), a managed policy has its own 6,144 characters.
   */
  private grantPrimaryVersionList(fn: FunctionWithLogGroup, grants: string[]): void {
    const stack = Stack.of(this);
    const anyRegion = [...new Set(grants.map((id) => secretArnInAnyRegion(stack, id)))];
    const policy = new iam.ManagedPolicy(this, 'ListSecretVersionsInPrimaryRegion', {
      description:
        'oauth-probe: the secret version drift check lists the versions of the probe secrets in their primary region',
      statements: [
        new iam.PolicyStatement({
          sid: 'ListProbeSecretVersions',
          actions: ['secretsmanager:ListSecretVersionIds'],
          resources: anyRegion,
        }),
      ],
    });
    fn.executionRole.addManagedPolicy(policy);
    for (const arn of anyRegion) {
      acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`, [
        'The primary region of a replicated secret named by name is known only at run time, and a secret ARN ends',
        'in a random suffix; the statement allows ListSecretVersionIds (version ids, staging labels and dates, never',
        'a value) on the probe secrets only, in any region.',
      ]);
    }
  }

  /**
   * Probes with `credentials.rotationTest`: a failed rotation test is published, diagnosed, to the
   * notification topic by the probe function itself (docs/runtime.md, "Rotation tests").
   */
  private grantRotationNotices(fn: FunctionWithLogGroup, probes: readonly ResolvedProbe[]): void {
    if (!probes.some((p) => p.credentials.rotationTest === true)) return;
    const { deployment } = this.prepared;
    const { homeRegion } = deployment;
    const stack = Stack.of(this);
    const topicArn = notificationTopicArn(stack, homeRegion, deployment.name);
    fn.addEnvironment(PROBE_ENV.notificationTopicArn, topicArn);
    fn.addEnvironment(PROBE_ENV.deployment, deployment.name);
    fn.executionRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishRotationTestFailures', actions: ['sns:Publish'], resources: [topicArn] }),
    );
    const keys = homeKeysArn(stack, homeRegion);
    fn.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptRotationTestFailures',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [keys],
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': notificationKeyAlias(deployment.name) },
          StringEquals: {
            'kms:ViaService': `sns.${homeRegion}.amazonaws.com`,
            'kms:EncryptionContext:aws:sns:topicArn': topicArn,
          },
        },
      }),
    );
    acknowledge(fn.executionRole, `AwsSolutions-IAM5[Resource::${nagResource(stack, keys)}]`, [
      `The notification key lives in ${homeRegion} and its id is not known to other regions' stacks; the alias,`,
      'kms:ViaService and encryption-context conditions limit the statement to the notification topic key.',
    ]);
    acknowledge(fn.executionRole, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', [
      'Publishing to an SSE-KMS topic needs GenerateDataKey (SNS may call the WithoutPlaintext variant).',
    ]);
  }

  /**
   * Config `vpc.<region>`: the function's ENIs in the given subnets. Set on the CfnFunction rather than
   * through `vpc`/`vpcSubnets`, which need the VPC itself (its id and zones) for nothing we use.
   */
  private placeInVpc(fn: FunctionWithLogGroup, region: string): void {
    const placement = this.prepared.deployment.vpc[region];
    if (!placement) return;
    (fn.node.defaultChild as lambda.CfnFunction).vpcConfig = {
      subnetIds: placement.subnetIds,
      securityGroupIds: placement.securityGroupIds,
    };
    // What AWSLambdaVPCAccessExecutionRole grants, without the managed policy.
    fn.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageVpcNetworkInterfaces',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    acknowledge(fn.executionRole, 'AwsSolutions-IAM5[Resource::*]', [
      'Lambda creates and deletes the network interfaces of a function in a VPC; the EC2 network interface',
      'actions support no resource-level scoping at creation (the AWSLambdaVPCAccessExecutionRole grant).',
    ]);
  }

  /** The scheduler may invoke the probe function and nothing else. */
  private buildSchedulerRole(fn: FunctionWithLogGroup): iam.Role {
    const role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invoke the probe function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    return role;
  }

  private buildNotifier(props: OAuthProbesProps, entry: string): FunctionWithLogGroup {
    const { deployment } = this.prepared;
    const { homeRegion } = deployment;
    const stack = Stack.of(this);
    const topicArn = notificationTopicArn(stack, homeRegion, deployment.name);
    const environment: Record<string, string> = {
      [NOTIFIER_ENV.notificationTopicArn]: topicArn,
      [NOTIFIER_ENV.namespace]: deployment.namespace,
      [NOTIFIER_ENV.homeRegion]: homeRegion,
      [NOTIFIER_ENV.dashboardUrl]: dashboardUrl(homeRegion, deployment.name),
      [NOTIFIER_ENV.globalFailureRegions]: String(deployment.globalFailureRegions),
    };
    if (this.probeFunction) {
      environment[NOTIFIER_ENV.probeLogGroupName] = this.probeFunction.functionLogGroup.logGroupName;
    }
    const fn = new FunctionWithLogGroup(this, 'NotifierFunction', {
      entry,
      description: 'oauth-probe: turns alarm state changes into notifications',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
      environment,
      // Retried, then dead-lettered: a failed Publish must not lose the page (notifier-delivery.ts).
      ...this.notifierDelivery.asyncInvoke,
    });
    new CfnOutput(this, 'NotifierFunctionName', { value: fn.functionName });
    new NotifierRouting(this, 'NotifierRouting', {
      plan: this.routing,
      notifier: fn,
      homeRegion,
      chatTopicArn: chatTopicArn(stack, homeRegion, deployment.name),
    });
    this.alarmTopic.topic.addSubscription(new subscriptions.LambdaSubscription(fn));

    const role = fn.executionRole;
    if (this.probeFunction) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadLatestProbeResult',
          actions: ['logs:FilterLogEvents'],
          resources: [this.probeFunction.functionLogGroup.logGroupArn],
        }),
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadProbeMetrics',
        // ListMetrics: the global alarm's regions when its trigger does not name them.
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
        resources: ['*'],
      }),
    );
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', [
      'cloudwatch:GetMetricData and ListMetrics support no resource-level permissions (and no namespace condition);',
      'the notifier only reads the recent probe metrics it quotes in a notification.',
    ]);
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishNotifications', actions: ['sns:Publish'], resources: [topicArn] }),
    );
    const keys = homeKeysArn(stack, homeRegion);
    const alias = notificationKeyAlias(deployment.name);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptForNotificationTopic',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [keys],
        conditions: {
          // The one key aliased for notifications, used by SNS in the home region for the notification topic.
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias },
          StringEquals: {
            'kms:ViaService': `sns.${homeRegion}.amazonaws.com`,
            'kms:EncryptionContext:aws:sns:topicArn': this.routing.needsChatTopic
              ? [topicArn, chatTopicArn(stack, homeRegion, deployment.name)]
              : topicArn,
          },
        },
      }),
    );
    acknowledge(role, `AwsSolutions-IAM5[Resource::${nagResource(stack, keys)}]`, [
      `The notification key lives in ${homeRegion} and its id is not known to other regions' stacks (no`,
      `cross-region references); the kms:ResourceAliases, kms:ViaService and encryption-context conditions limit the statement to the one key aliased ${alias}, used by SNS for the notification topic.`,
    ]);
    acknowledge(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', [
      'Publishing to an SSE-KMS topic needs GenerateDataKey (SNS may call the WithoutPlaintext variant); the',
      'action wildcard covers only those two, on the one aliased key.',
    ]);
    return fn;
  }
}

/**
 * A config problem found by the construct: CDK's ValidationError (so CDK shows the construct's path),
 * carrying every problem as `problems`. (Not a subclass: ValidationError resets its prototype.)
 */
export function configValidationError(
  error: ConfigError,
  scope: Construct,
): ValidationError & {
  problems: ConfigError['problems'];
} {
  const validation = new ValidationError('OAuthProbesConfigError' as never, error.message, scope);
  return Object.assign(validation, { problems: error.problems });
}

/** The ARN pattern of a probe secret in any region (the drift check's primary-region read). */
export function secretArnInAnyRegion(stack: Stack, secretId: string): string {
  if (secretId.startsWith('arn:')) return secretId.replace(/^(arn:[^:]+:secretsmanager:)[^:]+:/, '$1*:');
  return stack.formatArn({
    service: 'secretsmanager',
    region: '*',
    resource: 'secret',
    resourceName: secretId.endsWith('/*') ? secretId : `${secretId}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * A secret name becomes the ARN of that name with any suffix (a `prefix/*` grant stays a wildcard); an
 * ARN becomes the ARN of its replica in this stack's region, because that is what the probe function
 * reads (`localSecretId`, one rule for both).
 */
export function secretArn(stack: Stack, secretId: string): string {
  if (secretId.startsWith('arn:')) return localSecretId(secretId, stack.region);
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: secretId.endsWith('/*') ? secretId : `${secretId}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
