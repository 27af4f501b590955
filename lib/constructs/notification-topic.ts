/**
 * The NotificationTopic in the home region: what people subscribe to. Every region's notifier
 * publishes here with a `severity` message attribute; warning targets get everything, critical
 * targets (pagers) only `severity = critical`.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { TARGETS_ATTRIBUTE } from '../../functions/contract/index.js';
import type { TopicSubscription } from '../../plan/index.js';
import { chatTopicName, notificationKeyAlias, notificationTopicName, SEVERITY_ATTRIBUTE } from '../names.js';

export interface NotificationTopicProps {
  /** `notifications` of probes.json (legacy wiring by severity). @default no subscriptions */
  readonly notifications?: ProbesConfig['notifications'];
  /** Config `name`. @default "oauth-probe" */
  readonly deployment?: string;
  /**
   * Email and HTTPS targets from the routing plan (functions/config/routing.ts): each endpoint is
   * subscribed once and filters on the `targets` message attribute. When given, `notifications` is
   * ignored.
   */
  readonly subscriptions?: readonly TopicSubscription[];
  /** Create the topic Amazon Q Developer in chat applications subscribes to. @default false */
  readonly chatTopic?: boolean;
}

export class NotificationTopic extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly chatTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    // The alias is how notifiers in other regions are allowed to use this key without knowing its id.
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the oauth-probe notification topic',
      alias: notificationKeyAlias(props.deployment),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: notificationTopicName(props.deployment),
      displayName: 'oauth-probe',
      masterKey: this.key,
      enforceSSL: true,
    });

    if (props.chatTopic) {
      // Chatbot reads custom notifications (./functions/runtime/notifier/channels/chatbot.ts) from here.
      this.chatTopic = new sns.Topic(this, 'ChatTopic', {
        topicName: chatTopicName(props.deployment),
        displayName: 'oauth-probe chat',
        masterKey: this.key,
        enforceSSL: true,
      });
    }
    if (props.subscriptions) {
      for (const subscription of props.subscriptions) {
        const filterPolicy = {
          // Messages without the attribute are the notifier's own health alarms (published by CloudWatch or
          // EventBridge, which set no attributes): everyone hears of those, so a broken notifier still pages.
          [TARGETS_ATTRIBUTE]: new sns.SubscriptionFilter([...subscription.targets, { exists: false }]),
        };
        this.topic.addSubscription(
          subscription.protocol === 'email'
            ? new subscriptions.EmailSubscription(subscription.endpoint, { filterPolicy })
            : new subscriptions.UrlSubscription(subscription.endpoint, {
                protocol: sns.SubscriptionProtocol.HTTPS,
                filterPolicy,
              }),
        );
      }
      return;
    }
    const warning = props.notifications?.warning;
    const critical = props.notifications?.critical;
    for (const email of unique(warning?.emails)) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const url of unique(warning?.https)) {
      this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
    const onlyCritical = {
      // No severity attribute: the notifier's own health alarms (CloudWatch, EventBridge): the pager hears of them.
      [SEVERITY_ATTRIBUTE]: new sns.SubscriptionFilter(['critical', { exists: false }]),
    };
    // A target listed under both already gets everything as a warning target (and SNS would refuse a
    // second subscription of the same endpoint).
    const warned = new Set([...(warning?.emails ?? []), ...(warning?.https ?? [])]);
    for (const email of unique(critical?.emails).filter((e) => !warned.has(e))) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email, { filterPolicy: onlyCritical }));
    }
    for (const url of unique(critical?.https).filter((u) => !warned.has(u))) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(url, {
          protocol: sns.SubscriptionProtocol.HTTPS,
          filterPolicy: onlyCritical,
        }),
      );
    }
  }
}

function unique(values: readonly string[] | undefined): string[] {
  return [...new Set(values ?? [])];
}
