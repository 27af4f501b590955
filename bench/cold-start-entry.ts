/**
 * What the cold-start figure loads: the probe handler module exactly as deployed, plus a way to
 * construct the AWS clients its first invocation constructs (the handler creates them lazily).
 */
import { cloudWatchClient, secretsManagerClient } from '../functions/runtime/shared/clients.js';

export { handler } from '../functions/runtime/probe/handler.js';

export function constructClients(): void {
  secretsManagerClient();
  cloudWatchClient();
}
