/**
 * The notifier's handler logic: unwrap the SNS records of the AlarmTopic and hand each alarm state change
 * to `notifyAlarm`. A record that is not an alarm notification is logged and skipped (retrying it cannot
 * help). A record whose SNS MessageId this container already published is dropped: Lambda retries a
 * failed asynchronous invocation with the same event, and SNS may deliver a message twice. A failed
 * Publish fails the invocation (after the other records were tried), so that Lambda retries it and,
 * once the retries are spent, sends the event to the notifier's dead-letter queue.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SNSEvent } from 'aws-lambda';
import type { NOTIFIER_ENV } from '../../contract/environment.js';
import { parseJsonObject } from '../../guards.js';
import type { RuntimeLogger } from '../shared/log.js';
import type { AlarmStateChange } from '../shared/notification.js';
import { RecentKeys } from '../shared/recent-keys.js';
import {
  type NotifierDeps,
  type NotifierSettings,
  type NotifyOutcome,
  notifierSettingsFromEnv,
  notifyAlarm,
} from './alarm-change.js';

/** SNS message ids remembered per container. */
export const RECENT_MESSAGES_CAPACITY = 512;

export interface NotifierHandlerDeps {
  env: NodeJS.ProcessEnv;
  envNames: typeof NOTIFIER_ENV;
  logs: () => CloudWatchLogsClient;
  cloudWatch: () => CloudWatchClient;
  sns: (region: string) => SNSClient;
  logger: RuntimeLogger & { addContext?(context: Context): void };
  /** @default ENRICHMENT_BUDGET_MS of ./notifier.ts */
  enrichmentBudgetMs?: number;
  /** One per container. @default a new RecentKeys */
  published?: RecentKeys;
  /** Native channels: secrets by home region, CloudWatch by region. @default none (SNS subscribers only) */
  channels?: (settings: NotifierSettings) => NonNullable<NotifierDeps['channels']>;
}

export function createNotifierHandler(
  deps: NotifierHandlerDeps,
): (event: SNSEvent, context?: Partial<Context>) => Promise<NotifyOutcome[]> {
  let settings: NotifierSettings | undefined;
  const published = deps.published ?? new RecentKeys(RECENT_MESSAGES_CAPACITY);
  let channels: NotifierDeps['channels'];
  return async (event, context) => {
    if (context?.awsRequestId && deps.logger.addContext) deps.logger.addContext(context as Context);
    try {
      settings ??= notifierSettingsFromEnv(deps.env, deps.envNames);
      channels ??= deps.channels?.(settings);
    } catch (error) {
      deps.logger.error('notifier is misconfigured', {
        event: 'notifier_misconfigured',
        reason: (error as Error).message,
      });
      throw error;
    }
    const remainingMs = () => context?.getRemainingTimeInMillis?.();
    const outcomes: NotifyOutcome[] = [];
    let failure: unknown;
    for (const record of event?.Records ?? []) {
      const messageId = record?.Sns?.MessageId;
      if (messageId && published.has(messageId)) {
        deps.logger.info('notification already published by this container; duplicate delivery dropped', {
          event: 'duplicate_delivery',
          messageId,
        });
        outcomes.push({ published: false, reason: 'duplicate delivery' });
        continue;
      }
      const alarm = parseAlarmMessage(record?.Sns?.Message);
      if (!alarm) {
        deps.logger.error('SNS message is not a CloudWatch alarm notification; skipped', {
          event: 'notification_skipped',
          reason: 'not an alarm notification',
          topicArn: record?.Sns?.TopicArn,
          messageId,
        });
        outcomes.push({ published: false, reason: 'not an alarm notification' });
        continue;
      }
      try {
        const outcome = await notifyAlarm(alarm, {
          settings,
          logs: deps.logs,
          cloudWatch: deps.cloudWatch,
          sns: deps.sns,
          logger: deps.logger,
          remainingMs,
          ...(channels ? { channels } : {}),
          ...(deps.enrichmentBudgetMs !== undefined ? { enrichmentBudgetMs: deps.enrichmentBudgetMs } : {}),
        });
        if (outcome.published && messageId) published.add(messageId);
        outcomes.push(outcome);
      } catch (error) {
        failure ??= error;
        outcomes.push({ published: false, reason: 'publish failed' });
      }
    }
    if (failure !== undefined) throw failure;
    return outcomes;
  };
}

/** The alarm state change inside an SNS message, or undefined when it is not one. */
export function parseAlarmMessage(message: string | undefined): AlarmStateChange | undefined {
  if (!message) return undefined;
  const parsed = parseJsonObject(message);
  if (!parsed.ok) return undefined;
  const alarm = parsed.value as Partial<AlarmStateChange>;
  if (typeof alarm.AlarmName !== 'string' || typeof alarm.NewStateValue !== 'string') return undefined;
  if (!['ALARM', 'OK', 'INSUFFICIENT_DATA'].includes(alarm.NewStateValue)) return undefined;
  return {
    ...alarm,
    StateChangeTime: typeof alarm.StateChangeTime === 'string' ? alarm.StateChangeTime : '',
  } as AlarmStateChange;
}
