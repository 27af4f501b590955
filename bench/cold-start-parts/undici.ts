/** Cold-start part: undici's Client and connector, loaded as the engine loads them (functions/engine/undici.ts). */
import { buildConnector, Client } from '../../functions/engine/undici.js';

export function constructClients(): void {
  void [buildConnector, Client];
}
