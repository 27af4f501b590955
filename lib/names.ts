/**
 * Deterministic names and ARNs shared across regional stacks, for one deployment (config `name`). A
 * regional stack never references a resource of another stack (no cross-region exports): it builds the
 * name or ARN from these functions, so the home stack and every regional stack agree by construction.
 *
 * Every function takes the deployment name last and defaults it, so the default deployment keeps the
 * names it had before deployments were named (functions/contract/deployment-name.ts).
 */
import { Arn, ArnFormat, Aws, type Stack } from 'aws-cdk-lib';
import {
  DEFAULT_DEPLOYMENT_NAME,
  deploymentDashboardName,
  deploymentResourceName,
  deploymentStackName,
} from '../functions/contract/index.js';

/** The topic people subscribe to, in the home region (default deployment). */
export const NOTIFICATION_TOPIC_NAME = notificationTopicName();
/** The alarm topic of each region (default deployment). */
export const ALARM_TOPIC_NAME = alarmTopicName();
/** Alias of the KMS key that encrypts the notification topic (default deployment). */
export const NOTIFICATION_KEY_ALIAS = notificationKeyAlias();
/** The CloudWatch dashboard, in the home region (default deployment). */
export const DASHBOARD_NAME = dashboardName();
/** Message attribute the notifier sets and critical subscriptions filter on. */
export const SEVERITY_ATTRIBUTE = 'severity';

/** `oauth-probe-notifications`, `<name>-notifications` */
export function notificationTopicName(deployment = DEFAULT_DEPLOYMENT_NAME): string {
  return deploymentResourceName(deployment, 'notifications');
}

/** `oauth-probe-alarms`, `<name>-alarms` (one per region and deployment) */
export function alarmTopicName(deployment = DEFAULT_DEPLOYMENT_NAME): string {
  return deploymentResourceName(deployment, 'alarms');
}

/** Regional notifiers are allowed the notification key by this alias (they cannot know its id). */
export function notificationKeyAlias(deployment = DEFAULT_DEPLOYMENT_NAME): string {
  return `alias/${notificationTopicName(deployment)}`;
}

/** `OAuthProbe`, `OAuthProbe-2` (further dashboards of a large fleet); `<name>`, `<name>-2` */
export function dashboardName(deployment = DEFAULT_DEPLOYMENT_NAME, index = 0): string {
  return deploymentDashboardName(deployment, index === 0 ? undefined : String(index + 1));
}

/** `OAuthProbe-eu-west-1`, `<name>-eu-west-1` */
export function stackName(region: string, deployment = DEFAULT_DEPLOYMENT_NAME): string {
  return deploymentStackName(deployment, region);
}

/** ARN of the notification topic in the home region, built without a cross-region reference. */
export function notificationTopicArn(stack: Stack, homeRegion: string, deployment = DEFAULT_DEPLOYMENT_NAME): string {
  return stack.formatArn({
    service: 'sns',
    region: homeRegion,
    resource: notificationTopicName(deployment),
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** Any KMS key in the home region; IAM statements narrow it with the `kms:ResourceAliases` condition. */
export function homeKeysArn(stack: Stack, homeRegion: string): string {
  return stack.formatArn({ service: 'kms', region: homeRegion, resource: 'key', resourceName: '*' });
}

/** Console URL of the (first) dashboard; works from any region: the URL names the home region. */
export function dashboardUrl(homeRegion: string, deployment = DEFAULT_DEPLOYMENT_NAME): string {
  return `https://${homeRegion}.console.aws.amazon.com/cloudwatch/home?region=${homeRegion}#dashboards/dashboard/${dashboardName(deployment)}`;
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
