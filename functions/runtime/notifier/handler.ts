/**
 * The notifier function: subscribed to the regional AlarmTopic, it receives CloudWatch alarm state
 * changes and publishes one enriched message to the home region's NotificationTopic. Wiring only; the
 * work is in ./notifier.ts.
 *
 * Environment: NOTIFICATION_TOPIC_ARN, PROBE_LOG_GROUP_NAME, METRICS_NAMESPACE, HOME_REGION,
 * DASHBOARD_URL, GLOBAL_FAILURE_REGIONS, NOTIFY_ROUTES (and AWS_REGION).
 */

import { NOTIFIER_ENV } from '../../contract/environment.js';
import { cloudWatchClient, cloudWatchLogsClient, secretsManagerClientIn, snsClient } from '../shared/clients.js';
import { runtimeLogger } from '../shared/log.js';
import { secretsManagerChannelSecrets } from './channels/secrets.js';
import { createNotifierHandler } from './run.js';

export const handler = createNotifierHandler({
  env: process.env,
  envNames: NOTIFIER_ENV,
  logs: cloudWatchLogsClient,
  cloudWatch: () => cloudWatchClient(),
  sns: snsClient,
  logger: runtimeLogger(),
  channels: (settings) => ({
    secrets: secretsManagerChannelSecrets(() => secretsManagerClientIn(settings.homeRegion)),
    alarms: cloudWatchClient,
  }),
});
