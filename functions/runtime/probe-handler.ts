/**
 * The probe function: EventBridge Scheduler invokes it with one probe (see ./contract.ts). Wiring only;
 * the run lives in ./probe-run.ts. Clients and the secret cache are created once per container.
 *
 * Environment: METRICS_NAMESPACE, HOME_REGION, DEADLINE_MARGIN_MS, SECRET_CACHE_TTL_SEC, METRICS_TRANSPORT,
 * GLOBAL_FAILURE_REGIONS (and AWS_REGION).
 */
// First, so that V8 is set up before anything compiles (see the module).
import './v8-settings.js';
import { prepareTransport, runProbe } from '../engine/index.js';
import { cloudWatchClient, secretsManagerClient } from './clients.js';
import { runtimeLogger } from './log.js';
import { createProbeRunner, probeSettingsFromEnv } from './probe-run.js';
import { SecretsManagerSecretSource } from './secrets-manager-source.js';

// In INIT, not in the first invocation: the first run's timings then carry none of it.
await prepareTransport();

const settings = probeSettingsFromEnv();
const logger = runtimeLogger();
let secrets: SecretsManagerSecretSource | undefined;

export const handler = createProbeRunner({
  settings,
  runProbe,
  logger,
  secrets: () => {
    secrets ??= new SecretsManagerSecretSource({
      client: secretsManagerClient(),
      region: settings.region,
      ttlSec: settings.secretCacheTtlSec,
      logger,
    });
    return secrets;
  },
  cloudWatch: () => cloudWatchClient(settings.region),
  homeCloudWatch: () => cloudWatchClient(settings.homeRegion),
});
