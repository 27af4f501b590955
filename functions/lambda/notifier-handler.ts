/**
 * The notifier function: subscribed to the regional AlarmTopic, it receives CloudWatch alarm state
 * changes and publishes one enriched message to the home region's NotificationTopic. Wiring only; the
 * work is in ../aws/notifier.ts.
 *
 * Environment: NOTIFICATION_TOPIC_ARN, PROBE_LOG_GROUP_NAME, METRICS_NAMESPACE, HOME_REGION,
 * DASHBOARD_URL, GLOBAL_FAILURE_REGIONS (and AWS_REGION).
 */
import { cloudWatchClient, cloudWatchLogsClient, snsClient } from '../aws/clients.js';
import { runtimeLogger } from '../aws/log.js';
import { createNotifierHandler } from '../aws/notifier-run.js';
import { NOTIFIER_ENV } from './contract.js';

export const handler = createNotifierHandler({
  env: process.env,
  envNames: NOTIFIER_ENV,
  logs: cloudWatchLogsClient,
  cloudWatch: () => cloudWatchClient(),
  sns: snsClient,
  logger: runtimeLogger(),
});
