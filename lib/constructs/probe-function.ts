/**
 * The probe function of one region: the Lambda function that runs the region's probes on their
 * schedules (functions/runtime/probe), with everything it may do and nothing more:
 *
 * - read exactly the secrets the region's probes name (by prefix when the list would not fit IAM's
 *   policy size, plan/quotas.ts), describe them for the drift check, decrypt them through Secrets Manager
 *   with the keys of this region's replicas, and list their versions in their primary region;
 * - put metrics into its own namespace only; a metric filter turns its "publishing failed" log line into
 *   a metric (PutMetricData cannot count its own failures);
 * - publish a failed rotation test to the notification topic, for probes with `credentials.rotationTest`;
 * - run in a VPC: config `vpc.<region>` (subnet and security group ids), or an `IVpc` from the app.
 *
 * Like `FunctionWithLogGroup` (its log group and role), it keeps the resources it adds beside it in its
 * scope (the managed policy, the metric filter), so their logical ids are those they always had.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_METRICS_TRANSPORT } from '../../functions/config/defaults.js';
import { kmsKeyArnIn } from '../../functions/config/kms.js';
import type { DeploymentSettings, ResolvedProbe } from '../../functions/config/resolve.js';
import {
  DEFAULT_METRICS_PROFILE,
  localSecretId,
  METRIC_PUBLISH_FAILED_EVENT,
  METRIC_PUBLISH_FAILURES_METRIC,
  PROBE_ENV,
} from '../../functions/contract/index.js';
import { type RegionPlan, secretPolicyChars } from '../../plan/index.js';
import { acknowledge, nagResource } from '../acknowledge.js';
import { homeKeysArn, notificationKeyAlias, notificationTopicArn } from '../names.js';
import { FunctionWithLogGroup } from './function-with-log-group.js';

/** Added to the longest probe deadline of the region: cold start, secret fetch, metric publishing. */
export const TIMEOUT_MARGIN = Duration.seconds(15);
/** Lambda's ceiling. */
const MAX_TIMEOUT = Duration.minutes(15);
/** The handler stops the engine this long before the function times out, to publish what it has. */
export const DEADLINE_MARGIN_MS = 3_000;
/** @default 300 seconds: a rotated secret is picked up within five minutes. */
export const SECRET_CACHE_TTL_SEC = 300;
/** @default 256 MB (`npm run bench` measures what a run needs). */
export const DEFAULT_PROBE_MEMORY_MB = 256;

/** An `IVpc` of the app for the probe function, instead of config `vpc.<region>`. */
export interface ProbeFunctionVpc {
  readonly vpc: ec2.IVpc;
  /** @default the VPC's private subnets with egress (CDK's default for a function) */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** @default a new security group allowing all outbound traffic */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

export interface ProbeFunctionProps {
  /** The region's part of the plan: its probes and reservation. */
  readonly regionPlan: RegionPlan;
  readonly deployment: DeploymentSettings;
  /** The handler source, or a directory with the prebuilt bundle (LAMBDA_ENTRIES.probe). */
  readonly entry: string;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** An `IVpc` of the app; config `vpc.<region>` is used when absent. */
  readonly vpc?: ProbeFunctionVpc;
}

export class ProbeFunction extends FunctionWithLogGroup {
  /** The region's probes. */
  readonly probes: readonly ResolvedProbe[];

