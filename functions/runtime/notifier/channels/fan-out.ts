/**
 * Sends one notification to the native channels it is routed to (PagerDuty, Slack, Teams, Chatbot).
 * Email and HTTPS targets are not called here: they are SNS subscriptions that filter on the
 * `targets` attribute of the message the notifier publishes.
 *
 * Every channel is tried even when another fails; each outcome is logged by target name and kind,
 * never with the routing key or webhook URL. A 400-class answer is a configuration error (logged as
 * `channel_config_error` with the vendor's reason); 429/5xx are retried within the deadline.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { NotificationRoutes, RouteTarget } from '../../../contract/notification-routes.js';
import type { RuntimeLogger } from '../../shared/log.js';
import { scrubSecrets } from '../../shared/log.js';
import type { Notification } from '../../shared/notification.js';
import { chatbotNotification } from './chatbot.js';
import { type PostOptions, type PostOutcome, postJson } from './delivery.js';
import { pagerDutyEvent } from './pagerduty.js';
import type { ChannelSecrets } from './secrets.js';
import { slackMessage } from './slack.js';
import { teamsMessage } from './teams.js';

export const CHAT_PUBLISH_DEADLINE_MS = 5_000;
/** JSON keys accepted in a secret that holds JSON instead of the bare value. */
export const ROUTING_KEY_FIELDS = ['routingKey', 'routing_key', 'integrationKey'] as const;
export const WEBHOOK_URL_FIELDS = ['url', 'webhookUrl', 'webhook_url'] as const;

export interface FanOutDeps {
  routes: NotificationRoutes;
  secrets: ChannelSecrets;
  sns: (region: string) => SNSClient;
  logger: RuntimeLogger;
  post?: PostOptions;
}

export interface ChannelOutcome {
  target: string;
  kind: RouteTarget['kind'];
  ok: boolean;
  status?: number | null;
  attempts?: number;
  error?: string;
}

/** The vendor body each native channel would receive (secrets given as placeholders by the caller). */
export function channelBody(target: RouteTarget, notification: Notification, secret: string): unknown {
  const { document: doc, subject } = notification;
  switch (target.kind) {
    case 'pagerDuty':
      return pagerDutyEvent(doc, subject, secret);
    case 'slack':
      return slackMessage(doc, subject);
    case 'teams':
      return teamsMessage(doc, subject);
    case 'chatbot':
      return chatbotNotification(doc, subject);
    default:
      return undefined;
  }
}

export async function fanOut(
  notification: Notification,
  targets: string[],
  deps: FanOutDeps,
): Promise<ChannelOutcome[]> {
  const outcomes = await Promise.all(
    [...new Set(targets)].map(async (name): Promise<ChannelOutcome | undefined> => {
      const target = deps.routes.targets[name];
      if (!target) {
        deps.logger.error('notification target is not defined', { event: 'channel_config_error', target: name });
        return { target: name, kind: 'https', ok: false, error: 'undefined_target' };
      }
      if (target.kind === 'email' || target.kind === 'https') return undefined;
      try {
        return await deliver(name, target, notification, deps);
      } catch (error) {
        const reason = (error as { code?: string; name?: string })?.code ?? (error as Error)?.name ?? 'error';
        return report(deps.logger, name, target, { ok: false, error: reason });
      }
    }),
  );
  return outcomes.filter((o): o is ChannelOutcome => o !== undefined);
}

async function deliver(
  name: string,
  target: RouteTarget,
  notification: Notification,
  deps: FanOutDeps,
): Promise<ChannelOutcome> {
  switch (target.kind) {
    case 'pagerDuty': {
      const key = await deps.secrets.read(target.routingKeySecretId, ROUTING_KEY_FIELDS);
      if (notification.document.state === 'ALARM' || !notification.resolveKeys) {
        const outcome = await postJson(target.eventsUrl, channelBody(target, notification, key), deps.post);
        return report(deps.logger, name, target, fromPost(outcome));
      }
      // A shared incident: resolve every key of it, or none while one of its probes still fails.
      let last: ChannelOutcome = { target: name, kind: target.kind, ok: true, attempts: 0 };
      for (const dedupKey of notification.resolveKeys) {
        const body = { routing_key: key, event_action: 'resolve', dedup_key: dedupKey };
        last = report(deps.logger, name, target, fromPost(await postJson(target.eventsUrl, body, deps.post)));
        if (!last.ok) break;
      }
      return last;
    }
    case 'slack':
    case 'teams': {
      const url = await deps.secrets.read(target.webhookSecretId, WEBHOOK_URL_FIELDS);
      const outcome = await postJson(url, channelBody(target, notification, ''), deps.post);
      return report(deps.logger, name, target, fromPost(outcome));
    }
    case 'chatbot': {
      // A route names no topic only for the deployment's own chat topic, which the environment supplies.
      if (!target.topicArn)
        throw new Error(`chat target ${name} has no topic: the notifier's CHAT_TOPIC_ARN is not set`);
      const region = target.topicArn.split(':')[3] ?? 'us-east-1';
      await deps.sns(region).send(
        new PublishCommand({
          TopicArn: target.topicArn,
          Message: JSON.stringify(channelBody(target, notification, '')),
        }),
        { abortSignal: AbortSignal.timeout(CHAT_PUBLISH_DEADLINE_MS) },
      );
      return report(deps.logger, name, target, { ok: true });
    }
    default:
      return { target: name, kind: target.kind, ok: true };
  }
}

function fromPost(outcome: PostOutcome): Omit<ChannelOutcome, 'target' | 'kind'> & { detail?: string } {
  return {
    ok: outcome.ok,
    status: outcome.status,
    attempts: outcome.attempts,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.detail ? { detail: outcome.detail } : {}),
  };
}

function report(
  logger: RuntimeLogger,
  name: string,
  target: RouteTarget,
  result: Omit<ChannelOutcome, 'target' | 'kind'> & { detail?: string },
): ChannelOutcome {
  const { detail, ...rest } = result;
  const outcome: ChannelOutcome = { target: name, kind: target.kind, ...rest };
  if (outcome.ok) {
    logger.info('notification delivered', { event: 'channel_delivered', ...outcome });
  } else if (outcome.error === 'config_error') {
    // The vendor said the request is wrong (bad routing key, disabled webhook): retrying cannot help.
    logger.error('channel rejected the notification: check its configuration', {
      event: 'channel_config_error',
      ...outcome,
      ...(detail ? { detail: scrubSecrets(detail) } : {}),
    });
  } else {
    logger.error('notification not delivered', { event: 'channel_failed', ...outcome });
  }
  return outcome;
}
