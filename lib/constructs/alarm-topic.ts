/**
 * The regional AlarmTopic: CloudWatch alarms of this region publish here (ALARM and OK), the notifier
 * is subscribed. Encrypted with a customer-managed key, because the AWS-managed SNS key cannot be
 * shared with the CloudWatch service principal.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmPrefix } from '../../functions/contract/index.js';
import { alarmTopicName } from '../names.js';

export interface AlarmTopicProps {
  /** Config `name`. @default "oauth-probe" */
  readonly deployment?: string;
}

export class AlarmTopic extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const topicName = alarmTopicName(props.deployment);
    // Only this deployment's alarms (named by alarmName, all starting with its prefix) of this account and region.
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${alarmPrefix(props.deployment)}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the oauth-probe alarm topic in ${stack.region}`,
      enableKeyRotation: true,
      // SNS keeps no messages at rest beyond delivery: nothing needs the key once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // The topic's ARN is built from its fixed name: a Ref to the topic here would be a cycle (the
    // topic refers to the key).
    const topicArn = stack.formatArn({
      service: 'sns',
      resource: topicName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // SNS always names the topic in the encryption context: the key serves this topic only.
        conditions: {
          ...fromOurAlarms,
          StringEquals: { ...fromOurAlarms.StringEquals, 'kms:EncryptionContext:aws:sns:topicArn': topicArn },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName,
      displayName: 'oauth-probe alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
  }

  /** ALARM and OK actions to this topic (the notifier tells people both when it breaks and when it recovers). */
  notify(alarm: cloudwatch.Alarm): void {
    notifySns(alarm, this.topic);
  }
}

/** The one place alarm actions are wired: ALARM and OK to the same topic unless another OK topic is given. */
export function notifySns(
  alarm: cloudwatch.Alarm,
  onAlarmTopic: sns.ITopic,
  onOkTopic: sns.ITopic = onAlarmTopic,
): void {
  alarm.addAlarmAction(new cwActions.SnsAction(onAlarmTopic));
  alarm.addOkAction(new cwActions.SnsAction(onOkTopic));
}
