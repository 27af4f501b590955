/**
 * Cold-start floor: what any probe function must load before it does anything of its own, the bare AWS
 * SDK clients it calls (Secrets Manager, CloudWatch; constructed with nothing but a region) and undici
 * as the engine loads it (functions/engine/undici.ts: the client and connector, without the rest of the
 * package). Figure 3's target is the handler's time as a multiple of this one, measured in the same run.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildConnector, Client } from '../../functions/engine/undici.js';

export function constructClients(): void {
  void [buildConnector, Client];
  new SecretsManagerClient({ region: process.env.AWS_REGION });
  new CloudWatchClient({ region: process.env.AWS_REGION });
}
