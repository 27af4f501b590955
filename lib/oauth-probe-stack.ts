/**
 * One stack per region that runs probes (`OAuthProbe-<region>`). The home region's stack also holds
 * the home resources: the notification topic, the dashboard and the global alarms.
 *
 * Regional stacks never reference the home stack's resources (CloudFormation exports do not cross
 * regions): names and ARNs are built from lib/names.ts.
 */

import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { DEFAULT_METRICS_TRANSPORT, type MetricsTransport } from '../functions/config/defaults.js';
import type { ResolvedProbe } from '../functions/config/resolve.js';
import type { ProbesConfig } from '../functions/config/schema.js';
import {
  hasGlobalAlarm,
  localSecretId,
  METRIC_PUBLISH_FAILED_EVENT,
  METRIC_PUBLISH_FAILURES_METRIC,
  NOTIFIER_ENV,
  PROBE_ENV,
} from '../functions/contract/index.js';
import { LAMBDA_ENTRIES, type LambdaRole } from './bundling.js';
import { AlarmTopic } from './constructs/alarm-topic.js';
import { FunctionWithLogGroup } from './constructs/function-with-log-group.js';
import { NotificationTopic } from './constructs/notification-topic.js';
import { GlobalProbeAlarm, RegionalProbeAlarms } from './constructs/probe-alarms.js';
import { ProbeDashboard } from './constructs/probe-dashboard.js';
import { ProbeSchedule } from './constructs/probe-schedule.js';
import { ProbeSloAlarms } from './constructs/slo-alarms.js';
import { acknowledge, nagResource } from './nag.js';
import { dashboardUrl, homeKeysArn, NOTIFICATION_KEY_ALIAS, notificationTopicArn } from './names.js';

/** Added to the longest probe deadline of the region: cold start, secret fetch, metric publishing. */
export const TIMEOUT_MARGIN = Duration.seconds(15);
/** Lambda's ceiling. */
const MAX_TIMEOUT = Duration.minutes(15);
/** The handler stops the engine this long before the function times out, to publish what it has. */
export const DEADLINE_MARGIN_MS = 3_000;
/** @default 300 seconds: a rotated secret is picked up within five minutes. */
export const SECRET_CACHE_TTL_SEC = 300;

export interface OAuthProbeStackProps extends StackProps {
  region: string;
  homeRegion: string;
  namespace: string;
  globalFailureRegions: number;
  /** `metrics.transport`: how the probe function publishes its regional metrics. @default putMetricData */
  metricsTransport?: MetricsTransport;
  /** The probes that run from this region (may be empty for a home region that runs none). */
  probes: ResolvedProbe[];
  /** Present on the home stack only: every probe, for the dashboard and the global alarms. */
  home?: {
    allProbes: ResolvedProbe[];
    notifications?: ProbesConfig['notifications'];
  };
  /** @default LAMBDA_ENTRIES */
  entries?: Record<LambdaRole, string>;
  /** Memory of the probe function in MB. @default 256 */
  probeMemoryMb?: number;
  /** @default one month */
  logRetention?: logs.RetentionDays;
}

export class OAuthProbeStack extends Stack {
  readonly alarmTopic: AlarmTopic;
  readonly probeFunction?: FunctionWithLogGroup;
  readonly notifierFunction: FunctionWithLogGroup;
  readonly notificationTopic?: NotificationTopic;
  readonly dashboard?: ProbeDashboard;

