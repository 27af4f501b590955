/**
 * Gives the notifier of a stack its routing table (env NOTIFY_ROUTES) and exactly the permissions the
 * native channels need: read the channel secrets (home region), read the global alarms' states (home
 * region) for one incident per cause, publish to the Chatbot topics.
 */
import { Annotations, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ConfigError } from '../../functions/config/problems.js';
import { channelSecretIds, type RoutingPlan } from '../../functions/config/routing.js';
import { ALARM_PREFIX, NOTIFIER_ENV, type NotificationRoutes } from '../../functions/contract/index.js';
import { acknowledge, nagResource } from '../nag.js';
import type { FunctionWithLogGroup } from './function-with-log-group.js';

/** Lambda allows 4 KB for all environment variables together; the rest of the notifier's takes < 1 KB. */
export const MAX_ROUTES_BYTES = 3_000;

export interface NotifierRoutingProps {
  plan: RoutingPlan;
  notifier: FunctionWithLogGroup;
  homeRegion: string;
}

export class NotifierRouting extends Construct {
  readonly routesJson: string;

  constructor(scope: Construct, id: string, props: NotifierRoutingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { plan, notifier, homeRegion } = props;
    // A fleet's per-probe authorization servers (used only to group incidents) can outgrow Lambda's
    // 4 KB environment: routing is what must fit, so grouping is given up first, with a warning.
    let routes = plan.routes;
    if (JSON.stringify(routes).length > MAX_ROUTES_BYTES) {
      routes = withoutAuthServers(routes);
      Annotations.of(this).addWarningV2(
        'oauth-probe:routing-without-grouping',
        'the routing table is too large for the notifier environment with per-probe authorization servers: incidents are not grouped by authorization server',
      );
    }
    this.routesJson = stack.toJsonString(routes);
    const size = JSON.stringify(routes).length;
    if (size > MAX_ROUTES_BYTES) {
      throw new ConfigError([
        {
          path: 'notifications',
          message: `the routing table is ${size} bytes, more than the ${MAX_ROUTES_BYTES} that fit in the notifier's environment (Lambda allows 4 KB in all): shorten owner texts and target names, or route more probes by the defaults instead of their own notify`,
        },
      ]);
    }
    notifier.addEnvironment(NOTIFIER_ENV.notifyRoutes, this.routesJson);
    const role = notifier.executionRole;

    const secrets = channelSecretIds(routes).map((id) => homeSecretArn(stack, homeRegion, id));
    if (secrets.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadChannelSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          resources: secrets,
        }),
      );
      for (const arn of secrets.filter((a) => a.includes('??????'))) {
        acknowledge(role, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`, [
          'A secret ARN ends in a random 6-character suffix unknown before the secret exists;',
          '"-??????" matches exactly that suffix of this one channel secret.',
        ]);
      }
    }
    const globalAlarms = stack.formatArn({
      service: 'cloudwatch',
      region: homeRegion,
      resource: 'alarm',
      resourceName: `${ALARM_PREFIX}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadProbeAlarmStates',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [globalAlarms],
      }),
    );
    acknowledge(role, `AwsSolutions-IAM5[Resource::${nagResource(stack, globalAlarms)}]`, [
      `Reads the state of oauth-probe's own alarms (names start with ${ALARM_PREFIX}-) in the home region, to`,
      'suppress regional alerts while the page is open and to group probes of one authorization server.',
    ]);
    const chatTopics = [
      ...new Set(Object.values(plan.routes.targets).flatMap((t) => (t.kind === 'chatbot' ? [t.topicArn] : []))),
    ];
    if (chatTopics.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({ sid: 'PublishChatNotifications', actions: ['sns:Publish'], resources: chatTopics }),
      );
    }
  }
}

/** A channel secret lives in the home region: a name becomes that region's ARN with any suffix. */
export function homeSecretArn(stack: Stack, homeRegion: string, secretId: string): string {
  if (secretId.startsWith('arn:')) return secretId;
  return stack.formatArn({
    service: 'secretsmanager',
    region: homeRegion,
    resource: 'secret',
    resourceName: `${secretId}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The routes without the per-probe `authServer` (incident grouping), keeping probes that still differ. */
function withoutAuthServers(routes: NotificationRoutes): NotificationRoutes {
  const probes: NotificationRoutes['probes'] = {};
  for (const [name, { authServer: _dropped, ...rest }] of Object.entries(routes.probes)) {
    if (Object.keys(rest).length > 0) probes[name] = rest;
  }
  return { ...routes, probes };
}
