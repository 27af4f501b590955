/** Cold-start part: the AWS SDK clients the probe function constructs (functions/aws/clients.ts). */
import { cloudWatchClient, secretsManagerClient } from '../../functions/aws/clients.js';

export function constructClients(): void {
  secretsManagerClient();
  cloudWatchClient();
}
