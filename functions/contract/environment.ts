/**
 * The contract between the CDK app (which creates the schedules and functions) and the Lambda handlers:
 * the event EventBridge Scheduler sends, and the environment variables. Only ids and ARNs travel in the
 * environment, never a secret.
 */
import type { ProbeConfigInput } from '../config/schema.js';

/**
 * The Scheduler target input of a probe schedule (validated by the probe function with
 * `probeEventSchema` in functions/runtime/probe-event.ts). `scheduledTime` and `executionId` are filled
 * by Scheduler's context attributes (`<aws.scheduler.scheduled-time>`, `<aws.scheduler.execution-id>`).
 */
export interface ProbeEvent {
  /** The probe with every default resolved (`resolveProbe(..., { inlineFiles: true })`): tls.ca is inline PEM. */
  probe: ProbeConfigInput;
  /** ISO 8601 time the run was scheduled for; metrics are timestamped with it and duplicates are detected by it. */
  scheduledTime?: string;
  executionId?: string;
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
export function probeEvent(probe: ProbeConfigInput & { tags?: unknown }): ProbeEvent {
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
} as const;

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
} as const;