  constructor(scope: Construct, id: string, props: OAuthProbeStackProps) {
    super(scope, id, props);
    const entries = props.entries ?? LAMBDA_ENTRIES;
    const { namespace, homeRegion } = props;

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic');
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });

    if (props.probes.length > 0) {
      this.probeFunction = this.buildProbeFunction(props, entries.probe);
    }
    this.notifierFunction = this.buildNotifier(props, entries.notifier);

    if (props.home) {
      this.notificationTopic = new NotificationTopic(this, 'NotificationTopic', {
        notifications: props.home.notifications,
      });
      new CfnOutput(this, 'NotificationTopicArn', { value: this.notificationTopic.topic.topicArn });
      this.dashboard = new ProbeDashboard(this, 'Dashboard', {
        probes: props.home.allProbes,
        namespace,
        globalFailureRegions: props.globalFailureRegions,
        logGroups: this.probeFunction
          ? new Map([[this.region, this.probeFunction.functionLogGroup.logGroupName]])
          : undefined,
      });
      new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl(homeRegion) });
      for (const probe of props.home.allProbes) {
        if (!hasGlobalAlarm(probe, props.globalFailureRegions)) continue;
        new GlobalProbeAlarm(this, `Global-${probe.name}`, {
          probe,
          namespace,
          globalFailureRegions: props.globalFailureRegions,
          topic: this.alarmTopic.topic,
        });
      }
    }
  }

  private buildProbeFunction(props: OAuthProbeStackProps, entry: string): FunctionWithLogGroup {
    const { probes, namespace } = props;
    const longest = Math.max(...probes.map((p) => p.deadlineMs));
    const timeout = Math.min(Math.ceil(longest / 1000) + TIMEOUT_MARGIN.toSeconds(), MAX_TIMEOUT.toSeconds());
    const fn = new FunctionWithLogGroup(this, 'ProbeFunction', {
      entry,
      description: `oauth-probe: runs ${probes.map((p) => p.name).join(', ')}`.slice(0, 256),
      memorySize: props.probeMemoryMb ?? 256,
      timeout: Duration.seconds(timeout),
      logRetention: props.logRetention,
      environment: {
        [PROBE_ENV.namespace]: namespace,
        [PROBE_ENV.homeRegion]: props.homeRegion,
        [PROBE_ENV.deadlineMarginMs]: String(DEADLINE_MARGIN_MS),
        [PROBE_ENV.secretCacheTtlSec]: String(SECRET_CACHE_TTL_SEC),
        [PROBE_ENV.metricsTransport]: props.metricsTransport ?? DEFAULT_METRICS_TRANSPORT,
        // The function publishes the Success copy for exactly the probes that get a global alarm above.
        [PROBE_ENV.globalFailureRegions]: String(props.globalFailureRegions),
      },
    });
    new CfnOutput(this, 'ProbeFunctionName', { value: fn.functionName });

    // Secrets: exactly the ones the probes of this region name.
    const secretArns = [...new Set(probes.map((p) => secretArn(this, p.credentials.secretId)))];
    fn.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadProbeSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: secretArns,
      }),
    );
    const keyArns = [...new Set(probes.flatMap((p) => (p.credentials.kmsKeyArn ? [p.credentials.kmsKeyArn] : [])))];
    if (keyArns.length > 0) {
      fn.executionRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptProbeSecretsThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: keyArns,
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
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
    for (const arn of secretArns.filter((a) => a.includes('??????'))) {
      acknowledge(fn.executionRole, `AwsSolutions-IAM5[Resource::${nagResource(this, arn)}]`, [
        'A secret ARN ends in a random 6-character suffix unknown before the secret exists;',
        '"-??????" matches exactly that suffix of this one secret name, not other secrets.',
      ]);
    }

    // The scheduler may invoke this function and nothing else.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invoke the probe function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );

    for (const probe of probes) {
      new ProbeSchedule(this, `Schedule-${probe.name}`, { probe, fn, role: schedulerRole });
      new RegionalProbeAlarms(this, `Alarms-${probe.name}`, { probe, namespace, topic: this.alarmTopic.topic });
      new ProbeSloAlarms(this, `Slo-${probe.name}`, { probe, namespace, topic: this.alarmTopic.topic });
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

  private buildNotifier(props: OAuthProbeStackProps, entry: string): FunctionWithLogGroup {
    const topicArn = notificationTopicArn(this, props.homeRegion);
    const environment: Record<string, string> = {
      [NOTIFIER_ENV.notificationTopicArn]: topicArn,
      [NOTIFIER_ENV.namespace]: props.namespace,
      [NOTIFIER_ENV.homeRegion]: props.homeRegion,
      [NOTIFIER_ENV.dashboardUrl]: dashboardUrl(props.homeRegion),
      [NOTIFIER_ENV.globalFailureRegions]: String(props.globalFailureRegions),
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
    });
    new CfnOutput(this, 'NotifierFunctionName', { value: fn.functionName });
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
      new iam.PolicyStatement({ sid: 'ReadProbeMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', [
      'cloudwatch:GetMetricData supports no resource-level permissions (and no namespace condition);',
      'the notifier only reads the recent probe metrics it quotes in a notification.',
    ]);
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishNotifications', actions: ['sns:Publish'], resources: [topicArn] }),
    );
    const keys = homeKeysArn(this, props.homeRegion);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptForNotificationTopic',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [keys],
        conditions: {
          // The one key aliased for notifications, used by SNS in the home region for the notification topic.
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': NOTIFICATION_KEY_ALIAS },
          StringEquals: {
            'kms:ViaService': `sns.${props.homeRegion}.amazonaws.com`,
            'kms:EncryptionContext:aws:sns:topicArn': topicArn,
          },
        },
      }),
    );
    acknowledge(role, `AwsSolutions-IAM5[Resource::${nagResource(this, keys)}]`, [
      `The notification key lives in ${props.homeRegion} and its id is not known to other regions' stacks (no`,
      `cross-region references); the kms:ResourceAliases, kms:ViaService and encryption-context conditions limit the statement to the one key aliased ${NOTIFICATION_KEY_ALIAS}, used by SNS for the notification topic.`,
    ]);
    acknowledge(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', [
      'Publishing to an SSE-KMS topic needs GenerateDataKey (SNS may call the WithoutPlaintext variant); the',
      'action wildcard covers only those two, on the one aliased key.',
    ]);
    return fn;
  }
}

/**
 * A secret name becomes the ARN of that name with any suffix; an ARN becomes the ARN of its replica in
 * this stack's region, because that is what the probe function reads (`localSecretId`, one rule for both).
 */
export function secretArn(stack: Stack, secretId: string): string {
  if (secretId.startsWith('arn:')) return localSecretId(secretId, stack.region);
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${secretId}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
