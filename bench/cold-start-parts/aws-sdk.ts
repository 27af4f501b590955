/** Cold-start part: the AWS SDK clients the probe function constructs (functions/runtime/shared/clients.ts). */
import { cloudWatchClient, secretsManagerClient } from '../../functions/runtime/shared/clients.js';

export function constructClients(): void {
  secretsManagerClient();
  cloudWatchClient();
}
