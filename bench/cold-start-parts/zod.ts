/** Cold-start part: zod, imported as functions/config/schema.ts imports it, with one schema built. */
import * as z from 'zod';

export function constructClients(): void {
  z.object({ name: z.string() }).parse({ name: 'probe' });
}
