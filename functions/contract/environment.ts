/**
 * The contract between the CDK app (which creates the schedules and functions) and the Lambda handlers:
 * the event EventBridge Scheduler sends, and the environment variables. Only ids and ARNs travel in the
 * environment, never a secret.
 */

/**
 * The Scheduler target input of a probe schedule (validated by the probe function with
 * `probeEventSchema` in functions/runtime/probe/event.ts). `scheduledTime` and `executionId` are filled
 * by Scheduler's context attributes (`<aws.scheduler.scheduled-time>`, `<aws.scheduler.execution-id>`).
 */
/**
 * The probe in the event: a probes.json probe (functions/config/schema.ts) with its defaults resolved.
 * Typed structurally here so that the contract imports nothing of config (no import cycle); the probe
 * function validates it with the schema (functions/runtime/probe/event.ts).
 */
export type ProbeEventProbe = { name: string } & Record<string, unknown>;

export interface ProbeEvent {
  /** The probe with every default resolved (`resolveProbe(..., { inlineFiles: true })`): tls.ca is inline PEM. */
  probe: ProbeEventProbe;
  /** ISO 8601 time the run was scheduled for; metrics are timestamped with it and duplicates are detected by it. */
  scheduledTime?: string;
  executionId?: string;
  /**
   * A direct invocation (a rotation test, `oauth-probe run --remote --version-stage`), never a schedule:
   * run the flow with this version stage of the secret (AWSCURRENT, AWSPENDING, AWSPREVIOUS or a custom
   * label; `checkVersionStage`), return the result, publish NO metrics and log it as a rotation test.
   */
  secretVersionStage?: string;
  /** The same with a version id (the rotation's ClientRequestToken); both may be given (they must agree). */
  secretVersionId?: string;
  /**
   * With a version: a failing run also publishes a diagnosed message to the notification topic (when the
   * function has one: config `credentials.rotationTest`). Set by `testPendingSecret`. @default false
   */
  notifyOnFailure?: boolean;
}

/** Secrets Manager's own staging labels. */
export const AWS_VERSION_STAGES = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'] as const;
/** A custom staging label (Secrets Manager allows 1 to 256 characters; we refuse spaces and control characters). */
const CUSTOM_STAGE = /^[A-Za-z0-9_+=.@:/-]{1,256}$/;
/** Secrets Manager version ids (a rotation's ClientRequestToken) are 32 to 64 characters. */
const VERSION_ID = /^[A-Za-z0-9_-]{32,64}$/;

/**
 * Why a version stage is not usable, or undefined when it is. A wrong-case AWS label (`awspending`) is
 * refused: Secrets Manager would read it as a custom label that does not exist.
 */
export function checkVersionStage(stage: string): string | undefined {
  if ((AWS_VERSION_STAGES as readonly string[]).includes(stage)) return undefined;
  const reserved = AWS_VERSION_STAGES.find((s) => s === stage.toUpperCase());
  if (reserved) return `"${stage}" is not a staging label: write ${reserved} (labels are case-sensitive)`;
  if (!CUSTOM_STAGE.test(stage)) {
    return `"${stage.slice(0, 40)}" is not a staging label: use AWSCURRENT, AWSPENDING, AWSPREVIOUS or a custom label of 1 to 256 letters, digits and _+=.@:/-`;
  }
  return undefined;
}

/** Why a version id is not usable, or undefined when it is. */
export function checkVersionId(id: string): string | undefined {
  return VERSION_ID.test(id)
    ? undefined
    : `"${id.slice(0, 70)}" is not a secret version id: 32 to 64 letters, digits, - and _ (the rotation's ClientRequestToken)`;
}

/** Scheduler's context attribute placeholders, written into the schedule input by the CDK app. */
export const SCHEDULER_CONTEXT = {
  scheduledTime: '<aws.scheduler.scheduled-time>',
  executionId: '<aws.scheduler.execution-id>',
} as const;

/**
 * The Scheduler target input of a probe: the resolved probe with the context placeholders. Tags stay
 * out (they are for AWS resources, not the run), which keeps the input under Scheduler's size limit.
 */
export function probeEvent(probe: ProbeEventProbe & { tags?: unknown }): ProbeEvent {
  const { tags: _tags, ...rest } = probe;
  return {
    probe: rest,
    scheduledTime: SCHEDULER_CONTEXT.scheduledTime,
    executionId: SCHEDULER_CONTEXT.executionId,
  };
}

