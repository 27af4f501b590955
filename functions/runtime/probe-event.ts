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

// The contract's hand-written type and the schema must describe the same event.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.input<typeof probeEventSchema>, ProbeEvent> = true;
void sameShape;
