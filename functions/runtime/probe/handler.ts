/**
 * The probe function: EventBridge Scheduler invokes it with one probe (see ./contract.ts). Wiring only;
 * the run lives in ./run.ts. Clients, the secret cache and the token cache are created once per container.
 *
 * Environment: METRICS_NAMESPACE, HOME_REGION, DEADLINE_MARGIN_MS, SECRET_CACHE_TTL_SEC, METRICS_TRANSPORT,
 * GLOBAL_FAILURE_REGIONS, NOTIFICATION_TOPIC_ARN and DEPLOYMENT_NAME (rotation tests; optional) (and AWS_REGION).
 */
// First, so that V8 is set up before anything compiles (see the module).
import './v8-settings.js';
import { prepareTransport, runProbe, systemClock, TokenCache } from '../../engine/index.js';
import { cloudWatchClient, secretsManagerClient, secretsManagerClientIn, snsClient } from '../shared/clients.js';
import { runtimeLogger } from '../shared/log.js';
import { createProbeRunner, probeSettingsFromEnv } from './run.js';
import { SecretDriftCheck } from './secret-drift.js';
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
  // This container's tokens (token.reuse) and Retry-After holds, per probe; memory only.
  tokens: new TokenCache(),
  secrets: () => {
    secrets ??= new SecretsManagerSecretSource({
      client: secretsManagerClient(),
      region: settings.region,
      ttlSec: settings.secretCacheTtlSec,
      logger,
    });
    return secrets;
  },
  // A rotation test reads one version, uncached: never the copy scheduled runs use, never kept.
  versionedSecrets: (version) =>
    new SecretsManagerSecretSource({
      client: secretsManagerClient(),
      region: settings.region,
      ttlSec: 0,
      logger,
      version,
    }),
  sns: snsClient,
  drift: new SecretDriftCheck({
    region: settings.region,
    clientIn: secretsManagerClientIn,
    clock: systemClock,
    logger,
  }),
  cloudWatch: () => cloudWatchClient(settings.region),
  homeCloudWatch: () => cloudWatchClient(settings.homeRegion),
});
