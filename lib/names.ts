/**
 * Deterministic names and ARNs shared across regional stacks. A regional stack never references a
 * resource of another stack (no cross-region exports): it builds the name or ARN from these functions,
 * so the home stack and every regional stack agree by construction.
 */
import { Arn, ArnFormat, Aws, type Stack } from 'aws-cdk-lib';

/** The topic people subscribe to, in the home region. */
export const NOTIFICATION_TOPIC_NAME = 'oauth-probe-notifications';
/** Topic the app creates for Amazon Q Developer in chat applications (Chatbot) targets without a topicArn. */
export const CHAT_TOPIC_NAME = 'oauth-probe-chat';
/** The alarm topic of each region (one per account and region: one stack per region). */
export const ALARM_TOPIC_NAME = 'oauth-probe-alarms';
/** Alias of the KMS key that encrypts the notification topic; regional notifiers are scoped by it. */
export const NOTIFICATION_KEY_ALIAS = `alias/${NOTIFICATION_TOPIC_NAME}`;
/** The CloudWatch dashboard, in the home region. */
export const DASHBOARD_NAME = 'OAuthProbe';
/** Message attribute the notifier sets and critical subscriptions filter on. */
export const SEVERITY_ATTRIBUTE = 'severity';

/** `OAuthProbe-eu-west-1` */
export function stackName(region: string): string {
  return `OAuthProbe-${region}`;
}

/** ARN of the notification topic in the home region, built without a cross-region reference. */
export function notificationTopicArn(stack: Stack, homeRegion: string): string {
  return stack.formatArn({
    service: 'sns',
    region: homeRegion,
    resource: NOTIFICATION_TOPIC_NAME,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** ARN of the chat topic in the home region, built without a cross-region reference. */
export function chatTopicArn(stack: Stack, homeRegion: string): string {
  return stack.formatArn({
    service: 'sns',
    region: homeRegion,
    resource: CHAT_TOPIC_NAME,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** Any KMS key in the home region; IAM statements narrow it with the `kms:ResourceAliases` condition. */
export function homeKeysArn(stack: Stack, homeRegion: string): string {
  return stack.formatArn({ service: 'kms', region: homeRegion, resource: 'key', resourceName: '*' });
}

/** Console URL of the dashboard (works from any region: the URL names the home region). */
export function dashboardUrl(homeRegion: string): string {
  return `https://${homeRegion}.console.aws.amazon.com/cloudwatch/home?region=${homeRegion}#dashboards/dashboard/${DASHBOARD_NAME}`;
}

/** ARN of an alarm by name in any region of this account (for the dashboard's alarm widget). */
export function alarmArn(stack: Stack, region: string, name: string): string {
  return Arn.format(
    {
      service: 'cloudwatch',
      region,
      account: Aws.ACCOUNT_ID,
      resource: 'alarm',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
}
