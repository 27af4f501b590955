/**
 * The notifier's handler logic: unwrap the SNS records of the AlarmTopic and hand each alarm state change
 * to `notifyAlarm`. Input is never a reason to throw (./sns-event.ts): an event that is not an SNS event,
 * a record without a message, a message that is not an alarm state change are logged and skipped
 * (`notification_skipped`), since retrying them cannot help and throwing would dead-letter them and page
 * about the notifier. A record whose SNS MessageId this container already published is dropped: Lambda
 * retries a failed asynchronous invocation with the same event, and SNS may deliver a message twice. The
 * notifier's own failures still throw: a failed Publish (or any error of ours) fails the invocation
 * (after the other records were tried), so that Lambda retries it and, once the retries are spent, sends
 * the event to the notifier's dead-letter queue.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SNSEvent } from 'aws-lambda';
import type { NOTIFIER_ENV } from '../../contract/environment.js';
import type { RuntimeLogger } from '../shared/log.js';
import { RecentKeys } from '../shared/recent-keys.js';
import {
  type NotifierDeps,
  type NotifierSettings,
  type NotifyOutcome,
  notifierSettingsFromEnv,
  notifyAlarm,
} from './alarm-change.js';
import { alarmRecords } from './sns-event.js';

export { parseAlarmMessage } from './sns-event.js';

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
): (event: SNSEvent | unknown, context?: Partial<Context>) => Promise<NotifyOutcome[]> {
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
    const input = alarmRecords(event);
    if ('invalid' in input) {
      deps.logger.warn('event is not an SNS event; skipped', { event: 'notification_skipped', reason: input.invalid });
      return outcomes;
    }
    for (const record of input.records) {
      const { messageId, topicArn } = record;
      if (messageId && published.has(messageId)) {
        deps.logger.info('notification already published by this container; duplicate delivery dropped', {
          event: 'duplicate_delivery',
          messageId,
        });
        outcomes.push({ published: false, reason: 'duplicate delivery' });
        continue;
      }
      if ('skip' in record) {
        deps.logger.warn('SNS message is not a CloudWatch alarm notification; skipped', {
          event: 'notification_skipped',
          reason: record.skip,
          topicArn,
          messageId,
        });
        outcomes.push({ published: false, reason: 'not an alarm notification' });
        continue;
      }
      try {
        const outcome = await notifyAlarm(record.alarm, {
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
