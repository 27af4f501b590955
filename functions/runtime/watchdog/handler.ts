/**
 * The watchdog function (home region, on a schedule): pings the heartbeat URL while the alert path is
 * healthy. Wiring only; the work is in ./run.ts.
 *
 * Environment: HEARTBEAT_URL_SECRET_ID, HEARTBEAT_PERIOD_MINUTES, WATCHDOG_NOTIFIERS,
 * WATCHDOG_ALARM_PREFIX, WATCHDOG_ALARM_REGIONS, WATCHDOG_NEVER_RAN_GRACE_MINUTES (and AWS_REGION).
 */
import { secretsManagerChannelSecrets } from '../notifier/channels/secrets.js';
import { cloudWatchClient, secretsManagerClient } from '../shared/clients.js';
import { runtimeLogger } from '../shared/log.js';
import { pingHeartbeat } from './ping.js';
import { createWatchdogHandler } from './run.js';

export const handler = createWatchdogHandler({
  env: process.env,
  cloudWatch: cloudWatchClient,
  secrets: secretsManagerChannelSecrets(secretsManagerClient),
  ping: (url, deadlineMs) => pingHeartbeat(url, { deadlineMs }),
  logger: runtimeLogger(),
  now: Date.now,
});
