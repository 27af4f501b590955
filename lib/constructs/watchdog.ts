/**
 * The watchdog (config `notifications.heartbeat`): a small function in the home region that, every
 * period, checks the alert path and pings an external dead man's switch only while it is healthy
 * (functions/runtime/watchdog). When the pings stop, the external service pages: it hears of what
 * cannot report itself (the home region's notifier, topic or CloudWatch broken, a probe that never ran).
 *
 * The schedule is an EventBridge rule rather than a Scheduler schedule: one fixed rate with no input,
 * and the Lambda permission it creates is scoped to the rule's ARN (no role to keep).
 *
 * IAM, each statement for one thing: read its one secret; GetMetricData (no resource-level
 * permissions exist for it); DescribeAlarms on the deployment's own alarms, in the regions it checks.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_HEARTBEAT_SCHEDULE } from '../../functions/config/defaults.js';
import { rateMinutes } from '../../functions/config/schedule.js';
import { alarmPrefix, WATCHDOG_ENV } from '../../functions/contract/index.js';
import { acknowledge, nagResource } from '../acknowledge.js';
import { LAMBDA_ENTRIES } from '../bundling.js';
import { FunctionWithLogGroup } from './function-with-log-group.js';

/**
 * A notifier the watchdog checks: its own alarms, and where this stack knows them (the home region's),
 * its function's Errors and its dead-letter queue's depth.
 */
export interface WatchedNotifier {
  region: string;
  /** The notifier function's name (a token of this stack). @default not read: another region's notifier */
  functionName?: string;
  /** The notifier's dead-letter queue name (a token of this stack). @default not read */
  deadLetterQueueName?: string;
  /** Its Errors and DeadLetters alarms (`notifierAlarmName`). @default none */
  alarmNames?: string[];
}

export interface WatchdogProps {
  /** Config `name`. @default "oauth-probe" */
  readonly deployment?: string;
  /** `notifications.heartbeat.urlSecretId`: name or ARN of the secret (this region) holding the heartbeat URL. */
  readonly urlSecretId: string;
  /** `notifications.heartbeat.schedule`: `rate(N minutes)`, 1 to 60. @default "rate(5 minutes)" */
  readonly schedule?: string;
  /** The notifiers to check (at least the home region's). */
  readonly notifiers: WatchedNotifier[];
  /** What the deployment's alarm names start with. @default alarmPrefix(deployment) */
  readonly alarmPrefix?: string;
  /** Regions whose probe alarms are checked. @default this stack's region */
  readonly alarmRegions?: string[];
  /**
   * Minutes a Stopped alarm may stay INSUFFICIENT_DATA after creation before it counts as a probe that
   * never ran: more than the longest schedule interval of the deployment's probes. @default 30
   */
  readonly neverRanGraceMinutes?: number;
  /** @default LAMBDA_ENTRIES.watchdog */
  readonly entry?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class Watchdog extends Construct {
  readonly function: FunctionWithLogGroup;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: WatchdogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const schedule = props.schedule ?? DEFAULT_HEARTBEAT_SCHEDULE;
    // Reported by CDK's construct validation at synth, with this construct's path (the plan has already
    // refused a bad `notifications.heartbeat` for the app; these guard direct use of the construct).
    const periodMinutes = rateMinutes(schedule) ?? 5;
    this.node.addValidation({
      validate: () => [
        ...(rateMinutes(schedule) === undefined ? [`schedule "${schedule}": expected "rate(N minutes)"`] : []),
        ...(props.notifiers.length === 0 ? ['notifiers: give at least one notifier to check'] : []),
      ],
    });
    const prefix = props.alarmPrefix ?? alarmPrefix(props.deployment);
    const alarmRegions = props.alarmRegions?.length ? props.alarmRegions : [stack.region];

    this.function = new FunctionWithLogGroup(this, 'WatchdogFunction', {
      entry: props.entry ?? LAMBDA_ENTRIES.watchdog,
      description: 'oauth-probe: pings the heartbeat URL while the alert path is healthy',
      memorySize: 256,
      // Its CloudWatch calls (5 s each, in parallel), the secret (3 s) and the ping (5 s), with room.
      timeout: Duration.seconds(30),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [WATCHDOG_ENV.urlSecretId]: props.urlSecretId,
        [WATCHDOG_ENV.periodMinutes]: String(periodMinutes),
        // Function and queue names are tokens of this stack: toJsonString resolves them inside the JSON.
        [WATCHDOG_ENV.notifiers]: stack.toJsonString(
          props.notifiers.map((n) => ({
            region: n.region,
            ...(n.functionName ? { functionName: n.functionName } : {}),
            ...(n.deadLetterQueueName ? { deadLetterQueueName: n.deadLetterQueueName } : {}),
            alarmNames: n.alarmNames ?? [],
          })),
        ),
        [WATCHDOG_ENV.alarmPrefix]: prefix,
        [WATCHDOG_ENV.alarmRegions]: alarmRegions.join(','),
        ...(props.neverRanGraceMinutes !== undefined
          ? { [WATCHDOG_ENV.neverRanGraceMinutes]: String(props.neverRanGraceMinutes) }
          : {}),
      },
    });

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'oauth-probe: watchdog heartbeat',
      schedule: events.Schedule.expression(schedule),
      // A missed run is a missed ping, which the external service tolerates within its grace.
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0, maxEventAge: Duration.minutes(2) })],
    });

    const role = this.function.executionRole;
    const secret = secretArn(stack, props.urlSecretId);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadHeartbeatUrl',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret],
      }),
    );
    if (secret.includes('??????')) {
      acknowledge(role, `AwsSolutions-IAM5[Resource::${nagResource(stack, secret)}]`, [
        'A secret ARN ends in a random 6-character suffix unknown before the secret exists;',
        '"-??????" matches exactly that suffix of the one heartbeat secret.',
      ]);
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadNotifierMetrics',
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', [
      'cloudwatch:GetMetricData supports no resource-level permissions; the watchdog reads only the',
      "notifiers' Errors and their dead-letter queues' depth.",
    ]);
    const regions = [...new Set([...alarmRegions, ...props.notifiers.map((n) => n.region)])];
    const alarms = regions.map((region) =>
      stack.formatArn({
        service: 'cloudwatch',
        region,
        resource: 'alarm',
        resourceName: `${prefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadOwnAlarmStates', actions: ['cloudwatch:DescribeAlarms'], resources: alarms }),
    );
    for (const arn of alarms) {
      acknowledge(role, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`, [
        `Reads the state of this deployment's own alarms (names start with ${prefix}): whether they evaluate,`,
        'and whether a Stopped alarm still waits for its first run.',
      ]);
    }
  }
}

/** The secret in this stack's region: a name becomes the ARN of that name with any suffix. */
function secretArn(stack: Stack, secretId: string): string {
  if (secretId.startsWith('arn:')) return secretId;
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${secretId}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
