/**
 * The notification of a failed rotation test: built by the notifier's own message builder
 * (`buildNotification`, kind `rotationTest`), so subscribers get the same subject style, plain text and
 * JSON document as for any alarm, with the diagnosis (stage, code, message, hint) of the pending
 * version's run. Published by the probe function itself, straight to the notification topic: a failed
 * testSecret raises no CloudWatch alarm for the notifier to hear of, and the probe is the one that holds
 * the diagnosis at that moment (see docs/runtime.md, "Rotation tests").
 *
 * The text carries the version's staging label and id (not secret); never a secret value: results are
 * redacted by the engine and scrubbed again by the builder.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alarmName } from '../../contract/alarm-naming.js';
import type { ProbeResult } from '../../engine/index.js';
import { callDeadline } from '../shared/deadline.js';
import type { LoggedResult } from '../shared/log.js';
import { buildNotification, type Notification } from '../shared/notification.js';

/** Publishing the notification (all attempts) is aborted after this long. @default 5000 ms */
export const ROTATION_NOTICE_TIMEOUT_MS = 5_000;

export interface RotationNoticeInput {
  result: ProbeResult;
  region: string;
  /** Config `name`. @default "oauth-probe" */
  deployment?: string;
  secretVersionStage?: string;
  /** The version the run read (or was asked for). */
  secretVersionId?: string;
  runbookUrl?: string;
  owner?: string;
}

/** The diagnosed message of a failed rotation test. */
export function rotationNotification(input: RotationNoticeInput): Notification {
  const { result, region } = input;
  const version = [input.secretVersionStage, input.secretVersionId && `version ${input.secretVersionId}`]
    .filter(Boolean)
    .join(', ');
  const name = alarmName({
    ...(input.deployment ? { deployment: input.deployment } : {}),
    probe: result.probe,
    kind: 'rotationTest',
    region,
  });
  const latest: LoggedResult = { ...result, region };
  return buildNotification({
    alarm: {
      AlarmName: name,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: `rotation test of ${version || 'the pending secret'}: ${result.stage ?? 'run'} ${result.code ?? result.status}`,
      StateChangeTime: result.startedAt,
    },
    identity: { probe: result.probe, kind: 'rotationTest', region },
    region,
    latest,
    links: input.runbookUrl ? { runbook: input.runbookUrl } : {},
    ...(input.owner ? { owner: input.owner } : {}),
  });
}

/** Publishes `notification` to the topic; rejects when SNS does not take it within the deadline. */
export async function publishRotationNotice(
  sns: SNSClient,
  topicArn: string,
  notification: Notification,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const output = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: notification.subject,
      Message: notification.message,
      MessageStructure: 'json',
      MessageAttributes: notification.attributes,
    }),
    { abortSignal: callDeadline(ROTATION_NOTICE_TIMEOUT_MS, signal) },
  );
  return output.MessageId;
}
