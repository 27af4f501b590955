/**
 * The notifier of one region: the Lambda function subscribed to the region's alarm topic that turns each
 * alarm state change into one diagnosed notification (functions/runtime/notifier) and publishes it to the
 * home region's notification topic. Its routing table comes in a Lambda layer (./notifier-routing.ts),
 * so the code asset is the same in every deployment; its retries and dead letter come from
 * `NotifierDelivery`. It may read the latest probe result of its region (the probe log), the recent probe
 * metrics it quotes, and publish (and encrypt) to the notification topic and nothing else.
 *
 * Like `FunctionWithLogGroup` (its log group and role), it keeps the resources it adds beside it in its
 * scope (the routing layer, the subscription), so their logical ids are those they always had.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentSettings } from '../../functions/config/resolve.js';
import { NOTIFIER_ENV } from '../../functions/contract/index.js';
import type { RoutingPlan } from '../../plan/index.js';
import { acknowledge, nagResource } from '../acknowledge.js';
import { chatTopicArn, dashboardUrl, homeKeysArn, notificationKeyAlias, notificationTopicArn } from '../names.js';
import { FunctionWithLogGroup } from './function-with-log-group.js';
import type { NotifierDelivery } from './notifier-delivery.js';
import { NotifierRouting } from './notifier-routing.js';

export interface NotifierProps {
  readonly deployment: DeploymentSettings;
  /** Who hears of what (the plan's routing). */
  readonly routing: RoutingPlan;
  /** The region's alarm topic: the notifier subscribes to it. */
  readonly alarmTopic: sns.ITopic;
  /** Its retries and dead-letter queue. */
  readonly delivery: NotifierDelivery;
  /** The region's probe log, where the latest result is read; absent in a home region that runs no probe. */
  readonly probeLogGroup?: logs.ILogGroup;
  /** The handler source, or a directory with the prebuilt bundle (LAMBDA_ENTRIES.notifier). */
  readonly entry: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class Notifier extends FunctionWithLogGroup {
  /** The routing table's layer. */
  readonly routingLayer: NotifierRouting;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    const { deployment } = props;
    const { homeRegion } = deployment;
    const stack = Stack.of(scope);
    const topicArn = notificationTopicArn(stack, homeRegion, deployment.name);
    super(scope, id, {
      entry: props.entry,
      description: 'oauth-probe: turns alarm state changes into notifications',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
      environment: {
        [NOTIFIER_ENV.notificationTopicArn]: topicArn,
        [NOTIFIER_ENV.namespace]: deployment.namespace,
        [NOTIFIER_ENV.homeRegion]: homeRegion,
        [NOTIFIER_ENV.dashboardUrl]: dashboardUrl(homeRegion, deployment.name),
        [NOTIFIER_ENV.globalFailureRegions]: String(deployment.globalFailureRegions),
        ...(props.probeLogGroup ? { [NOTIFIER_ENV.probeLogGroupName]: props.probeLogGroup.logGroupName } : {}),
      },
      // Retried, then dead-lettered: a failed Publish must not lose the page (notifier-delivery.ts).
      ...props.delivery.asyncInvoke,
    });
    this.routingLayer = new NotifierRouting(scope, 'NotifierRouting', {
      plan: props.routing,
      notifier: this,
      homeRegion,
      chatTopicArn: chatTopicArn(stack, homeRegion, deployment.name),
    });
    props.alarmTopic.addSubscription(new subscriptions.LambdaSubscription(this));
    this.grantReads(props.probeLogGroup);
    this.grantPublish(deployment, topicArn, props.routing.needsChatTopic);
  }

  /** The latest probe result (its log) and the recent metrics a notification quotes. */
  private grantReads(probeLogGroup: logs.ILogGroup | undefined): void {
    const role = this.executionRole;
    if (probeLogGroup) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadLatestProbeResult',
          actions: ['logs:FilterLogEvents'],
          resources: [probeLogGroup.logGroupArn],
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
  }

  /** Publish to the notification topic (and the chat topic), encrypting with the one notification key. */
  private grantPublish(deployment: DeploymentSettings, topicArn: string, chatTopic: boolean): void {
    const role = this.executionRole;
    const stack = Stack.of(this);
    const { homeRegion } = deployment;
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
            'kms:EncryptionContext:aws:sns:topicArn': chatTopic
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
  }
}
