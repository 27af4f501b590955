/** Cold-start part: undici, imported as functions/engine/http.ts imports it. */
import { buildConnector, Client } from 'undici';

export function constructClients(): void {
  void [buildConnector, Client];
}
