/** Cold-start part: the AWS SDK clients the probe function constructs (functions/runtime/clients.ts). */
import { cloudWatchClient, secretsManagerClient } from '../../functions/runtime/clients.js';

export function constructClients(): void {
  secretsManagerClient();
  cloudWatchClient();
}
