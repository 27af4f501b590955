/**
 * Gives the notifier of a stack its routing table and exactly the permissions the native channels need:
 * read the channel secrets (home region), read the global alarms' states (home region) for one incident
 * per cause, publish to the Chatbot topics.
 *
 * The table travels as a JSON file in a Lambda layer (/opt/oauth-probe/routes.json, read once per
 * container), not in the environment: Lambda's 4 KB environment held about 100 probes with their own
 * `page`, `owner` or `notify`, a file holds a fleet (1,000 probes with their own routes and owners take
 * about 0.3 MB; the plan checks it against plan/limits.ts `routesFileBytes`). A layer rather than a file
 * in the function's own code asset, so the notifier's code stays byte-identical across deployments and
 * machines (one asset hash) and only the layer changes with the routes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ALARM_PREFIX, NOTIFIER_ENV } from '../../functions/contract/index.js';
import { channelSecretIds, type RoutingPlan } from '../../plan/index.js';
import { acknowledge, nagResource } from '../acknowledge.js';
import type { FunctionWithLogGroup } from './function-with-log-group.js';

/** Where the layer puts the routing table in the function's file system. */
export const ROUTES_FILE = '/opt/oauth-probe/routes.json';

export interface NotifierRoutingProps {
  plan: RoutingPlan;
  notifier: FunctionWithLogGroup;
  homeRegion: string;
  /** The deployment's chat topic, for Chatbot targets without a topicArn. */
  chatTopicArn: string;
}

export class NotifierRouting extends Construct {
  /** The routing table as shipped (JSON). */
  readonly routesJson: string;
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: NotifierRoutingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { plan, notifier, homeRegion } = props;
    const routes = plan.routes;
    this.routesJson = JSON.stringify(routes);
    // The layer's content: a folder named by the table's hash (written once, shared by every synth of the
    // same table); CDK stages it into the assembly by its content hash.
    const hash = createHash('sha256').update(this.routesJson).digest('hex').slice(0, 32);
    const folder = join(tmpdir(), `oauth-probe-routes-${hash}`);
    if (!existsSync(join(folder, 'oauth-probe', 'routes.json'))) {
      mkdirSync(join(folder, 'oauth-probe'), { recursive: true });
      // Written aside and renamed: a parallel synth never stages a half-written file.
      const partial = `${folder}.${process.pid}.tmp`;
      writeFileSync(partial, this.routesJson);
      renameSync(partial, join(folder, 'oauth-probe', 'routes.json'));
    }
    this.layer = new lambda.LayerVersion(this, 'Routes', {
      code: lambda.Code.fromAsset(folder),
      description: 'oauth-probe: the notifier routing table (routes.json)',
      compatibleArchitectures: [lambda.Architecture.ARM_64],
    });
    notifier.addLayers(this.layer);
    notifier.addEnvironment(NOTIFIER_ENV.notifyRoutesFile, ROUTES_FILE);
    if (plan.needsChatTopic) notifier.addEnvironment(NOTIFIER_ENV.chatTopicArn, props.chatTopicArn);
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
      ...new Set(
        Object.values(plan.routes.targets).flatMap((t) =>
          t.kind === 'chatbot' ? [t.topicArn ?? props.chatTopicArn] : [],
        ),
      ),
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
