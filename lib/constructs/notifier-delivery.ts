/**
 * What makes the notifier's own failures visible: its asynchronous invocations are retried and, once
 * the retries are spent, land in an encrypted dead-letter queue; two alarms (the notifier's `Errors`,
 * the queue's depth) go to people WITHOUT passing through the notifier, so a broken notifier still
 * reaches someone.
 *
 * - Home region: the alarms' actions publish CloudWatch's own alarm JSON to the notification topic.
 * - Other regions: an alarm action cannot name a topic of another region, so an EventBridge rule
 *   forwards the alarms' state changes to the home region's default event bus, where a rule of the
 *   home stack publishes them to the notification topic (`forwardToNotificationTopic`).
 *
 * Queue encryption: SSE-SQS (SQS-managed keys), not a customer-managed KMS key. Lambda writes to the
 * on-failure destination with the notifier's role; with a KMS key, that role and the key policy are one
 * more thing that must be right exactly when everything else is failing, and a destination that cannot
 * be written drops the record silently. SSE-SQS encrypts at rest with nothing to misconfigure and no
 * KMS request charges; the messages hold the alarm's state change (no secret).
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  notifierAlarmName,
  notifierAlarmPrefix,
  probeThrottlesAlarmPrefix,
  secretDriftAlarmPrefix,
} from '../../functions/contract/index.js';
import { acknowledge } from '../acknowledge.js';
import { notifySns } from './alarm-topic.js';
import type { NotificationTopic } from './notification-topic.js';

/** Lambda's maximum: a function error is retried after about 1 and 2 minutes. */
export const NOTIFIER_RETRY_ATTEMPTS = 2;
/**
 * A queued alarm notification is still worth sending hours later (throttles and Lambda-side errors are
 * retried for up to this long); after that it goes to the dead-letter queue.
 */
export const NOTIFIER_MAX_EVENT_AGE = Duration.hours(6);
/** SQS's maximum: two weeks to look at (and redrive) what was not delivered. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

export interface NotifierDeliveryProps {
  readonly homeRegion: string;
  /** Config `name`. @default "oauth-probe" */
  readonly deployment?: string;
}

export class NotifierDelivery extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  /** Spread into the notifier's props (FunctionWithLogGroup). */
  readonly asyncInvoke: { retryAttempts: number; maxEventAge: Duration; onFailure: lambda.IDestination };
  errorsAlarm?: cloudwatch.Alarm;
  deadLettersAlarm?: cloudwatch.Alarm;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: NotifierDeliveryProps,
  ) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', [
      "This queue is itself the dead letter of the notifier's asynchronous invocations (Lambda on-failure",
      'destination); nothing consumes it automatically, so it needs no dead-letter queue of its own.',
    ]);
    this.asyncInvoke = {
      retryAttempts: NOTIFIER_RETRY_ATTEMPTS,
      maxEventAge: NOTIFIER_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    };
  }

  /**
   * The two alarms on the notifier (and `others` delivered the same way: the secret drift and probe
   * throttles alarms).
   * `notificationTopic` is given in the home region (direct actions); elsewhere the alarms' state
   * changes are forwarded to the home region's event bus.
   */
  watch(notifier: lambda.IFunction, notificationTopic?: sns.ITopic, others: cloudwatch.Alarm[] = []): void {
    const region = Stack.of(this).region;
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmName: notifierAlarmName(region, 'errors', this.props.deployment),
      alarmDescription:
        'The oauth-probe notifier failed (its Publish failed or it crashed): alarm notifications of this region may be late or lost. Lambda retries it; see the notifier log and its dead-letter queue.',
      metric: notifier.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No invocation is no error: here silence is the healthy case.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLettersAlarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmName: notifierAlarmName(region, 'deadLetters', this.props.deployment),
      alarmDescription:
        'An oauth-probe alarm notification of this region was NOT delivered after all retries: it waits in the notifier dead-letter queue. Read it there, fix the notifier, then redrive or delete it.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // SQS stops reporting a queue idle for hours even with messages in it: keep the state, never a false OK.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    if (notificationTopic) {
      notifySns(this.errorsAlarm, notificationTopic);
      notifySns(this.deadLettersAlarm, notificationTopic);
      for (const alarm of others) notifySns(alarm, notificationTopic);
      return;
    }
    const stack = Stack.of(this);
    const homeBus = events.EventBus.fromEventBusArn(
      this,
      'HomeEventBus',
      stack.formatArn({
        service: 'events',
        region: this.props.homeRegion,
        resource: 'event-bus',
        resourceName: 'default',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    new events.Rule(this, 'ForwardToHomeRegion', {
      description: "oauth-probe: the notifier's own alarms, to the home region's notification topic",
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: [ALARM_STATE_CHANGE],
        resources: [this.errorsAlarm.alarmArn, this.deadLettersAlarm.alarmArn, ...others.map((a) => a.alarmArn)],
      },
      targets: [new targets.EventBus(homeBus)],
    });
  }
}

