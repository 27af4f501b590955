/**
 * The notifier's handler logic: unwrap the SNS records of the AlarmTopic and hand each alarm state change
 * to `notifyAlarm`. A record that is not an alarm notification is logged and skipped (retrying it cannot
 * help); a failed Publish is rethrown so that Lambda retries the asynchronous invocation.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SNSEvent } from 'aws-lambda';
import type { NOTIFIER_ENV } from '../contract/environment.js';
import { parseJsonObject } from '../guards.js';
import type { RuntimeLogger } from './log.js';
import type { AlarmStateChange } from './notification.js';
import { type NotifierSettings, type NotifyOutcome, notifierSettingsFromEnv, notifyAlarm } from './notifier.js';

export interface NotifierHandlerDeps {
  env: NodeJS.ProcessEnv;
  envNames: typeof NOTIFIER_ENV;
  logs: () => CloudWatchLogsClient;
  cloudWatch: () => CloudWatchClient;
  sns: (region: string) => SNSClient;
  logger: RuntimeLogger & { addContext?(context: Context): void };
}

export function createNotifierHandler(
  deps: NotifierHandlerDeps,
): (event: SNSEvent, context?: Partial<Context>) => Promise<NotifyOutcome[]> {
  let settings: NotifierSettings | undefined;
  return async (event, context) => {
    if (context?.awsRequestId && deps.logger.addContext) deps.logger.addContext(context as Context);
    try {
      settings ??= notifierSettingsFromEnv(deps.env, deps.envNames);
    } catch (error) {
      deps.logger.error('notifier is misconfigured', {
        event: 'notifier_misconfigured',
        reason: (error as Error).message,
      });
      throw error;
    }
    const outcomes: NotifyOutcome[] = [];
    for (const record of event?.Records ?? []) {
      const alarm = parseAlarmMessage(record?.Sns?.Message);
      if (!alarm) {
        deps.logger.error('SNS message is not a CloudWatch alarm notification; skipped', {
          event: 'notification_skipped',
          reason: 'not an alarm notification',
          topicArn: record?.Sns?.TopicArn,
          messageId: record?.Sns?.MessageId,
        });
        outcomes.push({ published: false, reason: 'not an alarm notification' });
        continue;
      }
      outcomes.push(
        await notifyAlarm(alarm, {
          settings,
          logs: deps.logs,
          cloudWatch: deps.cloudWatch,
          sns: deps.sns,
          logger: deps.logger,
        }),
      );
    }
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