  constructor(scope: Construct, id: string, props: ProbeFunctionProps) {
    const { regionPlan, deployment } = props;
    const { probes } = regionPlan;
    const longest = Math.max(...probes.map((p) => p.deadlineMs));
    const timeout = Math.min(Math.ceil(longest / 1000) + TIMEOUT_MARGIN.toSeconds(), MAX_TIMEOUT.toSeconds());
    const names = probes.map((p) => p.name);
    super(scope, id, {
      entry: props.entry,
      description:
        `oauth-probe${deployment.name === 'oauth-probe' ? '' : ` ${deployment.name}`}: runs ${names.join(', ')}`.slice(
          0,
          256,
        ),
      memorySize: props.memoryMb ?? DEFAULT_PROBE_MEMORY_MB,
      timeout: Duration.seconds(timeout),
      // Config `reservedConcurrency` (plan/capacity.ts): opt-in, see docs/deploy.md, "Reserved concurrency".
      ...(regionPlan.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: regionPlan.reservedConcurrency }
        : {}),
      logRetention: props.logRetention,
      ...(props.vpc
        ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.vpcSubnets, securityGroups: props.vpc.securityGroups }
        : {}),
      environment: {
        [PROBE_ENV.namespace]: deployment.namespace,
        [PROBE_ENV.homeRegion]: deployment.homeRegion,
        [PROBE_ENV.deadlineMarginMs]: String(DEADLINE_MARGIN_MS),
        [PROBE_ENV.secretCacheTtlSec]: String(SECRET_CACHE_TTL_SEC),
        [PROBE_ENV.metricsTransport]: deployment.metricsTransport ?? DEFAULT_METRICS_TRANSPORT,
        [PROBE_ENV.metricsProfile]: deployment.metricsProfile ?? DEFAULT_METRICS_PROFILE,
        // The function publishes the Success copy for exactly the probes that get a global alarm.
        [PROBE_ENV.globalFailureRegions]: String(deployment.globalFailureRegions),
      },
    });
    this.probes = probes;
    const configVpc = deployment.vpc[regionPlan.region];
    if (configVpc) {
      // Set on the CfnFunction rather than through `vpc`/`vpcSubnets`, which need the VPC itself (its id
      // and zones) for nothing used here.
      (this.node.defaultChild as lambda.CfnFunction).vpcConfig = {
        subnetIds: configVpc.subnetIds,
        securityGroupIds: configVpc.securityGroupIds,
      };
    }
    if (configVpc || props.vpc) this.grantNetworkInterfaces();
    this.grantSecrets(scope);
    this.grantRotationNotices(deployment);
    this.grantReplicaKeys(regionPlan.region);
    this.grantMetrics(scope, deployment.namespace);
  }

  /** What AWSLambdaVPCAccessExecutionRole grants, without the managed policy (our role has none). */
  private grantNetworkInterfaces(): void {
    this.executionRole.addToPolicy(
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
    acknowledge(this.executionRole, 'AwsSolutions-IAM5[Resource::*]', [
      'Lambda creates and deletes the network interfaces of a function in a VPC; the EC2 network interface',
      'actions support no resource-level scoping at creation (the AWSLambdaVPCAccessExecutionRole grant).',
    ]);
  }

  /**
   * Exactly the secrets the probes of this region name (by prefix when the list would not fit IAM's
   * policy size), and their versions in the primary region.
   */
  private grantSecrets(scope: Construct): void {
    const stack = Stack.of(this);
    const grants = secretPolicyChars(this.probes.map((p) => p.credentials.secretId)).grants;
    const secretArns = [...new Set(grants.map((id) => secretArn(stack, id)))];
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadProbeSecrets',
        // DescribeSecret: the drift check reads the replica's PrimaryRegion and version stages (no value).
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: secretArns,
      }),
    );
    for (const arn of secretArns.filter((a) => a.includes('??????') || a.endsWith('/*'))) {
      acknowledge(this.executionRole, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`, [
        'A secret ARN ends in a random 6-character suffix unknown before the secret exists;',
        '"-??????" matches exactly that suffix of this one secret name; a "prefix/*" grant is used only when the',
        'per-secret list would exceed IAM policy size, and covers the secrets under the prefix the probes name.',
      ]);
    }
    this.grantPrimaryVersionList(scope, grants);
  }

  /** Each replica of a secret is encrypted with a key of its own region (functions/config/kms.ts). */
  private grantReplicaKeys(region: string): void {
    const stack = Stack.of(this);
    const keyArns = [
      ...new Set(
        this.probes.flatMap((p) => {
          const key = kmsKeyArnIn(p.credentials, region);
          return key ? [key] : [];
        }),
      ),
    ];
    if (keyArns.length > 0) {
      this.executionRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptProbeSecretsThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: keyArns,
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      );
    }
  }

  /**
   * The drift check lists the versions of each secret in its primary region, which a secret name does
   * not tell at synth time: ListSecretVersionIds (ids, stages and dates; no value, no KMS) on the same
   * secrets in any region. A managed policy, not the inline one: IAM's inline size per role is taken by
   * the GetSecretValue grants (plan/quotas.ts), a managed policy has its own 6,144 characters.
   */
  private grantPrimaryVersionList(scope: Construct, grants: string[]): void {
    const stack = Stack.of(this);
    const anyRegion = [...new Set(grants.map((id) => secretArnInAnyRegion(stack, id)))];
    const policy = new iam.ManagedPolicy(scope, 'ListSecretVersionsInPrimaryRegion', {
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
    this.executionRole.addManagedPolicy(policy);
    for (const arn of anyRegion) {
      acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`, [
        'The primary region of a replicated secret named by name is known only at run time, and a secret ARN ends',
        'in a random suffix; the statement allows ListSecretVersionIds (version ids, staging labels and dates, never',
        'a value) on the probe secrets only, in any region.',
      ]);
    }
  }

  /** PutMetricData into its own namespace; its failures counted from its log line. */
  private grantMetrics(scope: Construct, namespace: string): void {
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutMetricsIntoOwnNamespace',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
      }),
    );
    acknowledge(this.executionRole, 'AwsSolutions-IAM5[Resource::*]', [
      'cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited to the',
      `"${namespace}" namespace by the cloudwatch:namespace condition.`,
    ]);
    // PutMetricData (and an EMF line that cannot be written) cannot count its own failures: the log
    // line the handler writes becomes a metric.
    new logs.MetricFilter(scope, 'MetricPublishFailures', {
      logGroup: this.functionLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.event', '=', METRIC_PUBLISH_FAILED_EVENT),
      metricNamespace: namespace,
      metricName: METRIC_PUBLISH_FAILURES_METRIC,
      metricValue: '1',
    });
  }

  /**
   * Probes with `credentials.rotationTest`: a failed rotation test is published, diagnosed, to the
   * notification topic by the probe function itself (docs/runtime.md, "Rotation tests").
   */
  private grantRotationNotices(deployment: DeploymentSettings): void {
    if (!this.probes.some((p) => p.credentials.rotationTest === true)) return;
    const { homeRegion } = deployment;
    const stack = Stack.of(this);
    const topicArn = notificationTopicArn(stack, homeRegion, deployment.name);
    this.addEnvironment(PROBE_ENV.notificationTopicArn, topicArn);
    this.addEnvironment(PROBE_ENV.deployment, deployment.name);
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishRotationTestFailures', actions: ['sns:Publish'], resources: [topicArn] }),
    );
    const keys = homeKeysArn(stack, homeRegion);
    this.executionRole.addToPolicy(
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
    acknowledge(this.executionRole, `AwsSolutions-IAM5[Resource::${nagResource(stack, keys)}]`, [
      `The notification key lives in ${homeRegion} and its id is not known to other regions' stacks; the alias,`,
      'kms:ViaService and encryption-context conditions limit the statement to the notification topic key.',
    ]);
    acknowledge(this.executionRole, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', [
      'Publishing to an SSE-KMS topic needs GenerateDataKey (SNS may call the WithoutPlaintext variant).',
    ]);
  }
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
