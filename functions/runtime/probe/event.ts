/** Validation of the probe function's event: the Scheduler input described by `ProbeEvent` in the contract. */
import * as z from 'zod';
import { probeSchema } from '../../config/schema.js';
import { checkVersionId, checkVersionStage, type ProbeEvent } from '../../contract/environment.js';

export const probeEventSchema = z
  .object({
    probe: probeSchema,
    scheduledTime: z.string().optional(),
    executionId: z.string().optional(),
    secretVersionStage: z
      .string()
      .optional()
      .superRefine((stage, ctx) => {
        const problem = stage === undefined ? undefined : checkVersionStage(stage);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    secretVersionId: z
      .string()
      .optional()
      .superRefine((id, ctx) => {
        const problem = id === undefined ? undefined : checkVersionId(id);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    notifyOnFailure: z.boolean().optional(),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.notifyOnFailure && event.secretVersionStage === undefined && event.secretVersionId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['notifyOnFailure'],
        message:
          'goes with secretVersionStage or secretVersionId (a rotation test); a scheduled run notifies through its alarms',
      });
    }
  });

/** A direct invocation that names a secret version: a rotation test (no metrics, own log line). */
export function isVersionedRun(event: { secretVersionStage?: string; secretVersionId?: string }): boolean {
  return event.secretVersionStage !== undefined || event.secretVersionId !== undefined;
}

// Every event the schema accepts is a ProbeEvent of the contract (whose probe is typed structurally).
type Fits<A, B> = [A] extends [B] ? true : false;
const fitsContract: Fits<z.input<typeof probeEventSchema>, ProbeEvent> = true;
void fitsContract;
