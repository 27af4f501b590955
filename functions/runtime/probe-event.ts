/** Validation of the probe function's event: the Scheduler input described by `ProbeEvent` in the contract. */
import * as z from 'zod';
import { probeSchema } from '../config/schema.js';
import type { ProbeEvent } from '../contract/environment.js';

export const probeEventSchema = z
  .object({
    probe: probeSchema,
    scheduledTime: z.string().optional(),
    executionId: z.string().optional(),
  })
  .strict();

// Every event the schema accepts is a ProbeEvent of the contract (whose probe is typed structurally).
type Fits<A, B> = [A] extends [B] ? true : false;
const fitsContract: Fits<z.input<typeof probeEventSchema>, ProbeEvent> = true;
void fitsContract;