/**
 * Home stack: publishes the notifier alarms forwarded from other regions to the notification topic, and
 * lets EventBridge (and CloudWatch, for the home region's direct actions) use the topic and its key.
 */
export function forwardToNotificationTopic(
  scope: Construct,
  notification: NotificationTopic,
  homeRegion: string,
  deployment?: string,
): void {
  const stack = Stack.of(scope);
  const rule = new events.Rule(scope, 'NotifierAlarmsFromOtherRegions', {
    description: "oauth-probe: other regions' notifier alarms, straight to the notification topic",
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: [ALARM_STATE_CHANGE],
      region: events.Match.anythingBut(homeRegion),
      detail: { alarmName: [{ prefix: notifierAlarmPrefix(deployment) }] },
    },
    targets: [
      new targets.SnsTopic(notification.topic, {
        message: events.RuleTargetInput.fromText(
          `oauth-probe notifier alarm ${events.EventField.fromPath('$.detail.alarmName')} in ${events.EventField.region} is ${events.EventField.fromPath('$.detail.state.value')}: ${events.EventField.fromPath('$.detail.state.reason')}`,
        ),
      }),
    ],
  });
  void rule;
  new events.Rule(scope, 'SecretDriftAlarmsFromOtherRegions', {
    description: "oauth-probe: other regions' secret version drift alarms, straight to the notification topic",
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: [ALARM_STATE_CHANGE],
      region: events.Match.anythingBut(homeRegion),
      detail: { alarmName: [{ prefix: secretDriftAlarmPrefix(deployment) }] },
    },
    targets: [
      new targets.SnsTopic(notification.topic, {
        message: events.RuleTargetInput.fromText(
          `[WARNING] oauth-probe secret version drift alarm ${events.EventField.fromPath('$.detail.alarmName')} in ${events.EventField.region} is ${events.EventField.fromPath('$.detail.state.value')}: ${events.EventField.fromPath('$.detail.state.reason')}. A replica of a probe secret is not on the primary's AWSCURRENT; see the probe log (field secretDrift) and the replica's ReplicationStatus.`,
        ),
      }),
    ],
  });
  new events.Rule(scope, 'ProbeThrottlesAlarmsFromOtherRegions', {
    description: "oauth-probe: other regions' probe function throttles alarms, straight to the notification topic",
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: [ALARM_STATE_CHANGE],
      region: events.Match.anythingBut(homeRegion),
      detail: { alarmName: [{ prefix: probeThrottlesAlarmPrefix(deployment) }] },
    },
    targets: [
      new targets.SnsTopic(notification.topic, {
        message: events.RuleTargetInput.fromText(
          `[WARNING] oauth-probe probe function throttles alarm ${events.EventField.fromPath('$.detail.alarmName')} in ${events.EventField.region} is ${events.EventField.fromPath('$.detail.state.value')}: ${events.EventField.fromPath('$.detail.state.reason')}. Lambda throttled scheduled probe runs (the account's concurrency used up by other functions, or the reservedConcurrency too small): runs are late or lost and Stopped alarms may follow.`,
        ),
      }),
    ],
  });
  const sameAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
  notification.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AlarmsAndEventsPublishToEncryptedNotificationTopic',
      principals: [
        new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        new iam.ServicePrincipal('events.amazonaws.com'),
      ],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: sameAccount,
    }),
  );
  notification.topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'NotifierAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [notification.topic.topicArn],
      conditions: {
        ...sameAccount,
        ArnLike: {
          'aws:SourceArn': [
            notifierAlarmPrefix(deployment),
            secretDriftAlarmPrefix(deployment),
            probeThrottlesAlarmPrefix(deployment),
          ].map((prefix) =>
            stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${prefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        },
      },
    }),
  );
}