/** Environment variables of the probe function. */
export const PROBE_ENV = {
  /** CloudWatch namespace. @default OAuthProbe */
  namespace: 'METRICS_NAMESPACE',
  /** Region of the dashboard and global alarms; a copy of Success goes there. */
  homeRegion: 'HOME_REGION',
  /** Run deadline safety margin: the engine deadline is min(probe.deadlineMs, remaining time − this). */
  deadlineMarginMs: 'DEADLINE_MARGIN_MS',
  /** Secrets Manager cache TTL in seconds. @default 300 */
  secretCacheTtlSec: 'SECRET_CACHE_TTL_SEC',
  /** `putMetricData` or `emf` (config `metrics.transport`). @default putMetricData */
  metricsTransport: 'METRICS_TRANSPORT',
  /** `full` or `lean` (config `metrics.profile`): which series are published. @default full */
  metricsProfile: 'METRICS_PROFILE',
  /**
   * Regions a probe must fail from at once to page (config `globalFailureRegions`): the Success copy for
   * the global alarm is published only for a probe with at least this many regions. @default 2
   */
  globalFailureRegions: 'GLOBAL_FAILURE_REGIONS',
  /**
   * The notification topic (home region): set only when a probe of the region opts in to rotation tests
   * (config `credentials.rotationTest`), for the diagnosed message of a failed rotation test.
   */
  notificationTopicArn: 'NOTIFICATION_TOPIC_ARN',
  /** Config `name` of the deployment (set with notificationTopicArn: names in rotation-test notifications). */
  deployment: 'DEPLOYMENT_NAME',
} as const;

/**
 * Environment the `ProbeRotationTest` construct gives a user's rotation function, read by
 * `testPendingSecret` (functions/rotation/).
 */
export const ROTATION_TEST_ENV = {
  /** Name of the probe function to invoke (same region as the rotation function). */
  functionName: 'OAUTH_PROBE_FUNCTION_NAME',
  /** The probe as the schedule sends it (JSON of `ProbeEventProbe`). */
  probe: 'OAUTH_PROBE_PROBE',
} as const;

/** `event` of the log line of a direct (rotation test) run: not `probe_result`, so no dashboard or alarm reads it. */
export const ROTATION_TEST_LOG_EVENT = 'rotation_test_result';

/** Environment variables of the notifier function. */
export const NOTIFIER_ENV = {
  /** SNS topic people subscribe to (in the home region). */
  notificationTopicArn: 'NOTIFICATION_TOPIC_ARN',
  /** Log group of the probe function in this region, searched for the latest result. */
  probeLogGroupName: 'PROBE_LOG_GROUP_NAME',
  namespace: 'METRICS_NAMESPACE',
  homeRegion: 'HOME_REGION',
  /** CloudWatch dashboard URL (console). */
  dashboardUrl: 'DASHBOARD_URL',
  /** Regions a probe must fail from at once to page. */
  globalFailureRegions: 'GLOBAL_FAILURE_REGIONS',
  /** Routing table (functions/contract/notification-routes.ts), JSON: targets by name, per-probe routes. */
  notifyRoutes: 'NOTIFY_ROUTES',
  /**
   * Path of the routing table as a JSON file (the CDK app ships it in a Lambda layer: /opt/...), read once
   * per container. A fleet's table does not fit Lambda's 4 KB environment.
   */
  notifyRoutesFile: 'NOTIFY_ROUTES_FILE',
  /** The chat topic the deployment creates for Chatbot targets without a topicArn. */
  chatTopicArn: 'CHAT_TOPIC_ARN',
} as const;

/** Environment variables of the watchdog function (home region; functions/runtime/watchdog). */
export const WATCHDOG_ENV = {
  /** Secrets Manager secret (home region) holding the heartbeat URL: plain text or JSON { "url" }. */
  urlSecretId: 'HEARTBEAT_URL_SECRET_ID',
  /** Minutes between two runs (config `notifications.heartbeat.schedule`): the look-back of the checks. */
  periodMinutes: 'HEARTBEAT_PERIOD_MINUTES',
  /**
   * The notifiers to check, JSON `[{ "region", "functionName", "deadLetterQueueName", "alarmNames": [..] }]`:
   * their `Errors`, their dead-letter queue's depth and the state of their own alarms.
   */
  notifiers: 'WATCHDOG_NOTIFIERS',
  /** What every alarm name of the deployment starts with (`alarmPrefix(name)`), e.g. `OAuthProbe-`. */
  alarmPrefix: 'WATCHDOG_ALARM_PREFIX',
  /** Regions whose probe alarms are checked, comma-separated. @default the function's region */
  alarmRegions: 'WATCHDOG_ALARM_REGIONS',
  /**
   * Minutes a Stopped alarm may stay INSUFFICIENT_DATA after its creation (or last change) before it counts
   * as a probe that never ran. @default 30
   */
  neverRanGraceMinutes: 'WATCHDOG_NEVER_RAN_GRACE_MINUTES',
} as const;

/** `event` of the watchdog's one line per run. */
export const HEARTBEAT_LOG_EVENT = 'heartbeat';
